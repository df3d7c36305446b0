// Package storetest is the contract every kb.Store must pass. Each storage
// backend's tests call Run with a function that opens a fresh store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"crisisbot/kb"
)

func entry(id, answer string) *kb.Entry {
	return &kb.Entry{ID: id, Topic: "T", Question: "What about " + id + "?", Answer: answer,
		Citations: []kb.Citation{{SourceID: "s", Quote: "q"}}, AsOf: "2022-01-10"}
}

// Run runs the contract against stores made by open.
func Run(t *testing.T, open func(t *testing.T) kb.Store) {
	ctx := context.Background()
	t.Run("AddEditRemove", func(t *testing.T) {
		s := open(t)
		v, err := s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "a", Entry: entry("a", "one"), Action: kb.ActionAdd, Author: "u1", Base: 0}})
		if err != nil || len(v) != 1 || v[0].Version != 1 {
			t.Fatalf("add: %v %v", v, err)
		}
		if _, err := s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "a", Entry: entry("a", "two"), Action: kb.ActionEdit, Author: "u2", Base: 1}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "a", Action: kb.ActionRemove, Author: "u1", Base: 2}}); err != nil {
			t.Fatal(err)
		}
		cur, err := s.Current(ctx, "g1")
		if err != nil || len(cur) != 1 || cur[0].Version != 3 || cur[0].Entry != nil || cur[0].Action != kb.ActionRemove {
			t.Fatalf("current %+v %v", cur, err)
		}
		h, err := s.History(ctx, "g1", "a")
		if err != nil || len(h) != 3 || h[1].Entry.Answer != "two" || h[1].Author != "u2" || h[0].At.IsZero() {
			t.Fatalf("history %+v %v", h, err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		s := open(t)
		s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "a", Entry: entry("a", "one"), Action: kb.ActionAdd, Base: 0}})
		s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "a", Entry: entry("a", "mine"), Action: kb.ActionEdit, Base: 1}})
		_, err := s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "a", Entry: entry("a", "stale"), Action: kb.ActionEdit, Base: 1}})
		if !errors.Is(err, kb.ErrConflict) {
			t.Fatalf("stale save: %v", err)
		}
		cur, _ := s.Current(ctx, "g1")
		if cur[0].Entry.Answer != "mine" {
			t.Fatalf("a stale save overwrote: %q", cur[0].Entry.Answer)
		}
	})
	t.Run("AllOrNothing", func(t *testing.T) {
		s := open(t)
		_, err := s.Apply(ctx, []kb.Change{
			{Scope: "g1", EntryID: "a", Entry: entry("a", "x"), Action: kb.ActionAdd, Base: 0},
			{Scope: "g1", EntryID: "b", Entry: entry("b", "x"), Action: kb.ActionAdd, Base: 7},
		})
		if !errors.Is(err, kb.ErrConflict) {
			t.Fatalf("err = %v", err)
		}
		if cur, _ := s.Current(ctx, "g1"); len(cur) != 0 {
			t.Fatalf("half a batch was applied: %+v", cur)
		}
	})
	t.Run("ScopesAreSeparate", func(t *testing.T) {
		s := open(t)
		s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "a", Entry: entry("a", "g1"), Action: kb.ActionAdd}})
		s.Apply(ctx, []kb.Change{{Scope: kb.GlobalScope, EntryID: "a", Entry: entry("a", "global"), Action: kb.ActionSeed}})
		if cur, _ := s.Current(ctx, "g2"); len(cur) != 0 {
			t.Fatalf("g2 sees %+v", cur)
		}
		if cur, _ := s.Current(ctx, kb.GlobalScope); len(cur) != 1 || cur[0].Entry.Answer != "global" {
			t.Fatalf("global %+v", cur)
		}
		scopes, _ := s.Scopes(ctx)
		if strings.Join(scopes, ",") != "g1,global" {
			t.Fatalf("scopes %v", scopes)
		}
	})
	t.Run("UnicodeRoundTrip", func(t *testing.T) {
		s := open(t)
		e := entry("u", strings.Repeat("Ж", 1400)+" 🇺🇦 \u200f עברית 中文 e\u0301 @everyone **x**")
		e.Aliases = []string{strings.Repeat("ß", kb.MaxQuestionLen)}
		s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "u", Entry: e, Action: kb.ActionAdd}})
		cur, _ := s.Current(ctx, "g1")
		if cur[0].Entry.Answer != e.Answer || cur[0].Entry.Aliases[0] != e.Aliases[0] {
			t.Fatal("text changed in the store")
		}
	})
	t.Run("ConcurrentEdits", func(t *testing.T) {
		s := open(t)
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "c", Entry: entry("c", fmt.Sprint(i)), Action: kb.ActionEdit, Base: -1}})
				errs <- err
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		h, _ := s.History(ctx, "g1", "c")
		for i, v := range h {
			if v.Version != i+1 {
				t.Fatalf("versions %d at %d", v.Version, i)
			}
		}
		if len(h) != 20 {
			t.Fatalf("%d versions", len(h))
		}
	})
	t.Run("SettingsAndAudit", func(t *testing.T) {
		s := open(t)
		if v, err := s.Setting(ctx, "g1", "mod_roles"); err != nil || v != "" {
			t.Fatalf("%q %v", v, err)
		}
		s.SetSetting(ctx, "g1", "mod_roles", "1,2", "u1")
		if v, _ := s.Setting(ctx, "g1", "mod_roles"); v != "1,2" {
			t.Fatalf("%q", v)
		}
		s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "a", Entry: entry("a", "x"), Action: kb.ActionAdd, Author: "u2"}})
		a, err := s.Audit(ctx, "g1", 10)
		if err != nil || len(a) != 2 || a[0].Actor != "u2" || a[0].EntryID != "a" || a[0].Version != 1 || a[1].Action != "setting" {
			t.Fatalf("audit %+v %v", a, err)
		}
		if a, _ := s.Audit(ctx, "g2", 10); len(a) != 0 {
			t.Fatalf("g2 audit %+v", a)
		}
	})
	t.Run("QuestionsAndVotes", func(t *testing.T) {
		s := open(t)
		for _, q := range []string{"What about X?", "what  about x?", "Other?"} {
			s.RecordQuestion(ctx, "g1", q, "")
		}
		s.RecordQuestion(ctx, "g1", "who is peskov", "who-is-peskov")
		s.Vote(ctx, "g1", "who-is-peskov", "u1", true)
		s.Vote(ctx, "g1", "who-is-peskov", "u1", false)
		s.Vote(ctx, "g1", "who-is-peskov", "u2", true)
		u, err := s.Unanswered(ctx, "g1", 10)
		if err != nil || len(u) != 2 || u[0].Question != "what about x" || u[0].Count != 2 {
			t.Fatalf("unanswered %+v %v", u, err)
		}
		st, err := s.Stats(ctx, "g1")
		if err != nil || st.Asked != 4 || st.Answered != 1 || len(st.Entries) != 1 || st.Entries[0].Up != 1 || st.Entries[0].Down != 1 {
			t.Fatalf("stats %+v %v", st, err)
		}
	})
	t.Run("Daily", func(t *testing.T) {
		s := open(t)
		since := time.Now().UTC().Add(-24 * time.Hour)
		if days, err := s.Daily(ctx, "g1", since); err != nil || len(days) != 0 {
			t.Fatalf("empty store: %+v %v", days, err)
		}
		s.RecordQuestion(ctx, "g1", "what about x?", "")
		s.RecordQuestion(ctx, "g1", "What about X", "") // the same question again: counted again
		s.RecordQuestion(ctx, "g1", "who is peskov", "who-is-peskov")
		s.RecordQuestion(ctx, "g1", "peskov?", "who-is-peskov")
		s.RecordQuestion(ctx, "g2", "elsewhere", "")
		s.Vote(ctx, "g1", "who-is-peskov", "u1", true)
		s.Vote(ctx, "g1", "who-is-peskov", "u1", false) // changed: a 👎 cast today
		s.Vote(ctx, "g1", "who-is-peskov", "u1", false) // the same again: not counted
		s.Vote(ctx, "g1", "who-is-peskov", "u2", true)
		days, err := s.Daily(ctx, "g1", since)
		if err != nil {
			t.Fatal(err)
		}
		var sum kb.Day
		for _, d := range days {
			if d.Date.Before(since.Truncate(24*time.Hour)) || d.Date.After(time.Now().Add(24*time.Hour)) || d.Date.Hour() != 0 {
				t.Errorf("day %v", d.Date)
			}
			sum.Asked, sum.Answered, sum.Declined, sum.Partial = sum.Asked+d.Asked, sum.Answered+d.Answered, sum.Declined+d.Declined, sum.Partial+d.Partial
			sum.Up, sum.Down = sum.Up+d.Up, sum.Down+d.Down
		}
		if len(days) == 0 || sum.Asked != 4 || sum.Answered != 2 || sum.Declined != 2 || sum.Partial != 0 || sum.Up != 2 || sum.Down != 1 {
			t.Fatalf("daily %+v, summed %+v", days, sum)
		}
		if days, _ := s.Daily(ctx, "g2", since); len(days) != 1 || days[0].Asked != 1 || days[0].Declined != 1 {
			t.Fatalf("g2 %+v", days)
		}
		if days, _ := s.Daily(ctx, "g1", time.Now().Add(48*time.Hour)); len(days) != 0 {
			t.Fatalf("from the day after tomorrow: %+v", days)
		}
	})
}
