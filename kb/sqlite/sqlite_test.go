package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"crisisbot/kb"
	"crisisbot/kb/sqlite"
	"crisisbot/kb/storetest"
)

func open(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func TestStore_Contract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, opts kb.StoreOptions) kb.Store {
		s, err := sqlite.OpenWith(context.Background(), filepath.Join(t.TempDir(), "data", "kb.db"), opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close(context.Background()) })
		return s
	})
}

func TestStore_Reopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	s := open(t, path)
	e := &kb.Entry{ID: "a", Question: "Q?", Answer: "A", AsOf: "2022-01-10"}
	if _, err := s.Apply(ctx, []kb.Change{{Scope: "g", EntryID: "a", Entry: e, Action: kb.ActionAdd}}); err != nil {
		t.Fatal(err)
	}
	s.Close(ctx)
	s2 := open(t, path) // migrations are not re-run
	cur, err := s2.Current(ctx, "g")
	if err != nil || len(cur) != 1 || cur[0].Entry.Answer != "A" {
		t.Fatalf("%+v %v", cur, err)
	}
	if err := s2.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}
