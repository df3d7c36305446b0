package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// WatcherOptions are a Watcher's settings; the zero value means the defaults.
type WatcherOptions struct {
	// MinBackoff and MaxBackoff bound the wait between reconnection
	// attempts, which doubles from the first to the second. Defaults 100 ms
	// and 5 s.
	MinBackoff, MaxBackoff time.Duration
	// Probe is how long the connection may stay silent before it is
	// pinged, to notice a server that vanished without closing it.
	// Default 15 s.
	Probe time.Duration
	// Log receives reconnections and errors. Default: discarded.
	Log *slog.Logger
}

// Watcher listens on Channel on a connection of its own and calls onChange
// with the scopes that changed: on every notification, and after every
// (re)connection with every scope changed since its mark (kb.Store.Changes),
// so what was stored while it was not listening is not lost. A scope may be
// reported more than once; onChange must be idempotent (Library.Refresh is).
// An error from onChange drops the connection: the scopes are reported again
// after reconnecting. Open starts it, Close stops it; safe for concurrent use.
type Watcher struct {
	store    *Store
	onChange func(ctx context.Context, scopes []string) error
	opts     WatcherOptions

	mark      atomic.Int64 // the store's change mark reported so far
	listening atomic.Bool

	mu   sync.Mutex // guards stop and done
	stop context.CancelFunc
	done chan struct{}
}

// NewWatcher returns a Watcher of store that reports changes after the mark
// since (0: every scope, on the first connection). Take since from
// store.Changes before loading what the caller serves, so nothing stored
// meanwhile is missed.
func NewWatcher(store *Store, since int64, onChange func(ctx context.Context, scopes []string) error, opts WatcherOptions) *Watcher {
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 100 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Second
	}
	if opts.Probe <= 0 {
		opts.Probe = 15 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	w := &Watcher{store: store, onChange: onChange, opts: opts}
	w.mark.Store(since)
	return w
}

// Open starts listening in a goroutine. Later calls do nothing.
func (w *Watcher) Open() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done != nil {
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	w.stop, w.done = stop, make(chan struct{})
	go w.run(ctx)
}

// Close stops listening and waits for the goroutine (and a running
// onChange), or for ctx. Safe to call more than once.
func (w *Watcher) Close(ctx context.Context) error {
	w.mu.Lock()
	stop, done := w.stop, w.done
	w.mu.Unlock()
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

// Listening reports whether the watcher holds a listening connection and
// has caught up with what was stored before it connected.
func (w *Watcher) Listening() bool { return w.listening.Load() }

// Mark returns the store's change mark the watcher has reported up to.
func (w *Watcher) Mark() int64 { return w.mark.Load() }

func (w *Watcher) run(ctx context.Context) {
	defer close(w.done)
	wait := w.opts.MinBackoff
	failures := 0
	for ctx.Err() == nil {
		caughtUp, err := w.session(ctx, func() {
			if failures > 0 {
				w.opts.Log.Info("listening for knowledge-base changes again", "after_attempts", failures)
			}
		})
		w.listening.Store(false)
		if ctx.Err() != nil {
			return
		}
		if caughtUp {
			wait, failures = w.opts.MinBackoff, 0
		}
		failures++
		// Log the first failure of an outage and then every tenth, not each retry.
		if failures == 1 || failures%10 == 0 {
			w.opts.Log.Warn("listening for knowledge-base changes stopped; reconnecting", "err", err, "attempt", failures)
		}
		jittered := wait/2 + rand.N(wait/2+1)
		select {
		case <-ctx.Done():
			return
		case <-time.After(jittered):
		}
		wait = min(2*wait, w.opts.MaxBackoff)
	}
}

// session connects, listens, reports what changed since the mark, calls
// listening, then reports notifications until the connection or onChange
// fails. caughtUp says it got as far as listening.
func (w *Watcher) session(ctx context.Context, listening func()) (caughtUp bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, w.store.connConfig())
	if err != nil {
		return false, classify(err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return false, classify(err)
	}
	// Listening first, then catching up: a change stored in between is
	// reported twice, never missed.
	since := w.mark.Load()
	scopes, mark, err := w.store.Changes(ctx, since)
	if err != nil {
		return false, err
	}
	// Always once after (re)connecting: sources changed meanwhile are
	// not in Changes, and the library's refresh finds them itself.
	if err := w.onChange(ctx, scopes); err != nil {
		return false, fmt.Errorf("after reconnecting: %w", err)
	}
	w.advance(mark)
	w.listening.Store(true)
	w.opts.Log.Debug("listening for knowledge-base changes", "mark", mark, "caught_up", len(scopes))
	listening()
	for {
		n, err := w.next(ctx, conn)
		if err != nil {
			return true, err
		}
		var p notice
		if json.Unmarshal([]byte(n.Payload), &p) != nil || p.Scope == "" {
			// Not ours to parse: catch up through the store instead.
			return true, fmt.Errorf("unexpected notification %q; catching up", n.Payload)
		}
		if p.Source {
			// Source changes have marks of their own, which the library
			// tracks: report the scope, keep the versions' mark.
			if err := w.onChange(ctx, []string{p.Scope}); err != nil {
				return true, err
			}
			continue
		}
		if p.Version <= w.mark.Load() {
			continue // already reported when catching up
		}
		if err := w.onChange(ctx, []string{p.Scope}); err != nil {
			return true, err
		}
		w.advance(p.Version)
	}
}

// next waits for a notification, pinging the server when it is silent for
// opts.Probe.
func (w *Watcher) next(ctx context.Context, conn *pgx.Conn) (*pgconn.Notification, error) {
	for {
		waitCtx, cancel := context.WithTimeout(ctx, w.opts.Probe)
		n, err := conn.WaitForNotification(waitCtx)
		cancel()
		if err == nil {
			return n, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			return nil, classify(err)
		}
		pingCtx, cancel := context.WithTimeout(ctx, w.opts.Probe)
		err = conn.Ping(pingCtx)
		cancel()
		if err != nil {
			return nil, classify(err)
		}
	}
}

// advance moves the mark forward to m.
func (w *Watcher) advance(m int64) {
	for {
		cur := w.mark.Load()
		if m <= cur || w.mark.CompareAndSwap(cur, m) {
			return
		}
	}
}
