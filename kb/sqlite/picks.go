package sqlite

import (
	"context"
	"time"

	"crisisbot/kb"
)

// RecordPick implements kb.Store. The scope's least confirmed, then oldest,
// pairs past MaxQuestions are dropped as the pair is stored.
func (s *Store) RecordPick(ctx context.Context, scope, question, entryID string) error {
	q := normalizeQuestion(question)
	if q == "" || entryID == "" {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO picks (scope, question, entry_id, count, last) VALUES (?, ?, ?, 1, ?)
		ON CONFLICT (scope, question, entry_id) DO UPDATE SET count = count + 1, last = excluded.last`,
		scope, q, entryID, s.opts.Now().UTC().Format(timeFormat)); err != nil {
		return classify(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM picks WHERE rowid IN (
		SELECT rowid FROM picks WHERE scope = ? ORDER BY count DESC, last DESC LIMIT -1 OFFSET ?)`, scope, s.opts.MaxQuestions); err != nil {
		return classify(err)
	}
	return classify(tx.Commit())
}

// Picks implements kb.Store.
func (s *Store) Picks(ctx context.Context, scope string, limit int) ([]kb.Pick, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT question, entry_id, count, last FROM picks
		WHERE scope = ? AND last >= ? ORDER BY count DESC, last DESC LIMIT ?`, scope, s.cutoff(), limit)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []kb.Pick
	for rows.Next() {
		var p kb.Pick
		var last string
		if err := rows.Scan(&p.Question, &p.EntryID, &p.Count, &last); err != nil {
			return nil, err
		}
		p.Last, _ = time.Parse(timeFormat, last)
		out = append(out, p)
	}
	return out, rows.Err()
}

// DropPick implements kb.Store.
func (s *Store) DropPick(ctx context.Context, scope, question, entryID string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM picks WHERE scope = ? AND question = ? AND entry_id = ?`, scope, normalizeQuestion(question), entryID)
	return classify(err)
}
