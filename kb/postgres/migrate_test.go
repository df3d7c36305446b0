package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"crisisbot/kb"
	"crisisbot/kb/postgres"
)

// TestStore_Migrate opens one new database from eight processes at once:
// every one opens, and each migration runs once.
func TestStore_Migrate(t *testing.T) {
	ctx := context.Background()
	url := pg.Database(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(ctx, url)
			if err == nil {
				s.Close(ctx)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var runs, distinct int
	if err := conn.QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&runs, &distinct); err != nil {
		t.Fatal(err)
	}
	if runs != distinct || runs == 0 {
		t.Fatalf("%d migrations recorded, %d distinct", runs, distinct)
	}

	t.Run("NewerSchema", func(t *testing.T) {
		if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES (999)`); err != nil {
			t.Fatal(err)
		}
		_, err := postgres.Open(ctx, url)
		if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
			t.Fatalf("a database from a newer binary: %v", err)
		}
	})
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://bot:s3cret@db:5432/kb?sslmode=require":   "postgres://bot:xxxxx@db:5432/kb?sslmode=require",
		"postgres://bot@db/kb":                               "postgres://bot@db/kb",
		"postgresql://db/kb?password=s3cret&sslmode=disable": "postgresql://db/kb?password=xxxxx&sslmode=disable",
	} {
		if got := postgres.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	if got := postgres.Redact("postgres://bot:s3cret@db:bad port/kb"); strings.Contains(got, "s3cret") {
		t.Errorf("an unparsable URL's password shows: %q", got)
	}
	if _, err := postgres.Open(context.Background(), "postgres://bot:s3cret@127.0.0.1:bad port/kb"); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("opening a bad URL: %v", err)
	}
}

// TestStore_WriteLockTimeout holds the write lock in a transaction of
// another session, as a process cut off mid-save would: a save waits for it
// only so long, then fails with kb.ErrUnavailable; once it is released,
// saves go through.
func TestStore_WriteLockTimeout(t *testing.T) {
	ctx := context.Background()
	url := pg.Database(t)
	s, err := postgres.OpenWithLockTimeout(ctx, url, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, postgres.ApplyLock); err != nil {
		t.Fatal(err)
	}
	change := []kb.Change{{Scope: "g1", EntryID: "a", Entry: &kb.Entry{ID: "a", Question: "Q?", Answer: "A", AsOf: "2022-01-10"}, Action: kb.ActionAdd, Base: 0}}
	if _, err := s.Apply(ctx, change); !errors.Is(err, kb.ErrUnavailable) {
		t.Fatalf("a save while another holds the lock: %v", err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, change); err != nil {
		t.Fatalf("a save after the lock is released: %v", err)
	}
	var idle string
	if err := conn.QueryRow(ctx, `SHOW idle_in_transaction_session_timeout`).Scan(&idle); err != nil {
		t.Fatal(err)
	}
	t.Run("IdleInTransaction", func(t *testing.T) {
		// The store's own sessions end a transaction left idle.
		var got string
		if err := s.QueryRowForTest(ctx, `SHOW idle_in_transaction_session_timeout`, &got); err != nil || got != "1min" {
			t.Fatalf("idle_in_transaction_session_timeout = %q (plain sessions: %q): %v", got, idle, err)
		}
	})
}
