package kb_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"crisisbot/kb"
)

const reuters = "Talks between Russian and U.S. officials ended without a breakthrough on Monday.\n" +
	"Deputy Foreign Minister Sergei Ryabkov said Moscow had no plans to attack Ukraine."

func newsSource(title string) kb.Source {
	return kb.Source{Title: title, Outlet: "Reuters", URL: "https://www.reuters.com/world/talks", Published: "2022-01-10", Text: reuters}
}

func quoting(id, source, quote string) *kb.Entry {
	return &kb.Entry{ID: id, Topic: "Added", Question: "What did " + id + " say?", Answer: "Ryabkov said so.",
		Citations: []kb.Citation{{SourceID: source, Quote: quote}}, AsOf: "2022-01-10", AttributedTo: "Reuters"}
}

func TestLibrary_AddSource(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	l, _ := openLibrary(t, path, defaultKB(t))
	v, err := l.AddSource(ctx, "g1", newsSource("Russia, U.S. talks end: no breakthrough!"), "mod")
	if err != nil {
		t.Fatal(err)
	}
	id := v.SourceID
	if id != "russia-u-s-talks-end-no-breakthrough" || v.Version != 1 {
		t.Fatalf("source %q v%d", id, v.Version)
	}
	t.Run("SeenByItsServerOnly", func(t *testing.T) {
		if _, ok := l.Index("g1").KB().Source(id); !ok {
			t.Fatal("g1 does not see its source")
		}
		for _, sc := range []string{"g2", kb.GlobalScope} {
			if _, ok := l.Index(sc).KB().Source(id); ok {
				t.Fatalf("%s sees g1's source", sc)
			}
		}
		if n := len(l.Sources("g1")); n != 2 {
			t.Fatalf("g1 sees %d sources, want the article and its own", n)
		}
	})
	t.Run("QuotesCheckedVerbatim", func(t *testing.T) {
		e := quoting("ryabkov", id, "Moscow had no plans to attack Ukraine")
		if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: e, Action: kb.ActionAdd}}); err != nil {
			t.Fatal(err)
		}
		forged := quoting("forged", id, "Moscow had plans to attack Ukraine")
		_, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: forged.ID, Entry: forged, Action: kb.ActionAdd}})
		var verr *kb.ValidationError
		if !errors.As(err, &verr) || !strings.Contains(verr.Problems[0].Msg, "closest passage") || !strings.Contains(verr.Problems[0].Msg, "no plans") {
			t.Fatalf("forged quote: %v", err)
		}
		other := quoting("elsewhere", id, "Moscow had no plans to attack Ukraine")
		if _, err := l.Apply(ctx, []kb.Change{{Scope: "g2", EntryID: other.ID, Entry: other, Action: kb.ActionAdd}}); err == nil {
			t.Fatal("g2 cited g1's source")
		}
	})
	t.Run("SameTitleNewID", func(t *testing.T) {
		v2, err := l.AddSource(ctx, "g1", newsSource("Russia, U.S. talks end: no breakthrough!"), "mod")
		if err != nil || v2.SourceID != id+"-2" {
			t.Fatalf("second source %q: %v", v2.SourceID, err)
		}
	})
	t.Run("CitedSourceNotRemoved", func(t *testing.T) {
		_, err := l.RemoveSource(ctx, "g1", id, "mod")
		var inUse *kb.SourceInUseError
		if !errors.As(err, &inUse) || strings.Join(inUse.Entries, ",") != "ryabkov" || !strings.Contains(err.Error(), "ryabkov") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("RemoveAndRevert", func(t *testing.T) {
		if _, err := l.RemoveSource(ctx, "g1", id+"-2", "mod"); err != nil {
			t.Fatal(err)
		}
		if _, ok := l.Index("g1").KB().Source(id + "-2"); ok {
			t.Fatal("a removed source is still served")
		}
		if _, err := l.RemoveSource(ctx, "g1", id+"-2", "mod"); !errors.Is(err, kb.ErrSourceNotFound) {
			t.Fatalf("removed twice: %v", err)
		}
		v, err := l.RevertSource(ctx, "g1", id+"-2", 1, "mod")
		if err != nil || v.Version != 3 {
			t.Fatalf("revert: %+v %v", v, err)
		}
		if _, ok := l.Index("g1").KB().Source(id + "-2"); !ok {
			t.Fatal("a restored source is not served")
		}
	})
	t.Run("KeptAcrossRestart", func(t *testing.T) {
		l2, _ := openLibrary(t, path, defaultKB(t))
		if _, ok := l2.Index("g1").Entry("ryabkov"); !ok {
			t.Fatal("the entry quoting the new source did not load")
		}
		if len(l2.Sources("g1")) != 3 {
			t.Fatalf("sources after restart: %d", len(l2.Sources("g1")))
		}
	})
	t.Run("RefreshSeesAnotherProcess", func(t *testing.T) {
		l2, _ := openLibrary(t, path, defaultKB(t))
		v, err := l2.AddSource(ctx, "g3", newsSource("Other process"), "cli")
		if err != nil {
			t.Fatal(err)
		}
		e := quoting("from-cli", v.SourceID, "ended without a breakthrough")
		if _, err := l2.Apply(ctx, []kb.Change{{Scope: "g3", EntryID: e.ID, Entry: e, Action: kb.ActionAdd}}); err != nil {
			t.Fatal(err)
		}
		if err := l.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if _, ok := l.Index("g3").Entry("from-cli"); !ok {
			t.Fatal("the other process's entry and source were not picked up")
		}
	})
}

func TestLibrary_GlobalSourceCitedByAServer(t *testing.T) {
	ctx := context.Background()
	l, _ := openLibrary(t, filepath.Join(t.TempDir(), "kb.db"), defaultKB(t))
	v, err := l.AddSource(ctx, kb.GlobalScope, newsSource("Reuters on the talks"), "owner")
	if err != nil {
		t.Fatal(err)
	}
	e := quoting("ryabkov", v.SourceID, "no plans to attack Ukraine")
	if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: e, Action: kb.ActionAdd}}); err != nil {
		t.Fatal(err)
	}
	_, err = l.RemoveSource(ctx, kb.GlobalScope, v.SourceID, "owner")
	var inUse *kb.SourceInUseError
	if !errors.As(err, &inUse) || strings.Join(inUse.Entries, ",") != "g1/ryabkov" {
		t.Fatalf("err = %v", err)
	}
	if v2, err := l.AddSource(ctx, "g2", newsSource("Reuters on the talks"), "mod"); err != nil || v2.SourceID == v.SourceID {
		t.Fatalf("a server's source took a global id: %q %v", v2.SourceID, err)
	}
}

func TestLibrary_AddSourceRefused(t *testing.T) {
	ctx := context.Background()
	l, _ := openLibrary(t, filepath.Join(t.TempDir(), "kb.db"), defaultKB(t))
	for _, tc := range []struct {
		name string
		edit func(*kb.Source)
		want string
	}{
		{"EmptyText", func(s *kb.Source) { s.Text = " " }, "text: is empty"},
		{"TooBig", func(s *kb.Source) { s.Text = strings.Repeat("a", kb.MaxSourceBytes+1) }, "the limit is 1048576"},
		{"BadURL", func(s *kb.Source) { s.URL = "javascript:alert(1)" }, "not an http(s) URL"},
		{"BadDate", func(s *kb.Source) { s.Published = "10/01/2022" }, "YYYY-MM-DD"},
		{"ControlCharacter", func(s *kb.Source) { s.Text = "a\x00b" }, "control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newsSource("A title")
			tc.edit(&s)
			_, err := l.AddSource(ctx, "g1", s, "mod")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("Limit", func(t *testing.T) {
		for i := range kb.MaxScopeSources {
			if _, err := l.AddSource(ctx, "g9", newsSource(fmt.Sprint("Story ", i)), "mod"); err != nil {
				t.Fatal(err)
			}
		}
		_, err := l.AddSource(ctx, "g9", newsSource("One too many"), "mod")
		var full *kb.SourcesFullError
		if !errors.As(err, &full) || full.Limit != 50 {
			t.Fatalf("err = %v", err)
		}
	})
}
