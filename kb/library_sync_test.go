package kb_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

func TestLibrary_Entry(t *testing.T) {
	ctx := context.Background()
	l, _ := openLibrary(t, filepath.Join(t.TempDir(), "kb.db"), defaultKB(t))
	t.Run("GlobalSeeded", func(t *testing.T) {
		e, v, ok := l.Entry(kb.GlobalScope, "who-is-peskov")
		if !ok || e.ID != "who-is-peskov" || v != 1 {
			t.Fatalf("%v %d %v", e.ID, v, ok)
		}
	})
	t.Run("ServerWithoutAVersion", func(t *testing.T) {
		if e, v, ok := l.Entry("g1", "who-is-peskov"); !ok || e.ID != "who-is-peskov" || v != 0 {
			t.Fatalf("%v %d %v", e.ID, v, ok)
		}
	})
	t.Run("ServerVersion", func(t *testing.T) {
		e, _, _ := l.Entry("g1", "who-is-peskov")
		e.Answer = "Dmitry Peskov is the Kremlin spokesman (g1)."
		if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: &e, Action: kb.ActionEdit, Base: 0}}); err != nil {
			t.Fatal(err)
		}
		got, v, ok := l.Entry("g1", "who-is-peskov")
		if !ok || v != 1 || got.Answer != e.Answer {
			t.Fatalf("%q v%d %v", got.Answer, v, ok)
		}
		// Another global entry, served to g1 from the global scope.
		if _, v, _ := l.Entry("g1", "guard-act"); v != 0 {
			t.Fatalf("g1 has no version of guard-act, got %d", v)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, _, ok := l.Entry("g1", "no-such-entry"); ok {
			t.Fatal("found")
		}
	})
	t.Run("Copy", func(t *testing.T) {
		e, _, _ := l.Entry("g1", "who-is-peskov")
		e.Citations[0].Quote = "vandalised"
		if got, _, _ := l.Entry("g1", "who-is-peskov"); got.Citations[0].Quote == "vandalised" {
			t.Fatal("the served entry was changed through a copy")
		}
	})
}

// TestLibrary_Refresh plays two processes on one database (two stores, each
// with its own connections): the bot, and an operator's command line.
func TestLibrary_Refresh(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	bot, _ := openLibrary(t, path, defaultKB(t))
	cli, _ := openLibrary(t, path, defaultKB(t))

	// A moderator opens the edit form in the bot...
	form, base, _ := bot.Entry("g1", "who-is-peskov")
	// ...while the operator imports a change to the same entry.
	theirs, _, _ := cli.Entry("g1", "who-is-peskov")
	theirs.Answer = "Dmitry Peskov is the Kremlin spokesman (operator's import)."
	if _, err := cli.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: theirs.ID, Entry: &theirs, Action: kb.ActionEdit, Base: 0}}); err != nil {
		t.Fatal(err)
	}
	t.Run("StaleSaveConflicts", func(t *testing.T) {
		form.Answer = "Dmitry Peskov is the Kremlin spokesman (moderator's stale form)."
		_, err := bot.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: form.ID, Entry: &form, Action: kb.ActionEdit, Base: base}})
		if !errors.Is(err, kb.ErrConflict) {
			t.Fatalf("a save from a stale form: err = %v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		global, _, _ := cli.Entry(kb.GlobalScope, "guard-act")
		global.Answer += " (global, by the operator)"
		if _, err := cli.Apply(ctx, []kb.Change{{Scope: kb.GlobalScope, EntryID: global.ID, Entry: &global, Action: kb.ActionEdit, Base: 1}}); err != nil {
			t.Fatal(err)
		}
		if _, err := cli.Apply(ctx, []kb.Change{{Scope: "g2", EntryID: "who-is-sherman", Action: kb.ActionRemove, Base: 0}}); err != nil {
			t.Fatal(err)
		}
		if e, _, _ := bot.Entry("g1", "who-is-peskov"); e.Answer == theirs.Answer {
			t.Fatal("seen before Refresh") // Refresh is what brings changes in
		}
		if err := bot.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if e, v, _ := bot.Entry("g1", "who-is-peskov"); e.Answer != theirs.Answer || v != 1 {
			t.Fatalf("g1 after Refresh: %q v%d", e.Answer, v)
		}
		for _, sc := range []string{kb.GlobalScope, "g1", "g3"} {
			if e, _, _ := bot.Entry(sc, "guard-act"); !strings.HasSuffix(e.Answer, "(global, by the operator)") {
				t.Fatalf("%s does not see the global change: %q", sc, e.Answer)
			}
		}
		if _, _, ok := bot.Entry("g2", "who-is-sherman"); ok {
			t.Fatal("a new server layer was not loaded")
		}
		if res, _ := bot.Index("g1").Ask("who is peskov"); !res.Answered || res.Entry.Answer != theirs.Answer {
			t.Fatalf("g1's index answers %+v", res.Entry)
		}
	})
	t.Run("OnlyChangedScopes", func(t *testing.T) {
		g1, g2, global := bot.Index("g1"), bot.Index("g2"), bot.Index(kb.GlobalScope)
		if err := bot.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		mine, _, _ := bot.Entry("g1", "who-is-peskov")
		mine.Answer += " Mine."
		if _, err := bot.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: mine.ID, Entry: &mine, Action: kb.ActionEdit, Base: 1}}); err != nil {
			t.Fatal(err)
		}
		g1 = bot.Index("g1")
		if _, err := cli.Apply(ctx, []kb.Change{{Scope: "g2", EntryID: "guard-act", Action: kb.ActionRemove, Base: 0}}); err != nil {
			t.Fatal(err)
		}
		if err := bot.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if bot.Index("g1") != g1 || bot.Index(kb.GlobalScope) != global {
			t.Fatal("a scope that did not change (or changed only by this library) was rebuilt")
		}
		if bot.Index("g2") == g2 {
			t.Fatal("g2 changed and was not rebuilt")
		}
	})
}

func TestLibrary_Watch(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	bot, _ := openLibrary(t, path, defaultKB(t))
	cli, _ := openLibrary(t, path, defaultKB(t))
	bot.Watch(time.Millisecond)
	bot.Watch(time.Millisecond) // a second call does nothing
	e, _, _ := cli.Entry("g1", "who-is-peskov")
	e.Answer += " Watched."
	if _, err := cli.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: &e, Action: kb.ActionEdit}}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		if got, _, _ := bot.Entry("g1", "who-is-peskov"); got.Answer == e.Answer {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the bot never saw the other process's edit")
		}
		time.Sleep(time.Millisecond) // polling, with a deadline
	}
	closeCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := bot.Close(closeCtx); err != nil {
		t.Fatal(err)
	}
	if err := bot.Close(closeCtx); err != nil {
		t.Fatal(err)
	}
}

// TestLibrary_ConcurrentFirstOpen starts several "processes" (a store and a
// library each) on one new database at once: every one must open, and the
// curated entries must be seeded once.
func TestLibrary_ConcurrentFirstOpen(t *testing.T) {
	ctx := context.Background()
	curated := defaultKB(t)
	path := filepath.Join(t.TempDir(), "kb.db")
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := sqlite.Open(ctx, path)
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close(ctx)
			_, errs[i] = kb.OpenLibrary(ctx, s, curated, kb.Options{}, nil)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("opener %d: %v", i, err)
		}
	}
	_, s := openLibrary(t, path, curated)
	cur, err := s.Current(ctx, kb.GlobalScope)
	if err != nil || len(cur) != len(curated.Entries) {
		t.Fatalf("%d global entries, want %d: %v", len(cur), len(curated.Entries), err)
	}
	for _, v := range cur {
		if v.Version != 1 {
			t.Fatalf("%s seeded %d times", v.EntryID, v.Version)
		}
	}
}

// TestLibrary_Concurrent reads while another goroutine edits: readers never
// see a half-built index (run with -race).
func TestLibrary_Concurrent(t *testing.T) {
	ctx := context.Background()
	l, _ := openLibrary(t, filepath.Join(t.TempDir(), "kb.db"), defaultKB(t))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := l.Index("g1").Ask("who is peskov")
				if err != nil || !res.Answered || res.Entry.ID != "who-is-peskov" {
					t.Errorf("res = %+v, err = %v", res, err)
					return
				}
				l.Entry("g1", "who-is-peskov")
				l.Index("g1").Complete("pes", 5)
			}
		}()
	}
	for i := 0; i < 10; i++ {
		e, v, _ := l.Entry("g1", "who-is-peskov")
		e.Answer += " Again."
		if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: &e, Action: kb.ActionEdit, Base: v}}); err != nil {
			t.Fatal(err)
		}
		if err := l.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}
