package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"crisisbot/kb"
)

const versionColumns = `scope, entry_id, version, action, entry, author, at`

func scanVersion(row pgx.Row) (kb.Version, error) {
	var v kb.Version
	var entry *string
	var action string
	if err := row.Scan(&v.Scope, &v.EntryID, &v.Version, &action, &entry, &v.Author, &v.At); err != nil {
		return v, err
	}
	v.Action = kb.Action(action)
	v.At = v.At.UTC()
	if entry != nil {
		var e kb.Entry
		if err := json.Unmarshal([]byte(*entry), &e); err != nil {
			return v, fmt.Errorf("decode %s/%s v%d: %w", v.Scope, v.EntryID, v.Version, err)
		}
		v.Entry = &e
	}
	return v, nil
}

func (s *Store) versions(ctx context.Context, query string, args ...any) ([]kb.Version, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []kb.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, classify(err)
		}
		out = append(out, v)
	}
	return out, classify(rows.Err())
}

// Current implements kb.Store.
func (s *Store) Current(ctx context.Context, scope string) ([]kb.Version, error) {
	return s.versions(ctx, `
		SELECT v.scope, v.entry_id, v.version, v.action, v.entry, v.author, v.at
		FROM versions v
		JOIN (SELECT entry_id, MAX(version) AS mv, MIN(id) AS first FROM versions WHERE scope = $1 GROUP BY entry_id) m
		  ON v.entry_id = m.entry_id AND v.version = m.mv
		WHERE v.scope = $1
		ORDER BY m.first`, scope)
}

// Scopes implements kb.Store.
func (s *Store) Scopes(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT scope FROM versions ORDER BY scope`)
	if err != nil {
		return nil, classify(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, classify(err)
}

// History implements kb.Store.
func (s *Store) History(ctx context.Context, scope, entryID string) ([]kb.Version, error) {
	vs, err := s.versions(ctx, `SELECT `+versionColumns+` FROM versions
		WHERE scope = $1 AND entry_id = $2 ORDER BY version`, scope, entryID)
	if err == nil && len(vs) == 0 {
		err = kb.ErrNotFound
	}
	return vs, err
}

// Changes implements kb.Store: the scopes with versions whose id is past
// since, in one statement (one snapshot). Apply allocates ids in commit
// order, so no version with a smaller id can appear later.
func (s *Store) Changes(ctx context.Context, since int64) ([]string, int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT scope, MAX(id) FROM versions WHERE id > $1 GROUP BY scope ORDER BY scope`, since)
	if err != nil {
		return nil, since, classify(err)
	}
	defer rows.Close()
	var scopes []string
	mark := since
	for rows.Next() {
		var sc string
		var id int64
		if err := rows.Scan(&sc, &id); err != nil {
			return nil, since, classify(err)
		}
		scopes = append(scopes, sc)
		mark = max(mark, id)
	}
	if err := rows.Err(); err != nil {
		return nil, since, classify(err)
	}
	return scopes, mark, nil
}

// notice is the payload of a notification on Channel.
type notice struct {
	Scope   string `json:"scope"`
	Version int64  `json:"version"`          // the id of the scope's last new version
	Source  bool   `json:"source,omitempty"` // a source changed (its ids are not versions')
}

// Apply implements kb.Store: one transaction that takes the write lock
// (writes of versions are serialised, as in SQLite), checks each change's
// Base against the entry's latest version (a Base below 0 skips the check),
// stores a version and an audit record per change, and publishes one
// notification per scope changed, delivered when it commits.
func (s *Store) Apply(ctx context.Context, changes []kb.Change) ([]kb.Version, error) {
	out, err := s.apply(ctx, changes)
	return out, classify(err)
}

func (s *Store) apply(ctx context.Context, changes []kb.Change) ([]kb.Version, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT set_config('lock_timeout', $1, true)`, fmt.Sprintf("%dms", s.lockTimeout.Milliseconds())); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, applyLock); err != nil {
		return nil, fmt.Errorf("lock for writing: %w", err)
	}
	now := s.opts.Now().UTC().Truncate(time.Microsecond) // PostgreSQL keeps microseconds
	var out []kb.Version
	var order []string          // scopes changed, in order of first change
	marks := map[string]int64{} // scope -> the id of its last new version
	for _, c := range changes {
		var cur int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM versions WHERE scope = $1 AND entry_id = $2`,
			c.Scope, c.EntryID).Scan(&cur); err != nil {
			return nil, err
		}
		if c.Base >= 0 && c.Base != cur {
			return nil, fmt.Errorf("%s: %w (now at version %d, you started from %d)", c.EntryID, kb.ErrConflict, cur, c.Base)
		}
		var entry *string
		if c.Entry != nil {
			raw, err := json.Marshal(c.Entry)
			if err != nil {
				return nil, err
			}
			text := string(raw)
			entry = &text
		}
		v := kb.Version{Scope: c.Scope, EntryID: c.EntryID, Version: cur + 1, Action: c.Action, Entry: c.Entry, Author: c.Author, At: now}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO versions (scope, entry_id, version, action, entry, author, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			v.Scope, v.EntryID, v.Version, string(v.Action), entry, v.Author, now).Scan(&id); err != nil {
			return nil, fmt.Errorf("store %s v%d: %w", c.EntryID, v.Version, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO audit (scope, actor, action, entry_id, version, at) VALUES ($1, $2, $3, $4, $5, $6)`,
			v.Scope, v.Author, string(v.Action), v.EntryID, v.Version, now); err != nil {
			return nil, err
		}
		if _, seen := marks[c.Scope]; !seen {
			order = append(order, c.Scope)
		}
		marks[c.Scope] = id
		out = append(out, v)
	}
	for _, sc := range order {
		payload, err := json.Marshal(notice{Scope: sc, Version: marks[sc]})
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, string(payload)); err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return out, nil
}

// Setting implements kb.Store; a missing setting is "".
func (s *Store) Setting(ctx context.Context, scope, key string) (string, error) {
	var v string
	err := s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE scope = $1 AND key = $2`, scope, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return v, classify(err)
}

// SetSetting implements kb.Store.
func (s *Store) SetSetting(ctx context.Context, scope, key, value, author string) error {
	return classify(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO settings (scope, key, value) VALUES ($1, $2, $3)
			ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value`, scope, key, value); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO audit (scope, actor, action, detail, at) VALUES ($1, $2, 'setting', $3, $4)`,
			scope, author, key+"="+value, s.opts.Now().UTC())
		return err
	}))
}

// Audit implements kb.Store.
func (s *Store) Audit(ctx context.Context, scope string, limit int) ([]kb.AuditRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT scope, actor, action, entry_id, version, detail, at FROM audit
		WHERE scope = $1 ORDER BY id DESC LIMIT $2`, scope, limit)
	if err != nil {
		return nil, classify(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (kb.AuditRecord, error) {
		var r kb.AuditRecord
		err := row.Scan(&r.Scope, &r.Actor, &r.Action, &r.EntryID, &r.Version, &r.Detail, &r.At)
		r.At = r.At.UTC()
		return r, err
	})
	return out, classify(err)
}

// normalizeQuestion folds case, white space and closing punctuation so
// repeats count together (as the SQLite store does).
func normalizeQuestion(q string) string {
	return strings.TrimRight(strings.Join(strings.Fields(strings.ToLower(q)), " "), "?!.… ")
}

// RecordQuestion implements kb.Store.
func (s *Store) RecordQuestion(ctx context.Context, scope, question, entryID string) error {
	return s.RecordQuestions(ctx, []kb.Question{{Scope: scope, Question: question, EntryID: entryID}})
}

// RecordQuestions implements kb.Store: one transaction, its statements sent
// in one round trip, one write per distinct question (see
// kb.CountQuestions). A question answered in part is recorded as declined
// (the triggers count it), then that day's count moves from declined to
// partial. Every PruneEvery declined questions in a scope recorded by this
// process, it drops the declined questions of every scope past the
// retention, and the scope's least asked past MaxQuestions.
func (s *Store) RecordQuestions(ctx context.Context, qs []kb.Question) error {
	if len(qs) == 0 {
		return nil
	}
	now := s.opts.Now().UTC()
	rows, declined, partial := kb.CountQuestions(qs, normalizeQuestion)
	batch := &pgx.Batch{}
	for _, r := range rows {
		batch.Queue(`INSERT INTO questions (scope, question, entry_id, count, last) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (scope, question, entry_id) DO UPDATE SET count = questions.count + excluded.count, last = excluded.last`,
			r.Scope, r.Question, r.EntryID, r.Count, now)
	}
	for scope, n := range partial {
		batch.Queue(`UPDATE daily SET declined = declined - $3, partial = partial + $3 WHERE scope = $1 AND day = ($2::timestamptz AT TIME ZONE 'UTC')::date AND declined >= $3`,
			scope, now, n)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, batch).Close()
	})
	if err != nil {
		return classify(err)
	}
	for _, scope := range s.questionPrunes.Add(declined, s.opts.PruneEvery) {
		if err := s.pruneQuestions(ctx, scope); err != nil {
			return fmt.Errorf("prune declined questions: %w", classify(err))
		}
	}
	return nil
}

// pruneQuestions enforces the retention on every scope and MaxQuestions on
// scope.
func (s *Store) pruneQuestions(ctx context.Context, scope string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM questions WHERE entry_id = '' AND last < $1`, s.cutoff()); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM questions WHERE scope = $1 AND entry_id = '' AND question IN (
		SELECT question FROM questions WHERE scope = $1 AND entry_id = ''
		ORDER BY count DESC, last DESC OFFSET $2)`, scope, s.opts.MaxQuestions)
	return err
}

// cutoff is the oldest "last asked" time a declined question is kept for.
func (s *Store) cutoff() time.Time {
	return s.opts.Now().UTC().Add(-s.opts.QuestionRetention)
}

// Unanswered implements kb.Store.
func (s *Store) Unanswered(ctx context.Context, scope string, limit int) ([]kb.Unanswered, error) {
	rows, err := s.pool.Query(ctx, `SELECT question, count, last FROM questions
		WHERE scope = $1 AND entry_id = '' AND last >= $2 ORDER BY count DESC, last DESC LIMIT $3`, scope, s.cutoff(), limit)
	if err != nil {
		return nil, classify(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (kb.Unanswered, error) {
		var u kb.Unanswered
		err := row.Scan(&u.Question, &u.Count, &u.Last)
		u.Last = u.Last.UTC()
		return u, err
	})
	return out, classify(err)
}

// Vote implements kb.Store.
func (s *Store) Vote(ctx context.Context, scope, entryID, user string, up bool) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO votes (scope, entry_id, user_id, up) VALUES ($1, $2, $3, $4)
		ON CONFLICT (scope, entry_id, user_id) DO UPDATE SET up = excluded.up`, scope, entryID, user, up)
	return classify(err)
}

// Stats implements kb.Store.
func (s *Store) Stats(ctx context.Context, scope string) (kb.Stats, error) {
	var st kb.Stats
	if err := s.pool.QueryRow(ctx, `SELECT COALESCE(SUM(count), 0), COALESCE(SUM(count) FILTER (WHERE entry_id <> ''), 0)
		FROM questions WHERE scope = $1`, scope).Scan(&st.Asked, &st.Answered); err != nil {
		return st, classify(err)
	}
	rows, err := s.pool.Query(ctx, `
		WITH a AS (SELECT entry_id, SUM(count) AS answers FROM questions WHERE scope = $1 AND entry_id <> '' GROUP BY entry_id),
		     v AS (SELECT entry_id, COUNT(*) FILTER (WHERE up) AS up, COUNT(*) FILTER (WHERE NOT up) AS down
		           FROM votes WHERE scope = $1 GROUP BY entry_id)
		SELECT COALESCE(a.entry_id, v.entry_id) AS id, COALESCE(a.answers, 0), COALESCE(v.up, 0), COALESCE(v.down, 0)
		FROM a FULL JOIN v ON a.entry_id = v.entry_id
		ORDER BY 2 DESC, 1`, scope)
	if err != nil {
		return st, classify(err)
	}
	st.Entries, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (kb.EntryStats, error) {
		var es kb.EntryStats
		err := row.Scan(&es.EntryID, &es.Answers, &es.Up, &es.Down)
		return es, err
	})
	return st, classify(err)
}
