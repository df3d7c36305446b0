package kb_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

// newEntry is a valid entry for a server's layer.
func newEntry(id string) *kb.Entry {
	return &kb.Entry{ID: id, Topic: "Local", Question: fmt.Sprintf("What is the local note %s?", id), Answer: "A local note.",
		Citations: []kb.Citation{{SourceID: "hngn-2022-01-10", Quote: "Nearly 100,000 Russian troops"}}, AsOf: "2022-01-10"}
}

func TestLibrary_LayerCap(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	l, err := kb.OpenLibrary(ctx, s, defaultKB(t), kb.Options{MaxLayerEntries: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	add := func(ids ...string) error {
		var cs []kb.Change
		for _, id := range ids {
			cs = append(cs, kb.Change{Scope: "g1", EntryID: id, Entry: newEntry(id), Action: kb.ActionAdd})
		}
		_, err := l.Apply(ctx, cs)
		return err
	}
	if err := add("n1", "n2"); err != nil {
		t.Fatal(err)
	}
	var full *kb.LayerFullError
	if err := add("n3", "n4"); !errors.As(err, &full) || full.Limit != 3 {
		t.Fatalf("a batch past the cap: err = %v", err)
	}
	if _, ok := l.Index("g1").Entry("n3"); ok {
		t.Fatal("half of a refused batch was applied")
	}
	if err := add("n3"); err != nil {
		t.Fatalf("up to the cap: %v", err)
	}
	if err := add("n4"); !errors.As(err, &full) || !strings.Contains(err.Error(), "at most 3 entries") {
		t.Fatalf("past the cap: err = %v", err)
	}
	// Hiding a global entry is a layer entry too.
	if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "guard-act", Action: kb.ActionRemove}}); !errors.As(err, &full) {
		t.Fatalf("hiding past the cap: err = %v", err)
	}
	// At the cap, the layer's own entries can still be edited and hidden.
	e := newEntry("n1")
	e.Answer = "Edited."
	if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "n1", Entry: e, Action: kb.ActionEdit, Base: 1}}); err != nil {
		t.Fatalf("an edit at the cap: %v", err)
	}
	if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "n2", Action: kb.ActionRemove, Base: 1}}); err != nil {
		t.Fatalf("a removal at the cap: %v", err)
	}
	// Other servers and the global scope have their own room.
	if _, err := l.Apply(ctx, []kb.Change{{Scope: "g2", EntryID: "n4", Entry: newEntry("n4"), Action: kb.ActionAdd}}); err != nil {
		t.Fatal(err)
	}
	t.Run("Default", func(t *testing.T) {
		l, _ := openLibrary(t, filepath.Join(t.TempDir(), "kb.db"), defaultKB(t))
		var cs []kb.Change
		for i := 0; i <= kb.DefaultMaxLayerEntries; i++ {
			id := fmt.Sprintf("n%d", i)
			cs = append(cs, kb.Change{Scope: "g1", EntryID: id, Entry: newEntry(id), Action: kb.ActionAdd})
		}
		if _, err := l.Apply(ctx, cs); !errors.As(err, &full) || full.Limit != kb.DefaultMaxLayerEntries {
			t.Fatalf("%d entries: err = %v", len(cs), err)
		}
		if _, err := l.Apply(ctx, cs[:kb.DefaultMaxLayerEntries]); err != nil {
			t.Fatalf("%d entries: %v", kb.DefaultMaxLayerEntries, err)
		}
	})
}

// TestLibrary_BadScope stores a row that does not decode in one server's
// scope and an entry that fails validation in another: the library opens,
// serves the other servers, and serves those two the global entries.
func TestLibrary_BadScope(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	good := newEntry("n1")
	invalid := newEntry("n2")
	invalid.Answer = ""
	// A phrasing a newer binary's curated entry also uses: not the
	// server's fault, and no reason to drop its layer.
	clash := newEntry("n4")
	clash.Aliases = []string{"Who is Dmitry Peskov?"}
	for _, c := range []kb.Change{
		{Scope: "good", EntryID: "n1", Entry: good, Action: kb.ActionAdd},
		{Scope: "good", EntryID: "n4", Entry: clash, Action: kb.ActionAdd},
		{Scope: "invalid", EntryID: "n2", Entry: invalid, Action: kb.ActionAdd},
		{Scope: "undecodable", EntryID: "n3", Entry: newEntry("n3"), Action: kb.ActionAdd},
	} {
		if _, err := s.Apply(ctx, []kb.Change{c}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close(ctx)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE versions SET entry = '{"id": "n3", "answer": ' WHERE scope = 'undecodable'`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	var logs bytes.Buffer
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	l, err := kb.OpenLibrary(ctx, s, defaultKB(t), kb.Options{}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("one server's bad row stopped the library: %v", err)
	}
	for _, id := range []string{"n1", "n4"} {
		if _, ok := l.Index("good").Entry(id); !ok {
			t.Fatalf("a good server's layer is not served (%s)", id)
		}
	}
	for _, sc := range []string{"invalid", "undecodable"} {
		if _, ok := l.Index(sc).Entry("who-is-peskov"); !ok {
			t.Fatalf("%s is not served the global entries", sc)
		}
		if !strings.Contains(logs.String(), "scope="+sc) {
			t.Fatalf("%s is not in the log:\n%s", sc, logs.String())
		}
		_, err := l.Apply(ctx, []kb.Change{{Scope: sc, EntryID: "n9", Entry: newEntry("n9"), Action: kb.ActionAdd}})
		if !errors.Is(err, kb.ErrScopeUnavailable) {
			t.Fatalf("a change to %s: err = %v", sc, err)
		}
	}
	if _, ok := l.Index("invalid").Entry("n2"); ok {
		t.Fatal("an invalid entry is served")
	}
}
