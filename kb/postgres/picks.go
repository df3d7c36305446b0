package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"crisisbot/kb"
)

// RecordPick implements kb.Store. The scope's least confirmed, then oldest,
// pairs past MaxQuestions are dropped in the same transaction as the pair is
// stored.
func (s *Store) RecordPick(ctx context.Context, scope, question, entryID string) error {
	q := normalizeQuestion(question)
	if q == "" || entryID == "" {
		return nil
	}
	return classify(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO picks (scope, question, entry_id, count, last) VALUES ($1, $2, $3, 1, $4)
			ON CONFLICT (scope, question, entry_id) DO UPDATE SET count = picks.count + 1, last = excluded.last`,
			scope, q, entryID, s.opts.Now().UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM picks WHERE scope = $1 AND (question, entry_id) IN (
			SELECT question, entry_id FROM picks WHERE scope = $1 ORDER BY count DESC, last DESC OFFSET $2)`,
			scope, s.opts.MaxQuestions)
		return err
	}))
}

// Picks implements kb.Store.
func (s *Store) Picks(ctx context.Context, scope string, limit int) ([]kb.Pick, error) {
	rows, err := s.pool.Query(ctx, `SELECT question, entry_id, count, last FROM picks
		WHERE scope = $1 AND last >= $2 ORDER BY count DESC, last DESC LIMIT $3`, scope, s.cutoff(), limit)
	if err != nil {
		return nil, classify(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (kb.Pick, error) {
		var p kb.Pick
		err := row.Scan(&p.Question, &p.EntryID, &p.Count, &p.Last)
		p.Last = p.Last.UTC()
		return p, err
	})
	return out, classify(err)
}

// DropPick implements kb.Store.
func (s *Store) DropPick(ctx context.Context, scope, question, entryID string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM picks WHERE scope = $1 AND question = $2 AND entry_id = $3`,
		scope, normalizeQuestion(question), entryID)
	return classify(err)
}
