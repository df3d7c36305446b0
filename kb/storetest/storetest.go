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

// clock is a settable clock for StoreOptions.Now. Safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock on by d.
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Run runs the contract against stores made by open, which opens a fresh,
// empty store with the given options.
func Run(t *testing.T, open func(t *testing.T, opts kb.StoreOptions) kb.Store) {
	ctx := context.Background()
	fresh := func(t *testing.T) kb.Store { return open(t, kb.StoreOptions{}) }
	runAnswers(t, open)
	t.Run("AddEditRemove", func(t *testing.T) {
		s := fresh(t)
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
		s := fresh(t)
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
		s := fresh(t)
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
		s := fresh(t)
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
		s := fresh(t)
		e := entry("u", strings.Repeat("Ж", 1400)+" 🇺🇦 \u200f עברית 中文 e\u0301 @everyone **x**")
		e.Aliases = []string{strings.Repeat("ß", kb.MaxQuestionLen)}
		s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "u", Entry: e, Action: kb.ActionAdd}})
		cur, _ := s.Current(ctx, "g1")
		if cur[0].Entry.Answer != e.Answer || cur[0].Entry.Aliases[0] != e.Aliases[0] {
			t.Fatal("text changed in the store")
		}
	})
	t.Run("ConcurrentEdits", func(t *testing.T) {
		s := fresh(t)
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
		s := fresh(t)
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
		s := fresh(t)
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
	t.Run("RecordQuestions", func(t *testing.T) {
		// A batch counts exactly as the same questions recorded one by one.
		clk := &clock{now: time.Now().UTC()}
		opts := kb.StoreOptions{Now: clk.Now, MaxQuestions: 2, PruneEvery: 4}
		one, batch := open(t, opts), open(t, opts)
		qs := []kb.Question{
			{Scope: "g1", Question: "What about X?"},
			{Scope: "g1", Question: "who is peskov", EntryID: "who-is-peskov"},
			{Scope: "g1", Question: "what  about x"},
			{Scope: "g2", Question: "did the osce summit end in agreement", RelatedID: "osce-summit"},
			{Scope: "g1", Question: "peskov?", EntryID: "who-is-peskov"},
			{Scope: "g1", Question: "Other?"},
			{Scope: "g1", Question: "third"}, // the fourth declined in g1: a prune is due, two stay
			{Scope: "g2", Question: "elsewhere"},
		}
		for _, q := range qs {
			record := func() error { return one.RecordQuestion(ctx, q.Scope, q.Question, q.EntryID) }
			if q.RelatedID != "" {
				record = func() error { return one.RecordPartial(ctx, q.Scope, q.Question, q.RelatedID) }
			}
			if err := record(); err != nil {
				t.Fatal(err)
			}
		}
		if err := batch.RecordQuestions(ctx, qs); err != nil {
			t.Fatal(err)
		}
		if err := batch.RecordQuestions(ctx, nil); err != nil {
			t.Fatalf("an empty batch: %v", err)
		}
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		if err := batch.RecordQuestions(canceled, qs); err == nil {
			t.Fatal("a batch with a canceled context was recorded")
		}
		summary := func(s kb.Store, scope string) string {
			t.Helper()
			u, err1 := s.Unanswered(ctx, scope, 10)
			st, err2 := s.Stats(ctx, scope)
			d, err3 := s.Daily(ctx, scope, clk.Now().Add(-24*time.Hour))
			if err := errors.Join(err1, err2, err3); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("%+v %+v %+v", u, st, d)
		}
		for _, scope := range []string{"g1", "g2"} {
			if got, want := summary(batch, scope), summary(one, scope); got != want {
				t.Errorf("%s batched:\n%s\none by one:\n%s", scope, got, want)
			}
		}
		if u, _ := batch.Unanswered(ctx, "g1", 10); len(u) != 2 || u[0].Question != "what about x" || u[0].Count != 2 {
			t.Errorf("g1 keeps %+v, want the most asked and the newest (MaxQuestions 2)", u)
		}
		if days, _ := batch.Daily(ctx, "g2", clk.Now().Add(-24*time.Hour)); len(days) != 1 || days[0].Asked != 2 || days[0].Partial != 1 || days[0].Declined != 1 {
			t.Errorf("g2 days %+v", days)
		}
	})
	t.Run("Picks", func(t *testing.T) {
		clk := &clock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
		s := open(t, kb.StoreOptions{Now: clk.Now, QuestionRetention: 90 * 24 * time.Hour, MaxQuestions: 3})
		pick := func(scope, q, entry string) {
			t.Helper()
			if err := s.RecordPick(ctx, scope, q, entry); err != nil {
				t.Fatal(err)
			}
			clk.Add(time.Minute)
		}
		pick("g1", "Who speaks for the Kremlin?", "who-is-peskov")
		pick("g1", "who speaks for the kremlin", "who-is-peskov") // the same question, normalised
		pick("g1", "who speaks for the kremlin", "leaders")       // another entry for it
		pick("g2", "kremlin voice", "who-is-peskov")
		pick("g1", "", "who-is-peskov") // nothing to learn
		got, err := s.Picks(ctx, "g1", 10)
		if err != nil || len(got) != 2 || got[0].Question != "who speaks for the kremlin" || got[0].EntryID != "who-is-peskov" || got[0].Count != 2 || got[1].EntryID != "leaders" {
			t.Fatalf("picks %+v %v", got, err)
		}
		if err := s.DropPick(ctx, "g1", "Who speaks for the Kremlin?", "who-is-peskov"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Picks(ctx, "g1", 10); len(got) != 1 || got[0].EntryID != "leaders" {
			t.Fatalf("after drop %+v", got)
		}
		if got, _ := s.Picks(ctx, "g2", 10); len(got) != 1 {
			t.Fatalf("another server's picks %+v", got)
		}
		// A scope keeps at most MaxQuestions pairs: the least confirmed go.
		for _, q := range []string{"a", "b", "c", "d"} {
			pick("g2", q, "x")
		}
		pick("g2", "d", "x")
		if got, _ := s.Picks(ctx, "g2", 10); len(got) != 3 || got[0].Question != "d" {
			t.Fatalf("capped picks %+v", got)
		}
		// Past the retention they are not shown.
		clk.Add(91 * 24 * time.Hour)
		if got, _ := s.Picks(ctx, "g2", 10); len(got) != 0 {
			t.Fatalf("expired picks %+v", got)
		}
	})
	t.Run("QuestionRetention", func(t *testing.T) {
		clk := &clock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
		s := open(t, kb.StoreOptions{Now: clk.Now, QuestionRetention: 90 * 24 * time.Hour, MaxQuestions: 3, PruneEvery: 2})
		ask := func(scope, q string, times int) {
			t.Helper()
			for i := 0; i < times; i++ {
				if err := s.RecordQuestion(ctx, scope, q, ""); err != nil {
					t.Fatal(err)
				}
			}
			clk.Add(time.Minute)
		}
		ask("g1", "popular", 5)
		ask("g1", "old", 1)
		ask("g2", "other server", 1)
		clk.Add(89 * 24 * time.Hour)
		for _, q := range []string{"a", "b", "c"} {
			ask("g1", q, 1)
		}
		ask("g1", "d", 2) // six distinct questions have been asked in g1; the cap is 3
		got := func(scope string) string {
			t.Helper()
			u, err := s.Unanswered(ctx, scope, 100)
			if err != nil {
				t.Fatal(err)
			}
			var qs []string
			for _, x := range u {
				qs = append(qs, x.Question)
			}
			return strings.Join(qs, ",")
		}
		// The most asked stay, then the newest; "old", "a" and "b" go.
		if q := got("g1"); q != "popular,d,c" {
			t.Fatalf("g1 keeps %q, want popular,d,c", q)
		}
		if q := got("g2"); q != "other server" {
			t.Fatalf("g2 keeps %q: another server's cap removed it", q)
		}
		// Past the retention, an old question is not shown, and is deleted
		// at the next prune, in every scope.
		clk.Add(2 * 24 * time.Hour)
		if q := got("g1"); q != "d,c" {
			t.Fatalf("after 91 days g1 shows %q, want d,c", q)
		}
		ask("g3", "new", 2)
		clk.Add(-2 * 24 * time.Hour) // back in time: only deleted rows stay hidden
		if q := got("g1"); q != "d,c" {
			t.Fatalf("the 91-day-old question was not deleted: g1 has %q", q)
		}
		if q := got("g2"); q != "" {
			t.Fatalf("the 91-day-old question of g2 was not deleted: %q", q)
		}
		// Answered questions are counted, not kept, and never pruned.
		for i := 0; i < 5; i++ {
			s.RecordQuestion(ctx, "g1", fmt.Sprint("answered ", i), "who-is-peskov")
		}
		if st, _ := s.Stats(ctx, "g1"); st.Answered != 5 {
			t.Fatalf("answered %d, want 5", st.Answered)
		}
	})
	t.Run("Changes", func(t *testing.T) {
		s := fresh(t)
		scopes, m0, err := s.Changes(ctx, 0)
		if err != nil || len(scopes) != 0 {
			t.Fatalf("an empty store changed %v: %v", scopes, err)
		}
		s.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: "a", Entry: entry("a", "x"), Action: kb.ActionAdd}})
		s.Apply(ctx, []kb.Change{{Scope: kb.GlobalScope, EntryID: "a", Entry: entry("a", "x"), Action: kb.ActionSeed}})
		scopes, m1, err := s.Changes(ctx, m0)
		if err != nil || strings.Join(scopes, ",") != "g1,global" || m1 <= m0 {
			t.Fatalf("changes %v, mark %d after %d: %v", scopes, m1, m0, err)
		}
		if scopes, m2, err := s.Changes(ctx, m1); err != nil || len(scopes) != 0 || m2 != m1 {
			t.Fatalf("nothing changed, yet %v, mark %d after %d: %v", scopes, m2, m1, err)
		}
		s.RecordQuestion(ctx, "g2", "q", "")
		s.SetSetting(ctx, "g2", "k", "v", "u")
		if scopes, m2, err := s.Changes(ctx, m1); err != nil || len(scopes) != 0 || m2 != m1 {
			t.Fatalf("only questions and settings changed, yet %v, mark %d after %d: %v", scopes, m2, m1, err)
		}
		s.Apply(ctx, []kb.Change{{Scope: "g2", EntryID: "a", Entry: entry("a", "x"), Action: kb.ActionAdd}})
		if scopes, _, err := s.Changes(ctx, m1); err != nil || strings.Join(scopes, ",") != "g2" {
			t.Fatalf("changes %v: %v", scopes, err)
		}
		if scopes, _, err := s.Changes(ctx, 0); err != nil || strings.Join(scopes, ",") != "g1,g2,global" {
			t.Fatalf("changes since 0: %v: %v", scopes, err)
		}
	})
	t.Run("Daily", func(t *testing.T) {
		// Questions count on the day of the store's clock; votes on the day
		// they are cast. The clock runs near the real time so both agree.
		today := time.Now().UTC().Truncate(24 * time.Hour)
		clk := &clock{now: today.Add(-2*24*time.Hour + time.Hour)}
		s := open(t, kb.StoreOptions{Now: clk.Now})
		since := today.Add(-7 * 24 * time.Hour)
		if days, err := s.Daily(ctx, "g1", since); err != nil || len(days) != 0 {
			t.Fatalf("empty store: %+v %v", days, err)
		}
		s.RecordQuestion(ctx, "g1", "what about x?", "") // two days ago
		clk.Add(2 * 24 * time.Hour)                      // today
		s.RecordQuestion(ctx, "g1", "What about X", "")  // the same question again: counted again
		s.RecordQuestion(ctx, "g1", "who is peskov", "who-is-peskov")
		s.RecordQuestion(ctx, "g1", "peskov?", "who-is-peskov")
		s.RecordQuestion(ctx, "g2", "elsewhere", "")
		if err := s.RecordPartial(ctx, "g2", "did the osce summit end in agreement", "osce-summit"); err != nil {
			t.Fatal(err)
		}
		s.Vote(ctx, "g1", "who-is-peskov", "u1", true)
		s.Vote(ctx, "g1", "who-is-peskov", "u1", false) // changed: a 👎 cast today
		s.Vote(ctx, "g1", "who-is-peskov", "u1", false) // the same again: not counted
		s.Vote(ctx, "g1", "who-is-peskov", "u2", true)
		days, err := s.Daily(ctx, "g1", since)
		if err != nil {
			t.Fatal(err)
		}
		if len(days) < 2 || !days[0].Date.Equal(today.Add(-2*24*time.Hour)) || days[0].Asked != 1 || days[0].Declined != 1 || days[0].Answered != 0 {
			t.Fatalf("daily %+v", days)
		}
		var sum kb.Day
		for i, d := range days {
			if i > 0 && !d.Date.After(days[i-1].Date) || d.Date.After(today.Add(24*time.Hour)) || !d.Date.Equal(d.Date.Truncate(24*time.Hour)) {
				t.Errorf("day %v out of order or range", d.Date)
			}
			sum.Asked, sum.Answered, sum.Declined, sum.Partial = sum.Asked+d.Asked, sum.Answered+d.Answered, sum.Declined+d.Declined, sum.Partial+d.Partial
			sum.Up, sum.Down = sum.Up+d.Up, sum.Down+d.Down
		}
		if sum.Asked != 4 || sum.Answered != 2 || sum.Declined != 2 || sum.Partial != 0 || sum.Up != 2 || sum.Down != 1 {
			t.Fatalf("daily %+v, summed %+v", days, sum)
		}
		// A partial answer counts as partial, not declined, and waits with
		// the declined questions (it was not answered).
		if days, _ := s.Daily(ctx, "g2", since); len(days) != 1 || days[0].Asked != 2 || days[0].Declined != 1 || days[0].Partial != 1 {
			t.Fatalf("g2 %+v", days)
		}
		if u, _ := s.Unanswered(ctx, "g2", 10); len(u) != 2 {
			t.Fatalf("g2 unanswered %+v", u)
		}
		if days, _ := s.Daily(ctx, "g1", today.Add(-24*time.Hour)); len(days) == 0 || days[0].Date.Before(today.Add(-24*time.Hour)) {
			t.Fatalf("from yesterday: %+v", days)
		}
	})
	runSources(t, fresh)
}
