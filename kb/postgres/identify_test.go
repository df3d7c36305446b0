package postgres_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"crisisbot/internal/pgtest"
	"crisisbot/kb"
	"crisisbot/kb/postgres"
)

// TestIdentifyGate: gates of two processes (two stores, each with its own
// pool) on one database hand out a key to one holder at a time, and only
// Interval after the last release; other keys are not held up; a holder
// that never releases (a process that died) holds its key for the lease.
func TestIdentifyGate(t *testing.T) {
	ctx := context.Background()
	url := pg.Database(t)
	const interval = 150 * time.Millisecond
	opts := postgres.IdentifyGateOptions{Interval: interval, Lease: 600 * time.Millisecond}
	a, b := postgres.NewIdentifyGate(open(t, url), opts), postgres.NewIdentifyGate(open(t, url), opts)

	t.Run("OneAtATime", func(t *testing.T) {
		type turn struct{ got, released time.Time }
		var mu sync.Mutex
		var turns []turn
		var wg sync.WaitGroup
		for _, g := range []*postgres.IdentifyGate{a, b, a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				release, err := g.Wait(ctx, 0)
				if err != nil {
					t.Error(err)
					return
				}
				tr := turn{got: time.Now()}
				tr.released = time.Now()
				release()
				mu.Lock()
				turns = append(turns, tr)
				mu.Unlock()
			}()
		}
		wg.Wait()
		slices.SortFunc(turns, func(x, y turn) int { return x.got.Compare(y.got) })
		for k := 1; k < len(turns); k++ {
			if gap := turns[k].got.Sub(turns[k-1].released); gap < interval {
				t.Errorf("turn %d began %v after the previous release, want at least %v", k, gap, interval)
			}
		}
		if len(turns) != 6 {
			t.Fatalf("%d turns of 6", len(turns))
		}
	})
	t.Run("KeysApart", func(t *testing.T) {
		release, err := a.Wait(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		other, err := b.Wait(cctx, 6)
		if err != nil {
			t.Fatalf("another key waited for a held one: %v", err)
		}
		other()
		short, cancel2 := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel2()
		if _, err := b.Wait(short, 5); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a held key was given out again: %v", err)
		}
	})
	t.Run("LeaseOfADeadHolder", func(t *testing.T) {
		// The lease runs from the database's claim time, which is after this
		// moment and before Wait returns: take the clock first.
		claimed := time.Now()
		if _, err := a.Wait(ctx, 9); err != nil { // never released
			t.Fatal(err)
		}
		release, err := b.Wait(ctx, 9)
		if err != nil {
			t.Fatal(err)
		}
		release()
		if waited := time.Since(claimed); waited < opts.Lease {
			t.Fatalf("an unreleased key was given out again after %v, want at least its lease %v", waited, opts.Lease)
		}
	})
}

// TestIdentifyGate_Unreachable: with the database stopped, Wait returns an
// error that says so (the bot then paces only its own shards).
func TestIdentifyGate_Unreachable(t *testing.T) {
	c := pgtest.Own(t)
	g := postgres.NewIdentifyGate(open(t, c.Database(t)), postgres.IdentifyGateOptions{Interval: time.Millisecond, Timeout: 2 * time.Second})
	release, err := g.Wait(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Wait(context.Background(), 0); !errors.Is(err, kb.ErrUnavailable) {
		t.Fatalf("err = %v, want kb.ErrUnavailable", err)
	}
}

// BenchmarkIdentifyGate: what the gate adds to each IDENTIFY, a claim and a
// release (two round trips, one transaction), with no other process waiting.
func BenchmarkIdentifyGate(b *testing.B) {
	g := postgres.NewIdentifyGate(open(b, pg.Database(b)), postgres.IdentifyGateOptions{Interval: time.Nanosecond})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		release, err := g.Wait(ctx, 0)
		if err != nil {
			b.Fatal(err)
		}
		release()
	}
}
