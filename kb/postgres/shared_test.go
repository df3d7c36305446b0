package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"crisisbot/internal/pgtest"
	"crisisbot/kb"
	"crisisbot/kb/postgres"
)

// TestStore_TwoProcesses checks what main's additions to kb.Store promise
// when several processes (here two stores, each with its own pool) share one
// database: a correction is claimed and audited once, and the per-day
// figures count every question and vote of both.
func TestStore_TwoProcesses(t *testing.T) {
	ctx := context.Background()
	url := pg.Database(t)
	a, b := open(t, url), open(t, url)

	t.Run("CorrectionClaimedOnce", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			if err := a.RecordAnswer(ctx, kb.Answer{Scope: "g1", ChannelID: "c1", MessageID: fmt.Sprint("m", i), EntryID: "a", Revision: 1, Kind: kb.AnswerReply}); err != nil {
				t.Fatal(err)
			}
		}
		answers, err := b.AnswersFor(ctx, "g1", "a", 2, 10)
		if err != nil || len(answers) != 5 {
			t.Fatalf("answers seen by the other process: %+v %v", answers, err)
		}
		var wins atomic.Int64
		var wg sync.WaitGroup
		for _, s := range []*postgres.Store{a, b, a, b, a, b} {
			for _, ans := range answers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := s.MarkCorrected(ctx, ans.ID, 1, 2)
					if err != nil {
						t.Error(err)
					} else if ok {
						wins.Add(1)
					}
				}()
			}
		}
		wg.Wait()
		if wins.Load() != 5 {
			t.Fatalf("%d claims won for 5 answers", wins.Load())
		}
		audit, err := a.Audit(ctx, "g1", 100)
		if err != nil || len(audit) != 5 {
			t.Fatalf("audit: %d records, want one per answer: %+v %v", len(audit), audit, err)
		}
		if left, _ := a.AnswersFor(ctx, "g1", "a", 2, 10); len(left) != 0 {
			t.Fatalf("answers still below revision 2: %+v", left)
		}
	})

	t.Run("DailyCountsBoth", func(t *testing.T) {
		var wg sync.WaitGroup
		for i, s := range []*postgres.Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 20; j++ {
					entry := ""
					if j%2 == 0 {
						entry = "who-is-peskov"
					}
					if err := s.RecordQuestion(ctx, "g2", "the same question", entry); err != nil {
						t.Error(err)
					}
					if err := s.Vote(ctx, "g2", "who-is-peskov", fmt.Sprint("u", i, "-", j), j%3 != 0); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		days, err := b.Daily(ctx, "g2", time.Now().Add(-48*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		var sum kb.Day
		for _, d := range days {
			sum.Asked, sum.Answered, sum.Declined = sum.Asked+d.Asked, sum.Answered+d.Answered, sum.Declined+d.Declined
			sum.Up, sum.Down = sum.Up+d.Up, sum.Down+d.Down
		}
		if sum.Asked != 40 || sum.Answered != 20 || sum.Declined != 20 || sum.Up != 26 || sum.Down != 14 {
			t.Fatalf("summed %+v over %+v", sum, days)
		}
		st, err := a.Stats(ctx, "g2")
		if err != nil || st.Asked != sum.Asked || st.Answered != sum.Answered {
			t.Fatalf("stats %+v disagree with the daily figures %+v: %v", st, sum, err)
		}
	})
}

// TestStore_Upgrade opens a database made by a binary that knew only the
// first migration (the store before picks, answers and daily figures): the
// rest are applied, and what it held is kept.
func TestStore_Upgrade(t *testing.T) {
	ctx := context.Background()
	url := pg.Database(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, sql := range []string{
		`CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
		postgres.Migrations[0],
		`INSERT INTO schema_migrations (version) VALUES (1)`,
		`INSERT INTO questions (scope, question, entry_id, count, last) VALUES ('g1', 'old question', '', 3, now())`,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, url)
	if u, err := s.Unanswered(ctx, "g1", 10); err != nil || len(u) != 1 || u[0].Count != 3 {
		t.Fatalf("kept questions: %+v %v", u, err)
	}
	if err := s.RecordQuestion(ctx, "g1", "Old question?", ""); err != nil {
		t.Fatal(err)
	}
	// Only what is recorded after the upgrade is counted per day.
	if days, err := s.Daily(ctx, "g1", time.Now().Add(-48*time.Hour)); err != nil || len(days) != 1 || days[0].Asked != 1 || days[0].Declined != 1 {
		t.Fatalf("daily after the upgrade: %+v %v", days, err)
	}
	if err := s.RecordPick(ctx, "g1", "old question", "who-is-peskov"); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAnswer(ctx, kb.Answer{Scope: "g1", ChannelID: "c", MessageID: "m", EntryID: "a", Revision: 1, Kind: kb.AnswerReply}); err != nil {
		t.Fatal(err)
	}
	var have int
	if err := conn.QueryRow(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&have); err != nil || have != len(postgres.Migrations) {
		t.Fatalf("schema %d after the upgrade, want %d: %v", have, len(postgres.Migrations), err)
	}
}

// TestStore_Ping is the readiness probe's check: nil while the server
// answers; with it stopped, an error that wraps kb.ErrUnavailable and does
// not show the password.
func TestStore_Ping(t *testing.T) {
	c := pgtest.Own(t)
	// Trust authentication ignores the password; it stands for a real one.
	url := strings.Replace(c.Database(t), pgtest.User+"@", pgtest.User+":hunter2@", 1)
	s := open(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	err := s.Ping(ctx)
	if !errors.Is(err, kb.ErrUnavailable) || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("ping with the server stopped: %v", err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	// The pool drops the broken connection and makes a new one.
	var last error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		if last = s.Ping(ctx); last == nil {
			return
		}
	}
	t.Fatalf("ping after the restart: %v", last)
}
