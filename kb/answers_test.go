package kb_test

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

// changeLog is a hand-written Options.OnChange that keeps what it was told.
type changeLog struct {
	mu  sync.Mutex
	got []string // "scope:id"
}

func (c *changeLog) note(scope string, ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.got = append(c.got, scope+":"+id)
	}
}

func (c *changeLog) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.got
	c.got = nil
	return out
}

func TestLibrary_Revision(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	log := &changeLog{}
	l, err := kb.OpenLibrary(ctx, store, defaultKB(t), kb.Options{OnChange: log.note}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := log.take(); len(got) != 0 {
		t.Fatalf("seeding reported changes: %v", got)
	}
	edit := func(scope, answer string) {
		t.Helper()
		e, base, _ := l.Entry(scope, "who-is-peskov")
		e.Answer = answer
		if _, err := l.Apply(ctx, []kb.Change{{Scope: scope, EntryID: e.ID, Entry: &e, Action: kb.ActionEdit, Base: base}}); err != nil {
			t.Fatal(err)
		}
	}
	e, r0 := l.Revision("g1", "who-is-peskov")
	if e == nil || r0 != 1 {
		t.Fatalf("a server without a version of its own: %v %d", e, r0)
	}
	edit(kb.GlobalScope, "Dmitry Peskov is the Kremlin spokesman (global edit).")
	if got := log.take(); !slices.Equal(got, []string{"global:who-is-peskov"}) {
		t.Fatalf("changes %v", got)
	}
	e, r1 := l.Revision("g1", "who-is-peskov")
	if r1 <= r0 || e.Answer != "Dmitry Peskov is the Kremlin spokesman (global edit)." {
		t.Fatalf("after a global edit g1 serves %q at %d (was %d)", e.Answer, r1, r0)
	}
	edit("g1", "Dmitry Peskov is the Kremlin spokesman (g1).")
	_, r2 := l.Revision("g1", "who-is-peskov")
	if r2 <= r1 || r2 < kb.ServedFromGlobal {
		t.Fatalf("a server's own version: %d after %d", r2, r1)
	}
	edit(kb.GlobalScope, "Dmitry Peskov is the Kremlin spokesman (global again).")
	if _, r3 := l.Revision("g1", "who-is-peskov"); r3 != r2 {
		t.Fatalf("a global edit changed the revision of an entry g1 overrides: %d → %d", r2, r3)
	}
	log.take()
	if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "who-is-peskov", Action: kb.ActionRemove, Base: 1}}); err != nil {
		t.Fatal(err)
	}
	if e, r4 := l.Revision("g1", "who-is-peskov"); e != nil || r4 <= r2 {
		t.Fatalf("hidden: %v at %d", e, r4)
	}
	if got := log.take(); !slices.Equal(got, []string{"g1:who-is-peskov"}) {
		t.Fatalf("changes %v", got)
	}

	t.Run("Refresh", func(t *testing.T) {
		// Another process (an operator's command line) reverts the entry.
		other, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close(ctx)
		ol, err := kb.OpenLibrary(ctx, other, defaultKB(t), kb.Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := other.History(ctx, "g1", "who-is-peskov")
		if _, err := ol.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "who-is-peskov", Entry: h[0].Entry, Action: kb.ActionRevert, Base: 2}}); err != nil {
			t.Fatal(err)
		}
		if err := l.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := log.take(); !slices.Equal(got, []string{"g1:who-is-peskov"}) {
			t.Fatalf("changes found by Refresh %v", got)
		}
		if e, _ := l.Revision("g1", "who-is-peskov"); e == nil || e.Answer != "Dmitry Peskov is the Kremlin spokesman (g1)." {
			t.Fatalf("after the revert: %v", e)
		}
	})
}
