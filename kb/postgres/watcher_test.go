package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"crisisbot/internal/pgtest"
	"crisisbot/kb"
	"crisisbot/kb/postgres"
)

// TestWatcher_Propagation runs three processes on one database: an edit made
// through any one is served by all three, without anyone polling the store.
func TestWatcher_Propagation(t *testing.T) {
	url := pg.Database(t)
	curated := defaultKB(t)
	procs := []*process{startProcess(t, url, curated), startProcess(t, url, curated), startProcess(t, url, curated)}
	for i := 0; i < 12; i++ {
		by := procs[i%3]
		scope := []string{"g1", "g2", kb.GlobalScope}[i%3]
		answer := fmt.Sprintf("Dmitry Peskov is the Kremlin spokesman (edit %d).", i)
		if err := by.edit(t, scope, "who-is-peskov", answer); err != nil {
			t.Fatalf("edit %d: %v", i, err)
		}
		for _, p := range procs {
			p.awaitAnswer(t, scope, "who-is-peskov", answer)
		}
	}
	t.Run("CLI", func(t *testing.T) {
		// An operator's command line: a store without a watcher.
		cli := open(t, url)
		e, _ := procs[0].lib.Index("g1").Entry("who-is-peskov")
		cur, _ := cli.Current(context.Background(), "g1")
		edited := *e
		edited.Answer = "Imported by the operator."
		if _, err := cli.Apply(context.Background(), []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: &edited, Action: kb.ActionEdit, Author: "cli", Base: cur[0].Version}}); err != nil {
			t.Fatal(err)
		}
		for _, p := range procs {
			p.awaitAnswer(t, "g1", e.ID, edited.Answer)
		}
	})
}

// TestWatcher_Outage stops the PostgreSQL server under two running
// processes: they keep answering from memory, writes fail with
// kb.ErrUnavailable (without the URL's password in the error), and once the
// server is back on the same port, an edit made meanwhile from another store
// reaches both.
func TestWatcher_Outage(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Own(t)
	// Trust authentication ignores the password; it stands for a real one
	// that must never appear in an error.
	url := strings.Replace(c.Database(t), pgtest.User+"@", pgtest.User+":hunter2@", 1)
	curated := defaultKB(t)
	a, b := startProcess(t, url, curated), startProcess(t, url, curated)
	question := "who is peskov"
	before, err := a.lib.Index("g1").Ask(question)
	if err != nil {
		t.Fatal(err)
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the watchers to notice the outage", func() bool { return !a.watch.Listening() && !b.watch.Listening() })
	t.Run("AnswersFromMemory", func(t *testing.T) {
		for _, p := range []*process{a, b} {
			got, err := p.lib.Index("g1").Ask(question)
			if err != nil || got.Entry == nil || got.Entry.ID != before.Entry.ID {
				t.Fatalf("during the outage: %+v %v", got, err)
			}
		}
	})
	t.Run("WritesFail", func(t *testing.T) {
		err := a.edit(t, "g1", "who-is-peskov", "Written during the outage.")
		if !errors.Is(err, kb.ErrUnavailable) {
			t.Fatalf("a write during the outage: %v", err)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("the error shows the password: %v", err)
		}
		if err := a.store.SetSetting(ctx, "g1", "k", "v", "u"); !errors.Is(err, kb.ErrUnavailable) {
			t.Fatalf("a setting during the outage: %v", err)
		}
		_, err = postgres.Open(ctx, url)
		if !errors.Is(err, kb.ErrUnavailable) || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("opening during the outage: %v", err)
		}
		if a.serves("g1", "who-is-peskov", "Written during the outage.") {
			t.Fatal("a failed write is served")
		}
	})

	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	cli := open(t, url)
	cur, err := cli.Current(ctx, kb.GlobalScope)
	if err != nil {
		t.Fatal(err)
	}
	var base kb.Version
	for _, v := range cur {
		if v.EntryID == "who-is-peskov" {
			base = v
		}
	}
	if base.Entry == nil {
		t.Fatalf("the global entry did not survive the restart: %+v", cur)
	}
	edited := *base.Entry
	edited.Answer = "Edited while the bot was reconnecting."
	if _, err := cli.Apply(ctx, []kb.Change{{Scope: kb.GlobalScope, EntryID: edited.ID, Entry: &edited, Action: kb.ActionEdit, Author: "cli", Base: base.Version}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*process{a, b} {
		p.awaitAnswer(t, kb.GlobalScope, edited.ID, edited.Answer)
		p.awaitAnswer(t, "g1", edited.ID, edited.Answer) // a server without its own version follows global
	}
	t.Run("WritesWorkAgain", func(t *testing.T) {
		if err := a.edit(t, "g1", "who-is-peskov", "Written after the outage."); err != nil {
			t.Fatal(err)
		}
		b.awaitAnswer(t, "g1", "who-is-peskov", "Written after the outage.")
	})
}

// TestStore_ConcurrentModerators has ten moderators on three processes save
// edits at once, half to one shared entry and half each to an entry of
// their own: every acknowledged save is in the history exactly as saved,
// with no version lost or stored twice, stale saves are refused, and all
// three processes end up serving the last version.
func TestStore_ConcurrentModerators(t *testing.T) {
	ctx := context.Background()
	url := pg.Database(t)
	curated := defaultKB(t)
	procs := []*process{startProcess(t, url, curated), startProcess(t, url, curated), startProcess(t, url, curated)}
	const moderators, saves = 10, 8
	shared := "who-is-peskov"
	var own []string
	for _, e := range curated.Entries {
		if e.ID != shared && len(own) < moderators {
			own = append(own, e.ID)
		}
	}
	type ack struct {
		entry, answer string
		version       int
	}
	acks := make(chan ack, moderators*saves)
	conflicts := make(chan int, moderators)
	errs := make(chan error, moderators)
	for m := 0; m < moderators; m++ {
		go func(m int) {
			p := procs[m%3]
			refused := 0
			for i := 0; i < saves; i++ {
				id := shared
				if i%2 == 1 {
					id = own[m]
				}
				answer := fmt.Sprintf("Saved by moderator %d, save %d.", m, i)
				for {
					e, base, _ := p.lib.Entry("g1", id)
					e.Answer = answer
					vs, err := p.lib.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: id, Entry: &e, Action: kb.ActionEdit, Author: fmt.Sprint("m", m), Base: base}})
					if errors.Is(err, kb.ErrConflict) {
						refused++
						// The moderator reopens the form: once this
						// process has the newer version.
						if err := p.lib.Refresh(ctx); err != nil {
							errs <- err
							return
						}
						continue
					}
					if err != nil {
						errs <- err
						return
					}
					acks <- ack{id, answer, vs[0].Version}
					break
				}
			}
			conflicts <- refused
			errs <- nil
		}(m)
	}
	for m := 0; m < moderators; m++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(acks)
	refused := 0
	for m := 0; m < moderators; m++ {
		refused += <-conflicts
	}
	byEntry := map[string]map[int]string{}
	for a := range acks {
		if byEntry[a.entry] == nil {
			byEntry[a.entry] = map[int]string{}
		}
		if prev, dup := byEntry[a.entry][a.version]; dup {
			t.Fatalf("%s version %d acknowledged twice: %q and %q", a.entry, a.version, prev, a.answer)
		}
		byEntry[a.entry][a.version] = a.answer
	}
	store := procs[0].store
	for id, saved := range byEntry {
		h, err := store.History(ctx, "g1", id)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != len(saved) {
			t.Fatalf("%s: %d versions stored, %d saves acknowledged", id, len(h), len(saved))
		}
		for i, v := range h {
			if v.Version != i+1 || v.Entry == nil || v.Entry.Answer != saved[v.Version] {
				t.Fatalf("%s version %d holds %+v, acknowledged as %q", id, v.Version, v.Entry, saved[v.Version])
			}
		}
		last := h[len(h)-1].Entry.Answer
		for _, p := range procs {
			p.awaitAnswer(t, "g1", id, last)
		}
	}
	if len(byEntry[shared]) != moderators*saves/2 {
		t.Fatalf("%d saves of the shared entry, want %d", len(byEntry[shared]), moderators*saves/2)
	}
	t.Logf("%d stale saves refused", refused)
}

// TestWatcher_Sources: a source a moderator adds through one process (or the
// command line) reaches the others, so an entry quoting it can be saved and
// served there too.
func TestWatcher_Sources(t *testing.T) {
	ctx := context.Background()
	url := pg.Database(t)
	curated := defaultKB(t)
	a, b := startProcess(t, url, curated), startProcess(t, url, curated)
	src := kb.Source{Title: "Talks end without a breakthrough", Outlet: "Reuters", URL: "https://www.reuters.com/x", Published: "2022-01-10",
		Text: "GENEVA, Jan 10 (Reuters) - Deputy Foreign Minister Sergei Ryabkov said Moscow had no plans to attack Ukraine."}
	sv, err := a.lib.AddSource(ctx, "g1", src, "u1")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the other process to see the source", func() bool {
		for _, s := range b.lib.Sources("g1") {
			if s.ID == sv.SourceID {
				return true
			}
		}
		return false
	})
	e := kb.Entry{ID: "ryabkov-no-plans", Topic: "Added by moderators", Question: "What did Ryabkov say after the Geneva talks?",
		Answer: "According to Reuters, Ryabkov said Moscow had no plans to attack Ukraine.", AsOf: "2022-01-10", AttributedTo: "Reuters",
		Citations: []kb.Citation{{SourceID: sv.SourceID, Quote: "Sergei Ryabkov said Moscow had no plans to attack Ukraine"}}}
	if _, err := b.lib.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: &e, Action: kb.ActionAdd, Author: "u2"}}); err != nil {
		t.Fatalf("saving an entry that quotes the other process's source: %v", err)
	}
	a.awaitAnswer(t, "g1", e.ID, e.Answer)
	for _, s := range b.lib.Sources("g2") {
		if s.ID == sv.SourceID {
			t.Fatal("another server sees the source")
		}
	}
}
