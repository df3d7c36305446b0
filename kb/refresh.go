package kb

import (
	"context"
	"fmt"
	"time"
)

// Refresh brings in what other processes stored since the last load or
// refresh (an operator's `kb import` or `kb revert` on the same database):
// it asks the store which scopes changed, re-reads those, and rebuilds only
// the scopes whose current versions differ from what is served. Safe to call
// concurrently with everything else; it waits for a running Apply.
func (l *Library) Refresh(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	scopes, mark, err := l.store.Changes(ctx, l.mark)
	if err != nil {
		return fmt.Errorf("check for changes: %w", err)
	}
	var servers []string
	for _, sc := range scopes {
		if sc != GlobalScope {
			servers = append(servers, sc)
			continue
		}
		vs, err := l.store.Current(ctx, GlobalScope)
		if err != nil {
			return fmt.Errorf("read the global scope: %w", err) // l.mark stays: retried next time
		}
		if !sameVersions(vs, l.current[GlobalScope]) {
			l.current[GlobalScope] = vs
			l.storeSnapshot(GlobalScope)
			l.rebuildServers()
			l.log.Info("reloaded the global knowledge base after a change by another process")
		}
	}
	for _, sc := range servers {
		vs, err := l.store.Current(ctx, sc)
		if err == nil && l.broken[sc] == nil && sameVersions(vs, l.current[sc]) {
			continue // this library's own change, or none
		}
		l.loadScope(ctx, sc)
		if l.broken[sc] == nil {
			l.log.Info("reloaded a server's knowledge base after a change by another process", "scope", sc)
		}
	}
	l.mark = mark
	return nil
}

// Watch calls Refresh every interval in a goroutine until Close, logging
// errors. It is meant to be called once, after OpenLibrary; later calls do
// nothing.
func (l *Library) Watch(interval time.Duration) {
	l.watchMu.Lock()
	defer l.watchMu.Unlock()
	if l.done != nil {
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	l.stop, l.done = stop, make(chan struct{})
	go func() {
		defer close(l.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := l.Refresh(ctx); err != nil && ctx.Err() == nil {
					l.log.Warn("refreshing the knowledge base failed; retrying", "err", err)
				}
			}
		}
	}()
}

// Close stops Watch and waits for it, or for ctx. It does not close the
// store, which the caller owns and closes after. Safe to call more than once.
func (l *Library) Close(ctx context.Context) error {
	l.watchMu.Lock()
	stop, done := l.stop, l.done
	l.watchMu.Unlock()
	if done == nil {
		return nil
	}
	stop()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sameVersions reports whether two current lists hold the same versions.
func sameVersions(a, b []Version) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].EntryID != b[i].EntryID || a[i].Version != b[i].Version {
			return false
		}
	}
	return true
}
