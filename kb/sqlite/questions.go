package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"crisisbot/kb"
)

// normalizeQuestion folds case, white space and closing punctuation so
// repeats count together.
func normalizeQuestion(q string) string {
	return strings.TrimRight(strings.Join(strings.Fields(strings.ToLower(q)), " "), "?!.… ")
}

// RecordQuestion implements kb.Store.
func (s *Store) RecordQuestion(ctx context.Context, scope, question, entryID string) error {
	return s.RecordQuestions(ctx, []kb.Question{{Scope: scope, Question: question, EntryID: entryID}})
}

// RecordQuestions implements kb.Store: one immediate transaction, so one
// disk sync for the batch, and one write per distinct question in it (see
// kb.CountQuestions). A question answered in part is recorded as
// declined (the triggers count it), then that day's count moves from
// declined to partial. Every PruneEvery declined questions in a scope, it
// drops the declined questions of every scope past the retention, and the
// scope's least asked past MaxQuestions.
func (s *Store) RecordQuestions(ctx context.Context, qs []kb.Question) error {
	if len(qs) == 0 {
		return nil
	}
	now := s.opts.Now().UTC()
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (see dsn)
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	upsert, err := tx.PrepareContext(ctx, `INSERT INTO questions (scope, question, entry_id, count, last) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (scope, question, entry_id) DO UPDATE SET count = count + excluded.count, last = excluded.last`)
	if err != nil {
		return classify(err)
	}
	defer upsert.Close()
	last, day := now.Format(timeFormat), now.Format(dayFormat)
	rows, declined, partial := kb.CountQuestions(qs, normalizeQuestion)
	for _, r := range rows {
		if _, err := upsert.ExecContext(ctx, r.Scope, r.Question, r.EntryID, r.Count, last); err != nil {
			return classify(err)
		}
	}
	for scope, n := range partial {
		if _, err := tx.ExecContext(ctx, `UPDATE daily SET declined = declined - ?, partial = partial + ? WHERE scope = ? AND day = ? AND declined >= ?`,
			n, n, scope, day, n); err != nil {
			return classify(err)
		}
	}
	if err := tx.Commit(); err != nil {
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
	if _, err := s.db.ExecContext(ctx, `DELETE FROM questions WHERE entry_id = '' AND last < ?`, s.cutoff()); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM questions WHERE rowid IN (
		SELECT rowid FROM questions WHERE scope = ? AND entry_id = ''
		ORDER BY count DESC, last DESC LIMIT -1 OFFSET ?)`, scope, s.opts.MaxQuestions)
	return err
}

// cutoff is the oldest "last asked" time a declined question is kept for.
func (s *Store) cutoff() string {
	return s.opts.Now().UTC().Add(-s.opts.QuestionRetention).Format(timeFormat)
}

// Unanswered implements kb.Store.
func (s *Store) Unanswered(ctx context.Context, scope string, limit int) ([]kb.Unanswered, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT question, count, last FROM questions
		WHERE scope = ? AND entry_id = '' AND last >= ? ORDER BY count DESC, last DESC LIMIT ?`, scope, s.cutoff(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.Unanswered
	for rows.Next() {
		var u kb.Unanswered
		var last string
		if err := rows.Scan(&u.Question, &u.Count, &last); err != nil {
			return nil, err
		}
		u.Last, _ = time.Parse(timeFormat, last)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Vote implements kb.Store.
func (s *Store) Vote(ctx context.Context, scope, entryID, user string, up bool) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO votes (scope, entry_id, user_id, up) VALUES (?, ?, ?, ?)
		ON CONFLICT (scope, entry_id, user_id) DO UPDATE SET up = excluded.up`, scope, entryID, user, up)
	return classify(err)
}

// Stats implements kb.Store.
func (s *Store) Stats(ctx context.Context, scope string) (kb.Stats, error) {
	var st kb.Stats
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(count), 0), COALESCE(SUM(CASE WHEN entry_id != '' THEN count END), 0)
		FROM questions WHERE scope = ?`, scope).Scan(&st.Asked, &st.Answered); err != nil {
		return st, err
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT e.entry_id, e.answers,
		       COALESCE((SELECT SUM(up) FROM votes v WHERE v.scope = ? AND v.entry_id = e.entry_id), 0),
		       COALESCE((SELECT SUM(1 - up) FROM votes v WHERE v.scope = ? AND v.entry_id = e.entry_id), 0)
		FROM (SELECT entry_id, SUM(count) AS answers FROM questions WHERE scope = ? AND entry_id != '' GROUP BY entry_id
		      UNION SELECT DISTINCT entry_id, 0 FROM votes WHERE scope = ? AND entry_id NOT IN
		        (SELECT entry_id FROM questions WHERE scope = ? AND entry_id != '')) e
		ORDER BY e.answers DESC, e.entry_id`, scope, scope, scope, scope, scope)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var es kb.EntryStats
		if err := rows.Scan(&es.EntryID, &es.Answers, &es.Up, &es.Down); err != nil {
			return st, err
		}
		st.Entries = append(st.Entries, es)
	}
	return st, rows.Err()
}
