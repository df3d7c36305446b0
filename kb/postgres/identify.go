package postgres

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// migrationIdentify: one row per gateway identify rate-limit key
// (shard_id % max_concurrency), for IdentifyGate.
const migrationIdentify = `CREATE TABLE identify_keys (
	key          integer PRIMARY KEY,
	last_release timestamptz,
	lease_until  timestamptz,
	holder       text NOT NULL DEFAULT ''
);`

// IdentifyGateOptions configure an IdentifyGate. Zero values mean defaults.
type IdentifyGateOptions struct {
	// Interval is how long a key stays closed after a release: Discord's
	// 5 seconds unless set (tests shorten it with their fake's window).
	Interval time.Duration
	// Lease is how long a key stays closed when its holder never releases
	// it (a process that died before its IDENTIFY was answered): 20 s
	// unless set, the bot's 15-second open timeout plus Interval, so that
	// an IDENTIFY the holder may still have sent is Interval behind.
	Lease time.Duration
	// Timeout bounds each database round trip of Wait: 5 s unless set.
	// Past it, Wait returns an error (the caller falls back).
	Timeout time.Duration
	// Log gets a warning when a release cannot be recorded; nil: none.
	Log *slog.Logger
}

// IdentifyGate paces the gateway IDENTIFYs of every process on the
// database: it implements bot.IdentifyGate (this package does not import
// bot). A key is a row of identify_keys; Wait claims it in a transaction
// that locks the row (SELECT … FOR UPDATE) once the last release is
// Interval old and no other process holds a lease on it, and records a
// lease; release records its time and drops the lease. Every time is the
// database server's clock, so the processes' clocks need not agree. Safe
// for concurrent use, by any number of processes.
type IdentifyGate struct {
	s *Store
	o IdentifyGateOptions
}

// NewIdentifyGate returns a gate on the store's database.
func NewIdentifyGate(s *Store, o IdentifyGateOptions) *IdentifyGate {
	if o.Interval <= 0 {
		o.Interval = 5 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 15*time.Second + o.Interval
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &IdentifyGate{s: s, o: o}
}

// Wait blocks until key is free in every process and claims it, or returns
// an error: ctx's when it ends, else one that wraps kb.ErrUnavailable when
// the database cannot be reached. Errors never show the URL's password.
func (g *IdentifyGate) Wait(ctx context.Context, key int) (func(), error) {
	holder := rand.Text() // names this claim: a release cannot clear another's lease
	for {
		wait, err := g.claim(ctx, key, holder)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("identify gate on %s: %w", g.s.name, classify(err))
		}
		if wait <= 0 {
			var once sync.Once
			return func() { once.Do(func() { g.release(key, holder) }) }, nil
		}
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		}
	}
}

// claim takes key for holder if it is free, or returns how long until it
// may be (by the database's clock).
func (g *IdentifyGate) claim(ctx context.Context, key int, holder string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, g.o.Timeout)
	defer cancel()
	tx, err := g.s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `INSERT INTO identify_keys (key) VALUES ($1) ON CONFLICT DO NOTHING`, key); err != nil {
		return 0, err
	}
	var last, lease *time.Time
	var now time.Time
	if err := tx.QueryRow(ctx, `SELECT last_release, lease_until, clock_timestamp() FROM identify_keys WHERE key = $1 FOR UPDATE`, key).Scan(&last, &lease, &now); err != nil {
		return 0, err
	}
	open := now
	if last != nil && last.Add(g.o.Interval).After(open) {
		open = last.Add(g.o.Interval)
	}
	if lease != nil && lease.After(now) {
		// Held by another claim, released at any moment: look again
		// soon (the release is then followed by Interval, to the
		// microsecond), or at the lease's end if that comes first.
		return min(lease.Sub(now), max(g.o.Interval/10, time.Millisecond)), nil
	}
	if wait := open.Sub(now); wait > 0 {
		return wait, nil
	}
	if _, err := tx.Exec(ctx, `UPDATE identify_keys SET lease_until = clock_timestamp() + $2 * interval '1 microsecond', holder = $3 WHERE key = $1`,
		key, g.o.Lease.Microseconds(), holder); err != nil {
		return 0, err
	}
	return 0, tx.Commit(ctx)
}

// release records that key's IDENTIFY was answered now. If the database
// cannot be reached, the lease keeps the key closed until it runs out.
func (g *IdentifyGate) release(key int, holder string) {
	ctx, cancel := context.WithTimeout(context.Background(), g.o.Timeout)
	defer cancel()
	_, err := g.s.pool.Exec(ctx, `UPDATE identify_keys SET last_release = clock_timestamp(), lease_until = NULL, holder = '' WHERE key = $1 AND holder = $2`, key, holder)
	if err != nil {
		g.o.Log.Warn("the identify gate could not record a release; the key stays closed until its lease ends",
			"key", key, "lease", g.o.Lease, "err", classify(err))
	}
}
