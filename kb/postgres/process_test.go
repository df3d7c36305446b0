package postgres_test

import (
	"context"
	"testing"
	"time"

	"crisisbot/kb"
	"crisisbot/kb/postgres"
)

// process is what one bot process holds: its own store (pool), a library
// serving from it, and a watcher that refreshes the library on every change.
type process struct {
	store *postgres.Store
	lib   *kb.Library
	watch *postgres.Watcher
	// refreshed receives (without blocking) after every refresh the
	// watcher triggers, so waiting for an edit needs no polling.
	refreshed chan struct{}
}

// fastReconnect keeps tests that stop the server short.
var fastReconnect = postgres.WatcherOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}

// startProcess opens a process on the database at url, with the curated
// knowledge base, and waits until its watcher listens. Closed at the test's
// end in the bot's order: watcher, library, store.
func startProcess(tb testing.TB, url string, curated *kb.KB) *process {
	tb.Helper()
	ctx := context.Background()
	p := &process{store: open(tb, url), refreshed: make(chan struct{}, 1)}
	_, mark, err := p.store.Changes(ctx, 0)
	if err != nil {
		tb.Fatal(err)
	}
	if p.lib, err = kb.OpenLibrary(ctx, p.store, curated, kb.Options{}, nil); err != nil {
		tb.Fatal(err)
	}
	p.watch = postgres.NewWatcher(p.store, mark, func(ctx context.Context, _ []string) error {
		err := p.lib.Refresh(ctx)
		select {
		case p.refreshed <- struct{}{}:
		default:
		}
		return err
	}, fastReconnect)
	p.watch.Open()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.watch.Close(ctx); err != nil {
			tb.Errorf("close the watcher: %v", err)
		}
		p.lib.Close(ctx)
	})
	waitFor(tb, "the watcher to listen", p.watch.Listening)
	return p
}

// serves reports whether the process answers scope's entry id with answer.
func (p *process) serves(scope, id, answer string) bool {
	e, ok := p.lib.Index(scope).Entry(id)
	return ok && e.Answer == answer
}

// awaitAnswer waits, on the process's refresh signal, until it serves the
// answer, or fails the test after a generous deadline.
func (p *process) awaitAnswer(tb testing.TB, scope, id, answer string) {
	tb.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for !p.serves(scope, id, answer) {
		select {
		case <-p.refreshed:
		case <-deadline.C:
			tb.Fatalf("the edit of %s/%s never reached this process", scope, id)
		}
	}
}

// edit changes the answer of scope's entry id through p's library, from the
// version p serves.
func (p *process) edit(tb testing.TB, scope, id, answer string) error {
	tb.Helper()
	e, base, ok := p.lib.Entry(scope, id)
	if !ok {
		tb.Fatalf("no entry %s in %s", id, scope)
	}
	e.Answer = answer
	_, err := p.lib.Apply(context.Background(), []kb.Change{{Scope: scope, EntryID: id, Entry: &e, Action: kb.ActionEdit, Author: "m", Base: base}})
	return err
}

// waitFor polls cond until it holds, or fails the test after a deadline.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond) // polling, with a deadline
	}
}

func defaultKB(tb testing.TB) *kb.KB {
	tb.Helper()
	k, err := kb.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return k
}
