package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"crisisbot/kb"
)

// RecordAnswer implements kb.Store. Recording the same message again keeps
// the first record. Every PruneEvery answers in a scope recorded by this
// process, it forgets the answers of every scope past the retention, and the
// scope's oldest past MaxAnswers.
func (s *Store) RecordAnswer(ctx context.Context, a kb.Answer) error {
	if a.Scope == "" || a.ChannelID == "" || a.MessageID == "" || a.EntryID == "" {
		return fmt.Errorf("record an answer: scope, channel, message and entry are required")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO answers (scope, channel_id, message_id, entry_id, revision, kind, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (channel_id, message_id) DO NOTHING`,
		a.Scope, a.ChannelID, a.MessageID, a.EntryID, a.Revision, string(a.Kind), s.opts.Now().UTC().Truncate(time.Microsecond))
	if err != nil {
		return classify(err)
	}
	s.pruneMu.Lock()
	s.pendingAnswers[a.Scope]++
	due := s.pendingAnswers[a.Scope] >= s.opts.PruneEvery
	if due {
		delete(s.pendingAnswers, a.Scope)
	}
	s.pruneMu.Unlock()
	if !due {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM answers WHERE at < $1`, s.answerCutoff()); err != nil {
		return fmt.Errorf("prune answers: %w", classify(err))
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM answers WHERE id IN (
		SELECT id FROM answers WHERE scope = $1 ORDER BY id DESC OFFSET $2)`, a.Scope, s.opts.MaxAnswers); err != nil {
		return fmt.Errorf("prune answers: %w", classify(err))
	}
	return nil
}

// answerCutoff is the oldest time an answer is remembered from.
func (s *Store) answerCutoff() time.Time {
	return s.opts.Now().UTC().Add(-s.opts.AnswerRetention)
}

// AnswersFor implements kb.Store.
func (s *Store) AnswersFor(ctx context.Context, scope, entryID string, before int64, limit int) ([]kb.Answer, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, scope, channel_id, message_id, entry_id, revision, kind, at FROM answers
		WHERE entry_id = $1 AND ($2::text = '' OR scope = $2) AND revision < $3 AND at >= $4 ORDER BY id LIMIT $5`,
		entryID, scope, before, s.answerCutoff(), limit)
	if err != nil {
		return nil, classify(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (kb.Answer, error) {
		var a kb.Answer
		var kind string
		err := row.Scan(&a.ID, &a.Scope, &a.ChannelID, &a.MessageID, &a.EntryID, &a.Revision, &kind, &a.At)
		a.Kind = kb.AnswerKind(kind)
		a.At = a.At.UTC()
		return a, err
	})
	return out, classify(err)
}

// MarkCorrected implements kb.Store: one conditional update (the row lock
// makes a concurrent claim wait, then find the revision moved on, so of
// several processes only the first wins), and its audit record in the same
// transaction.
func (s *Store) MarkCorrected(ctx context.Context, id, from, to int64) (bool, error) {
	won := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var scope, channel, message, entry, kind string
		err := tx.QueryRow(ctx, `UPDATE answers SET revision = $1 WHERE id = $2 AND revision = $3
			RETURNING scope, channel_id, message_id, entry_id, kind`, to, id, from).
			Scan(&scope, &channel, &message, &entry, &kind)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // gone, or claimed by someone else
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO audit (scope, actor, action, entry_id, version, detail, at)
			VALUES ($1, $2, 'correct', $3, $4, $5, $6)`,
			scope, kb.CorrectionsAuthor, entry, kb.RevisionVersion(to), kind+" "+channel+"/"+message, s.opts.Now().UTC()); err != nil {
			return err
		}
		won = true
		return nil
	})
	if err != nil {
		return false, classify(err)
	}
	return won, nil
}
