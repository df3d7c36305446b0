package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"crisisbot/kb"
)

func source(id, text string) *kb.Source {
	return &kb.Source{ID: id, Title: "Title of " + id, Outlet: "Outlet", URL: "https://example.org/" + id, Published: "2022-01-11", Text: text}
}

// runSources is the part of the contract about source documents.
func runSources(t *testing.T, fresh func(t *testing.T) kb.Store) {
	ctx := context.Background()
	t.Run("SourcesAddRemoveRevert", func(t *testing.T) {
		s := fresh(t)
		v, err := s.ApplySource(ctx, kb.SourceChange{Scope: "g1", SourceID: "a", Source: source("a", "Text one.\nLine two ✓"), Action: kb.ActionSourceAdd, Author: "u1"})
		if err != nil || v.Version != 1 || v.At.IsZero() || v.Source.Text != "Text one.\nLine two ✓" {
			t.Fatalf("add: %+v %v", v, err)
		}
		if _, err := s.ApplySource(ctx, kb.SourceChange{Scope: "g1", SourceID: "a", Action: kb.ActionSourceRemove, Author: "u2", Base: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ApplySource(ctx, kb.SourceChange{Scope: "g1", SourceID: "a", Source: source("a", "Text one.\nLine two ✓"), Action: kb.ActionSourceRevert, Author: "u1", Base: 2}); err != nil {
			t.Fatal(err)
		}
		h, err := s.SourceHistory(ctx, "g1", "a")
		if err != nil || len(h) != 3 || h[1].Source != nil || h[1].Author != "u2" || h[2].Source.Title != "Title of a" || h[2].Action != kb.ActionSourceRevert {
			t.Fatalf("history %+v %v", h, err)
		}
		if _, err := s.SourceHistory(ctx, "g1", "nope"); !errors.Is(err, kb.ErrNotFound) {
			t.Fatalf("history of nothing: %v", err)
		}
		audit, _ := s.Audit(ctx, "g1", 10)
		if len(audit) != 3 || audit[0].Action != "source-revert" || audit[0].EntryID != "a" || audit[2].Action != "source-add" {
			t.Fatalf("audit %+v", audit)
		}
	})
	t.Run("SourcesErrConflict", func(t *testing.T) {
		s := fresh(t)
		s.ApplySource(ctx, kb.SourceChange{Scope: "g1", SourceID: "a", Source: source("a", "x"), Action: kb.ActionSourceAdd})
		_, err := s.ApplySource(ctx, kb.SourceChange{Scope: "g1", SourceID: "a", Source: source("a", "y"), Action: kb.ActionSourceAdd})
		if !errors.Is(err, kb.ErrConflict) {
			t.Fatalf("a second add of one id: %v", err)
		}
	})
	t.Run("CurrentSources", func(t *testing.T) {
		s := fresh(t)
		big := strings.Repeat("Ж", kb.MaxSourceBytes/2)
		s.ApplySource(ctx, kb.SourceChange{Scope: "g2", SourceID: "b", Source: source("b", big), Action: kb.ActionSourceAdd})
		s.ApplySource(ctx, kb.SourceChange{Scope: "g1", SourceID: "z", Source: source("z", "x"), Action: kb.ActionSourceAdd})
		s.ApplySource(ctx, kb.SourceChange{Scope: "g1", SourceID: "a", Source: source("a", "x"), Action: kb.ActionSourceAdd})
		s.ApplySource(ctx, kb.SourceChange{Scope: "g1", SourceID: "z", Action: kb.ActionSourceRemove, Base: 1})
		cur, err := s.CurrentSources(ctx)
		if err != nil || len(cur) != 3 {
			t.Fatalf("current %+v %v", cur, err)
		}
		got := []string{}
		for _, v := range cur {
			got = append(got, v.Scope+"/"+v.SourceID)
		}
		if strings.Join(got, ",") != "g1/z,g1/a,g2/b" || cur[0].Source != nil || cur[0].Version != 2 || cur[2].Source.Text != big {
			t.Fatalf("current %v", got)
		}
		if scopes, _ := s.Scopes(ctx); len(scopes) != 0 {
			t.Fatalf("sources made entry scopes: %v", scopes)
		}
	})
	t.Run("SourceChanges", func(t *testing.T) {
		s := fresh(t)
		scopes, m0, err := s.SourceChanges(ctx, 0)
		if err != nil || len(scopes) != 0 {
			t.Fatalf("an empty store changed %v: %v", scopes, err)
		}
		s.ApplySource(ctx, kb.SourceChange{Scope: "g1", SourceID: "a", Source: source("a", "x"), Action: kb.ActionSourceAdd})
		s.Apply(ctx, []kb.Change{{Scope: "g3", EntryID: "a", Entry: entry("a", "x"), Action: kb.ActionAdd}})
		scopes, m1, err := s.SourceChanges(ctx, m0)
		if err != nil || strings.Join(scopes, ",") != "g1" || m1 <= m0 {
			t.Fatalf("changes %v, mark %d after %d: %v", scopes, m1, m0, err)
		}
		if scopes, m2, err := s.SourceChanges(ctx, m1); err != nil || len(scopes) != 0 || m2 != m1 {
			t.Fatalf("nothing changed, yet %v, mark %d: %v", scopes, m2, err)
		}
	})
}
