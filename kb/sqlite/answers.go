package sqlite

import (
	"context"
	"fmt"
	"time"

	"crisisbot/kb"
)

// RecordAnswer implements kb.Store. Recording the same message again keeps
// the first record. Every PruneEvery answers in a scope, it forgets the
// answers of every scope past the retention, and the scope's oldest past
// MaxAnswers.
func (s *Store) RecordAnswer(ctx context.Context, a kb.Answer) error {
	if a.Scope == "" || a.ChannelID == "" || a.MessageID == "" || a.EntryID == "" {
		return fmt.Errorf("record an answer: scope, channel, message and entry are required")
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO answers (scope, channel_id, message_id, entry_id, revision, kind, at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, message_id) DO NOTHING`,
		a.Scope, a.ChannelID, a.MessageID, a.EntryID, a.Revision, string(a.Kind), s.opts.Now().UTC().Format(timeFormat))
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
	if _, err := s.db.ExecContext(ctx, `DELETE FROM answers WHERE at < ?`, s.answerCutoff()); err != nil {
		return fmt.Errorf("prune answers: %w", classify(err))
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM answers WHERE id IN (
		SELECT id FROM answers WHERE scope = ? ORDER BY id DESC LIMIT -1 OFFSET ?)`, a.Scope, s.opts.MaxAnswers); err != nil {
		return fmt.Errorf("prune answers: %w", classify(err))
	}
	return nil
}

// answerCutoff is the oldest time an answer is remembered from.
func (s *Store) answerCutoff() string {
	return s.opts.Now().UTC().Add(-s.opts.AnswerRetention).Format(timeFormat)
}

// AnswersFor implements kb.Store.
func (s *Store) AnswersFor(ctx context.Context, scope, entryID string, before int64, limit int) ([]kb.Answer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, scope, channel_id, message_id, entry_id, revision, kind, at FROM answers
		WHERE entry_id = ? AND (? = '' OR scope = ?) AND revision < ? AND at >= ? ORDER BY id LIMIT ?`,
		entryID, scope, scope, before, s.answerCutoff(), limit)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []kb.Answer
	for rows.Next() {
		var a kb.Answer
		var kind, at string
		if err := rows.Scan(&a.ID, &a.Scope, &a.ChannelID, &a.MessageID, &a.EntryID, &a.Revision, &kind, &at); err != nil {
			return nil, err
		}
		a.Kind = kb.AnswerKind(kind)
		a.At, _ = time.Parse(timeFormat, at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// MarkCorrected implements kb.Store: one conditional update, so of two
// processes only the first moves the revision on, and its audit record in
// the same transaction.
func (s *Store) MarkCorrected(ctx context.Context, id, from, to int64) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, classify(err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE answers SET revision = ? WHERE id = ? AND revision = ?`, to, id, from)
	if err != nil {
		return false, classify(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	var scope, channel, message, entry, kind string
	if err := tx.QueryRowContext(ctx, `SELECT scope, channel_id, message_id, entry_id, kind FROM answers WHERE id = ?`, id).
		Scan(&scope, &channel, &message, &entry, &kind); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit (scope, actor, action, entry_id, version, detail, at) VALUES (?, ?, 'correct', ?, ?, ?, ?)`,
		scope, kb.CorrectionsAuthor, entry, kb.RevisionVersion(to), kind+" "+channel+"/"+message, s.opts.Now().UTC().Format(timeFormat)); err != nil {
		return false, classify(err)
	}
	if err := tx.Commit(); err != nil {
		return false, classify(err)
	}
	return true, nil
}
