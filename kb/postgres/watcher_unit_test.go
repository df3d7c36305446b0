package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"crisisbot/kb"
	"crisisbot/kb/postgres"
)

// recorder is a Watcher callback that records the scopes it is given and
// fails while fail is set.
type recorder struct {
	mu     sync.Mutex
	scopes map[string]int
	fail   bool
	calls  int
}

func (r *recorder) onChange(_ context.Context, scopes []string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.fail {
		return errors.New("the library could not reload")
	}
	for _, sc := range scopes {
		r.scopes[sc]++
	}
	return nil
}

func (r *recorder) seen(scope string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.scopes[scope] > 0
}

func (r *recorder) setFail(fail bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = fail
}

func (r *recorder) callCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

func TestWatcher(t *testing.T) {
	ctx := context.Background()
	url := pg.Database(t)
	s := open(t, url)
	add := func(scope string) {
		t.Helper()
		e := &kb.Entry{ID: "a", Question: "Q?", Answer: "A", AsOf: "2022-01-10"}
		if _, err := s.Apply(ctx, []kb.Change{{Scope: scope, EntryID: "a", Entry: e, Action: kb.ActionAdd, Base: -1}}); err != nil {
			t.Fatal(err)
		}
	}
	add("before")
	_, mark, _ := s.Changes(ctx, 0)
	add("missed") // stored after the mark, before the watcher starts
	r := &recorder{scopes: map[string]int{}}
	w := postgres.NewWatcher(s, mark, r.onChange, fastReconnect)
	w.Open()
	w.Open() // a second call does nothing
	t.Cleanup(func() { w.Close(ctx) })
	waitFor(t, "the watcher to listen", w.Listening)

	t.Run("CatchesUpFromItsMark", func(t *testing.T) {
		if !r.seen("missed") || r.seen("before") {
			t.Fatalf("reported %v; want the scope stored after the mark only", r.scopes)
		}
	})
	t.Run("Notification", func(t *testing.T) {
		add("g1")
		waitFor(t, "g1 to be reported", func() bool { return r.seen("g1") })
		if w.Mark() == mark {
			t.Fatal("the mark did not move")
		}
	})
	t.Run("CallbackErrorReportsAgain", func(t *testing.T) {
		r.setFail(true)
		calls := r.callCount()
		add("g2")
		waitFor(t, "a failed call", func() bool { return r.callCount() > calls })
		r.setFail(false)
		waitFor(t, "g2 to be reported after the failure", func() bool { return r.seen("g2") })
	})
	t.Run("ForeignPayloadCatchesUp", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `SELECT pg_notify('kb_changed', 'not json')`); err != nil {
			t.Fatal(err)
		}
		add("g3")
		waitFor(t, "g3 to be reported", func() bool { return r.seen("g3") })
		waitFor(t, "the watcher to listen again", w.Listening)
	})
	t.Run("Close", func(t *testing.T) {
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if w.Listening() {
			t.Fatal("still listening after Close")
		}
	})
}

// TestWatcher_Probe keeps the listening connection silent past the probe
// interval: the watcher pings it and goes on listening on the same
// connection, without reconnecting.
func TestWatcher_Probe(t *testing.T) {
	ctx := context.Background()
	url := pg.Database(t)
	s := open(t, url)
	var logs syncBuffer
	r := &recorder{scopes: map[string]int{}}
	opts := fastReconnect
	opts.Probe = 20 * time.Millisecond
	opts.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	w := postgres.NewWatcher(s, 0, r.onChange, opts)
	w.Open()
	t.Cleanup(func() { w.Close(ctx) })
	waitFor(t, "the watcher to listen", w.Listening)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	pinged := 0
	waitFor(t, "a probe", func() bool {
		err := conn.QueryRow(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query = '-- ping'`).Scan(&pinged)
		return err == nil && pinged > 0
	})
	e := &kb.Entry{ID: "a", Question: "Q?", Answer: "A", AsOf: "2022-01-10"}
	if _, err := s.Apply(ctx, []kb.Change{{Scope: "after-probe", EntryID: "a", Entry: e, Action: kb.ActionAdd, Base: -1}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the change after a probe", func() bool { return r.seen("after-probe") })
	if strings.Contains(logs.String(), "reconnecting") {
		t.Fatalf("the watcher reconnected after a probe:\n%s", logs.String())
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use, for logs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
