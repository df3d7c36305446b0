package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"crisisbot/kb"
)

// migrationDaily keeps per-day counters for charts, as the SQLite store's
// migration of the same name does. Triggers update them in the same
// statement as RecordQuestion's and Vote's writes, so the counters can never
// disagree with what was recorded, and those methods need not know. A
// question's day is the UTC date of its "last" time (the store's clock); a
// vote's is the UTC day it is cast, by the database server's clock (SQLite
// uses its process's clock), and a vote repeated unchanged does not count.
const migrationDaily = `CREATE TABLE daily (
		scope    text COLLATE "C" NOT NULL,
		day      date NOT NULL, -- UTC
		asked    integer NOT NULL DEFAULT 0,
		answered integer NOT NULL DEFAULT 0,
		partial  integer NOT NULL DEFAULT 0,
		declined integer NOT NULL DEFAULT 0,
		up       integer NOT NULL DEFAULT 0,
		down     integer NOT NULL DEFAULT 0,
		PRIMARY KEY (scope, day)
	);
	CREATE FUNCTION daily_question() RETURNS trigger LANGUAGE plpgsql AS $$
	DECLARE
		n integer := NEW.count;
	BEGIN
		IF TG_OP = 'UPDATE' THEN
			n := NEW.count - OLD.count;
		END IF;
		IF n > 0 THEN
			INSERT INTO daily AS d (scope, day, asked, answered, declined)
			VALUES (NEW.scope, (NEW.last AT TIME ZONE 'UTC')::date, n,
			        CASE WHEN NEW.entry_id <> '' THEN n ELSE 0 END,
			        CASE WHEN NEW.entry_id = '' THEN n ELSE 0 END)
			ON CONFLICT (scope, day) DO UPDATE SET asked = d.asked + excluded.asked,
			        answered = d.answered + excluded.answered, declined = d.declined + excluded.declined;
		END IF;
		RETURN NULL;
	END $$;
	CREATE TRIGGER daily_question AFTER INSERT OR UPDATE OF count ON questions
		FOR EACH ROW EXECUTE PROCEDURE daily_question();
	CREATE FUNCTION daily_vote() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF TG_OP = 'INSERT' OR NEW.up IS DISTINCT FROM OLD.up THEN
			INSERT INTO daily AS d (scope, day, up, down)
			VALUES (NEW.scope, (now() AT TIME ZONE 'UTC')::date, CASE WHEN NEW.up THEN 1 ELSE 0 END, CASE WHEN NEW.up THEN 0 ELSE 1 END)
			ON CONFLICT (scope, day) DO UPDATE SET up = d.up + excluded.up, down = d.down + excluded.down;
		END IF;
		RETURN NULL;
	END $$;
	CREATE TRIGGER daily_vote AFTER INSERT OR UPDATE OF up ON votes
		FOR EACH ROW EXECUTE PROCEDURE daily_vote();`

// Daily implements kb.Store.
func (s *Store) Daily(ctx context.Context, scope string, since time.Time) ([]kb.Day, error) {
	rows, err := s.pool.Query(ctx, `SELECT day, asked, answered, partial, declined, up, down FROM daily
		WHERE scope = $1 AND day >= $2::date ORDER BY day`, scope, since.UTC().Format(time.DateOnly))
	if err != nil {
		return nil, classify(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (kb.Day, error) {
		var d kb.Day
		err := row.Scan(&d.Date, &d.Asked, &d.Answered, &d.Partial, &d.Declined, &d.Up, &d.Down)
		d.Date = d.Date.UTC()
		return d, err
	})
	return out, classify(err)
}

// RecordPartial implements kb.Store.
func (s *Store) RecordPartial(ctx context.Context, scope, question, relatedID string) error {
	return s.RecordQuestions(ctx, []kb.Question{{Scope: scope, Question: question, RelatedID: relatedID}})
}
