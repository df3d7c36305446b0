package sqlite

import (
	"context"
	"time"

	"crisisbot/kb"
)

// migrationDaily keeps per-day counters for charts. Triggers update them in
// the same statement as RecordQuestion's and Vote's writes, so the counters
// can never disagree with what was recorded, and those methods need not
// know. A question's day is the UTC date of its "last" timestamp; a vote's
// is the day it is cast (SQLite's UTC clock).
const migrationDaily = `CREATE TABLE daily (
		scope    TEXT NOT NULL,
		day      TEXT NOT NULL, -- YYYY-MM-DD, UTC
		asked    INTEGER NOT NULL DEFAULT 0,
		answered INTEGER NOT NULL DEFAULT 0,
		partial  INTEGER NOT NULL DEFAULT 0,
		declined INTEGER NOT NULL DEFAULT 0,
		up       INTEGER NOT NULL DEFAULT 0,
		down     INTEGER NOT NULL DEFAULT 0,
		PRIMARY KEY (scope, day)
	);
	CREATE TRIGGER daily_question_new AFTER INSERT ON questions BEGIN
		INSERT INTO daily (scope, day, asked, answered, declined)
		VALUES (NEW.scope, substr(NEW.last, 1, 10), NEW.count, CASE WHEN NEW.entry_id != '' THEN NEW.count ELSE 0 END,
		        CASE WHEN NEW.entry_id = '' THEN NEW.count ELSE 0 END)
		ON CONFLICT (scope, day) DO UPDATE SET asked = asked + excluded.asked,
		        answered = answered + excluded.answered, declined = declined + excluded.declined;
	END;
	CREATE TRIGGER daily_question_again AFTER UPDATE OF count ON questions WHEN NEW.count > OLD.count BEGIN
		INSERT INTO daily (scope, day, asked, answered, declined)
		VALUES (NEW.scope, substr(NEW.last, 1, 10), NEW.count - OLD.count,
		        CASE WHEN NEW.entry_id != '' THEN NEW.count - OLD.count ELSE 0 END,
		        CASE WHEN NEW.entry_id = '' THEN NEW.count - OLD.count ELSE 0 END)
		ON CONFLICT (scope, day) DO UPDATE SET asked = asked + excluded.asked,
		        answered = answered + excluded.answered, declined = declined + excluded.declined;
	END;
	CREATE TRIGGER daily_vote_new AFTER INSERT ON votes BEGIN
		INSERT INTO daily (scope, day, up, down) VALUES (NEW.scope, date('now'), NEW.up, 1 - NEW.up)
		ON CONFLICT (scope, day) DO UPDATE SET up = up + excluded.up, down = down + excluded.down;
	END;
	CREATE TRIGGER daily_vote_changed AFTER UPDATE OF up ON votes WHEN NEW.up != OLD.up BEGIN
		INSERT INTO daily (scope, day, up, down) VALUES (NEW.scope, date('now'), NEW.up, 1 - NEW.up)
		ON CONFLICT (scope, day) DO UPDATE SET up = up + excluded.up, down = down + excluded.down;
	END;`

// dayFormat is how the daily table keeps a day.
const dayFormat = "2006-01-02"

// Daily implements kb.Store.
func (s *Store) Daily(ctx context.Context, scope string, since time.Time) ([]kb.Day, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day, asked, answered, partial, declined, up, down FROM daily
		WHERE scope = ? AND day >= ? ORDER BY day`, scope, since.UTC().Format(dayFormat))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.Day
	for rows.Next() {
		var d kb.Day
		var day string
		if err := rows.Scan(&day, &d.Asked, &d.Answered, &d.Partial, &d.Declined, &d.Up, &d.Down); err != nil {
			return nil, err
		}
		if d.Date, err = time.Parse(dayFormat, day); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RecordPartial implements kb.Store.
func (s *Store) RecordPartial(ctx context.Context, scope, question, relatedID string) error {
	return s.RecordQuestions(ctx, []kb.Question{{Scope: scope, Question: question, RelatedID: relatedID}})
}
