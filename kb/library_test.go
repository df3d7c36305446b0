package kb_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

func openLibrary(t *testing.T, path string, curated *kb.KB) (*kb.Library, *sqlite.Store) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	l, err := kb.OpenLibrary(context.Background(), s, curated, kb.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l, s
}

func TestLibrary_ScopedEdits(t *testing.T) {
	ctx := context.Background()
	curated := defaultKB(t)
	l, _ := openLibrary(t, filepath.Join(t.TempDir(), "kb.db"), curated)
	e, _ := l.Index("g1").Entry("who-is-peskov")
	edited := *e
	edited.Answer = "Dmitry Peskov is the Kremlin spokesman (edited in g1)."
	if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: &edited, Action: kb.ActionEdit, Author: "mod", Base: 0}}); err != nil {
		t.Fatal(err)
	}
	got, _ := l.Index("g1").Entry("who-is-peskov")
	if !strings.Contains(got.Answer, "edited in g1") {
		t.Fatalf("g1 does not see its edit: %q", got.Answer)
	}
	for _, scope := range []string{"g2", kb.GlobalScope, ""} {
		other, _ := l.Index(scope).Entry("who-is-peskov")
		if strings.Contains(other.Answer, "edited") {
			t.Fatalf("scope %q sees g1's edit", scope)
		}
	}
	t.Run("ForgedQuoteRefused", func(t *testing.T) {
		bad := edited
		bad.Citations = []kb.Citation{{SourceID: "hngn-2022-01-10", Quote: "Peskov resigned."}}
		_, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: &bad, Action: kb.ActionEdit, Base: 1}})
		var verr *kb.ValidationError
		if !errors.As(err, &verr) {
			t.Fatalf("err = %v", err)
		}
		got, _ := l.Index("g1").Entry("who-is-peskov")
		if got.Answer != edited.Answer {
			t.Fatal("a refused edit changed the index")
		}
	})
	t.Run("Hide", func(t *testing.T) {
		if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "guard-act", Action: kb.ActionRemove, Base: 0}}); err != nil {
			t.Fatal(err)
		}
		if _, ok := l.Index("g1").Entry("guard-act"); ok {
			t.Fatal("hidden entry still served in g1")
		}
		if _, ok := l.Index("g2").Entry("guard-act"); !ok {
			t.Fatal("g2 lost the entry")
		}
	})
}

func TestLibrary_CuratedUpdates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	v1 := defaultKB(t)
	l, s := openLibrary(t, path, v1)
	// A moderator edits one global entry.
	e, _ := l.Index(kb.GlobalScope).Entry("who-is-sherman")
	mine := *e
	mine.Answer = "Wendy Sherman is the US Deputy Secretary of State (moderator's wording)."
	if _, err := l.Apply(ctx, []kb.Change{{Scope: kb.GlobalScope, EntryID: e.ID, Entry: &mine, Action: kb.ActionEdit, Author: "owner", Base: 1}}); err != nil {
		t.Fatal(err)
	}
	s.Close(ctx)
	// A newer binary changes both that entry and an untouched one.
	v2 := defaultKB(t)
	for i := range v2.Entries {
		switch v2.Entries[i].ID {
		case "who-is-sherman", "who-is-peskov":
			v2.Entries[i].Answer += " (v2)"
		}
	}
	l2, _ := openLibrary(t, path, v2)
	sherman, _ := l2.Index(kb.GlobalScope).Entry("who-is-sherman")
	peskov, _ := l2.Index(kb.GlobalScope).Entry("who-is-peskov")
	if sherman.Answer != mine.Answer {
		t.Errorf("the moderator's edit was overwritten: %q", sherman.Answer)
	}
	if !strings.HasSuffix(peskov.Answer, "(v2)") {
		t.Errorf("an untouched entry did not follow the binary: %q", peskov.Answer)
	}
}
