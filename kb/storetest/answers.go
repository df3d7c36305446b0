package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"crisisbot/kb"
)

// runAnswers is the contract for the public answers kept for corrections.
func runAnswers(t *testing.T, open func(t *testing.T, opts kb.StoreOptions) kb.Store) {
	ctx := context.Background()
	t.Run("Answers", func(t *testing.T) {
		s := open(t, kb.StoreOptions{})
		for i, a := range []kb.Answer{
			{Scope: "g1", ChannelID: "c1", MessageID: "m1", EntryID: "a", Revision: 1, Kind: kb.AnswerReply},
			{Scope: "g1", ChannelID: "c1", MessageID: "m2", EntryID: "a", Revision: 2, Kind: kb.AnswerInteraction},
			{Scope: "g1", ChannelID: "c1", MessageID: "m3", EntryID: "b", Revision: 1, Kind: kb.AnswerReply},
			{Scope: "g2", ChannelID: "c2", MessageID: "m4", EntryID: "a", Revision: 1, Kind: kb.AnswerReply},
			{Scope: "g1", ChannelID: "c1", MessageID: "m1", EntryID: "a", Revision: 9, Kind: kb.AnswerReply}, // the same message again
		} {
			if err := s.RecordAnswer(ctx, a); err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
		}
		if err := s.RecordAnswer(ctx, kb.Answer{Scope: "g1", EntryID: "a"}); err == nil {
			t.Fatal("an answer without channel and message was recorded")
		}
		got, err := s.AnswersFor(ctx, "g1", "a", 3, 10)
		if err != nil || len(got) != 2 || got[0].MessageID != "m1" || got[0].Revision != 1 || got[1].Kind != kb.AnswerInteraction || got[0].At.IsZero() || got[0].ID == 0 {
			t.Fatalf("g1 answers to a: %+v %v", got, err)
		}
		if got, _ := s.AnswersFor(ctx, "g1", "a", 2, 10); len(got) != 1 || got[0].MessageID != "m1" {
			t.Fatalf("answers below revision 2: %+v", got)
		}
		if got, _ := s.AnswersFor(ctx, "", "a", 3, 10); len(got) != 3 {
			t.Fatalf("every scope's answers to a: %+v", got)
		}
		if got, _ := s.AnswersFor(ctx, "", "a", 3, 1); len(got) != 1 {
			t.Fatalf("limit 1 gave %d", len(got))
		}
		ok, err := s.MarkCorrected(ctx, got[0].ID, 1, 5)
		if err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if ok, _ := s.MarkCorrected(ctx, got[0].ID, 1, 5); ok {
			t.Fatal("the same correction was claimed twice")
		}
		audit, err := s.Audit(ctx, got[0].Scope, 10)
		if err != nil || len(audit) != 1 || audit[0].Action != "correct" || audit[0].Actor != kb.CorrectionsAuthor || audit[0].EntryID != "a" || audit[0].Version != 5 || audit[0].Detail != "reply c1/m1" {
			t.Fatalf("audit of the correction: %+v %v", audit, err)
		}
		if got, _ := s.AnswersFor(ctx, "g1", "a", 5, 10); len(got) != 1 || got[0].MessageID != "m2" {
			t.Fatalf("after the correction: %+v", got)
		}
	})
	t.Run("AnswersClaimedOnce", func(t *testing.T) {
		s := open(t, kb.StoreOptions{})
		s.RecordAnswer(ctx, kb.Answer{Scope: "g1", ChannelID: "c1", MessageID: "m1", EntryID: "a", Revision: 1, Kind: kb.AnswerReply})
		got, _ := s.AnswersFor(ctx, "g1", "a", 2, 10)
		var wins atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ok, err := s.MarkCorrected(ctx, got[0].ID, 1, 2); err != nil {
					t.Error(err)
				} else if ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d claims won, want 1", wins.Load())
		}
	})
	t.Run("AnswerRetention", func(t *testing.T) {
		clk := &clock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
		s := open(t, kb.StoreOptions{Now: clk.Now, AnswerRetention: 7 * 24 * time.Hour, MaxAnswers: 3, PruneEvery: 1})
		rec := func(scope, msg string) {
			t.Helper()
			if err := s.RecordAnswer(ctx, kb.Answer{Scope: scope, ChannelID: "c-" + scope, MessageID: msg, EntryID: "a", Revision: 1, Kind: kb.AnswerReply}); err != nil {
				t.Fatal(err)
			}
			clk.Add(time.Minute)
		}
		rec("g2", "old")
		for i := 0; i < 5; i++ {
			rec("g1", fmt.Sprint("m", i))
		}
		got, _ := s.AnswersFor(ctx, "g1", "a", 2, 10)
		if len(got) != 3 || got[0].MessageID != "m2" {
			t.Fatalf("capped: %+v", got)
		}
		clk.Add(8 * 24 * time.Hour)
		if got, _ := s.AnswersFor(ctx, "", "a", 2, 10); len(got) != 0 {
			t.Fatalf("past the retention: %+v", got)
		}
		rec("g3", "new") // prunes every scope
		clk.Add(-8 * 24 * time.Hour)
		if got, _ := s.AnswersFor(ctx, "g2", "a", 2, 10); len(got) != 0 {
			t.Fatalf("an answer past the retention was not forgotten: %+v", got)
		}
	})
}
