package ops

import (
	"context"
	"errors"
	"time"

	"crisisbot/kb"
)

// InstrumentStore returns s with its operations timed
// (crisisbot_store_operation_duration_seconds), failures counted
// (crisisbot_store_errors_total), stored versions counted by action
// (crisisbot_kb_edits_total), and votes
// counted by kind (crisisbot_votes_total). Methods it does not know pass
// through unmeasured. Safe for concurrent use as s is.
func InstrumentStore(s kb.Store, m *Metrics) kb.Store {
	return &store{Store: s, m: m}
}

type store struct {
	kb.Store
	m *Metrics
}

func (s *store) Current(ctx context.Context, scope string) ([]kb.Version, error) {
	defer s.m.storeDone("current", time.Now())
	vs, err := s.Store.Current(ctx, scope)
	s.fail("current", err)
	return vs, err
}

func (s *store) Scopes(ctx context.Context) ([]string, error) {
	defer s.m.storeDone("scopes", time.Now())
	out, err := s.Store.Scopes(ctx)
	s.fail("scopes", err)
	return out, err
}

func (s *store) Apply(ctx context.Context, changes []kb.Change) ([]kb.Version, error) {
	defer s.m.storeDone("apply", time.Now())
	vs, err := s.Store.Apply(ctx, changes)
	if !errors.Is(err, kb.ErrConflict) { // a stale save is a refusal, counted where it is refused
		s.fail("apply", err)
	}
	for _, v := range vs {
		s.m.edits.WithLabelValues(string(v.Action)).Inc()
	}
	return vs, err
}

func (s *store) History(ctx context.Context, scope, entryID string) ([]kb.Version, error) {
	defer s.m.storeDone("history", time.Now())
	vs, err := s.Store.History(ctx, scope, entryID)
	if !errors.Is(err, kb.ErrNotFound) {
		s.fail("history", err)
	}
	return vs, err
}

func (s *store) Setting(ctx context.Context, scope, key string) (string, error) {
	defer s.m.storeDone("setting", time.Now())
	v, err := s.Store.Setting(ctx, scope, key)
	s.fail("setting", err)
	return v, err
}

func (s *store) SetSetting(ctx context.Context, scope, key, value, author string) error {
	defer s.m.storeDone("set_setting", time.Now())
	err := s.Store.SetSetting(ctx, scope, key, value, author)
	s.fail("set_setting", err)
	return err
}

func (s *store) Audit(ctx context.Context, scope string, limit int) ([]kb.AuditRecord, error) {
	defer s.m.storeDone("audit", time.Now())
	out, err := s.Store.Audit(ctx, scope, limit)
	s.fail("audit", err)
	return out, err
}

func (s *store) RecordQuestion(ctx context.Context, scope, question, entryID string) error {
	defer s.m.storeDone("record_question", time.Now())
	err := s.Store.RecordQuestion(ctx, scope, question, entryID)
	s.fail("record_question", err)
	return err
}

func (s *store) RecordQuestions(ctx context.Context, qs []kb.Question) error {
	defer s.m.storeDone("record_questions", time.Now())
	err := s.Store.RecordQuestions(ctx, qs)
	s.fail("record_questions", err)
	return err
}

func (s *store) Unanswered(ctx context.Context, scope string, limit int) ([]kb.Unanswered, error) {
	defer s.m.storeDone("unanswered", time.Now())
	out, err := s.Store.Unanswered(ctx, scope, limit)
	s.fail("unanswered", err)
	return out, err
}

func (s *store) Vote(ctx context.Context, scope, entryID, user string, up bool) error {
	defer s.m.storeDone("vote", time.Now())
	err := s.Store.Vote(ctx, scope, entryID, user, up)
	s.fail("vote", err)
	if err == nil {
		kind := "down"
		if up {
			kind = "up"
		}
		s.m.votes.WithLabelValues(kind).Inc()
	}
	return err
}

func (s *store) Stats(ctx context.Context, scope string) (kb.Stats, error) {
	defer s.m.storeDone("stats", time.Now())
	st, err := s.Store.Stats(ctx, scope)
	s.fail("stats", err)
	return st, err
}

func (s *store) fail(op string, err error) {
	if err != nil {
		s.m.storeErrors.WithLabelValues(op).Inc()
	}
}

func (s *store) Daily(ctx context.Context, scope string, since time.Time) ([]kb.Day, error) {
	defer s.m.storeDone("daily", time.Now())
	out, err := s.Store.Daily(ctx, scope, since)
	s.fail("daily", err)
	return out, err
}

func (s *store) RecordPick(ctx context.Context, scope, question, entryID string) error {
	defer s.m.storeDone("record_pick", time.Now())
	err := s.Store.RecordPick(ctx, scope, question, entryID)
	s.fail("record_pick", err)
	return err
}

func (s *store) Picks(ctx context.Context, scope string, limit int) ([]kb.Pick, error) {
	defer s.m.storeDone("picks", time.Now())
	out, err := s.Store.Picks(ctx, scope, limit)
	s.fail("picks", err)
	return out, err
}

func (s *store) DropPick(ctx context.Context, scope, question, entryID string) error {
	defer s.m.storeDone("drop_pick", time.Now())
	err := s.Store.DropPick(ctx, scope, question, entryID)
	s.fail("drop_pick", err)
	return err
}

func (s *store) Changes(ctx context.Context, since int64) ([]string, int64, error) {
	defer s.m.storeDone("changes", time.Now())
	scopes, mark, err := s.Store.Changes(ctx, since)
	s.fail("changes", err)
	return scopes, mark, err
}

func (s *store) RecordAnswer(ctx context.Context, a kb.Answer) error {
	defer s.m.storeDone("record_answer", time.Now())
	err := s.Store.RecordAnswer(ctx, a)
	s.fail("record_answer", err)
	return err
}

func (s *store) AnswersFor(ctx context.Context, scope, entryID string, before int64, limit int) ([]kb.Answer, error) {
	defer s.m.storeDone("answers_for", time.Now())
	out, err := s.Store.AnswersFor(ctx, scope, entryID, before, limit)
	s.fail("answers_for", err)
	return out, err
}

func (s *store) MarkCorrected(ctx context.Context, id, from, to int64) (bool, error) {
	defer s.m.storeDone("mark_corrected", time.Now())
	ok, err := s.Store.MarkCorrected(ctx, id, from, to)
	s.fail("mark_corrected", err)
	return ok, err
}
