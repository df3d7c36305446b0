package bot

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"crisisbot/internal/fakediscord"
)

func TestLocalGate_Wait(t *testing.T) {
	t.Parallel()
	const interval = 200 * time.Millisecond
	ctx := context.Background()
	t.Run("OneKeyInTurn", func(t *testing.T) {
		t.Parallel()
		g := NewLocalGate(interval)
		release, err := g.Wait(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan time.Time, 1)
		go func() {
			r, err := g.Wait(ctx, 0)
			if err != nil {
				t.Error(err)
			}
			got <- time.Now()
			r()
		}()
		other, err := g.Wait(ctx, 1) // another key is not held up
		if err != nil {
			t.Fatal(err)
		}
		other()
		select {
		case <-got:
			t.Fatal("a held key was given out again")
		default:
		}
		released := time.Now()
		release()
		release() // only the first call counts
		if at := <-got; at.Sub(released) < interval {
			t.Fatalf("key given out again %v after its release, want at least %v", at.Sub(released), interval)
		}
	})
	t.Run("ContextEnds", func(t *testing.T) {
		t.Parallel()
		g := NewLocalGate(time.Hour)
		release, err := g.Wait(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		release()
		cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if _, err := g.Wait(cctx, 3); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestShards_SharedGate: shards of one bot in two Shards (as two processes
// would run them) started at once, with max_concurrency 1. Sharing a gate,
// no IDENTIFY goes over Discord's limit; each pacing only its own, they
// collide (the fake enforces the limit across sessions, as Discord does).
// A shared gate that fails leaves each process its own pacing.
func TestShards_SharedGate(t *testing.T) {
	t.Parallel()
	const interval = 250 * time.Millisecond
	start := func(t *testing.T, gate func() IdentifyGate) (*fakediscord.Server, []*Shards) {
		fake := fakediscord.New(t, "tok")
		fake.ShardCount, fake.MaxConcurrency, fake.IdentifyWindow = 4, 1, interval
		var all []*Shards
		var wg sync.WaitGroup
		for _, ids := range [][]int{{0, 1}, {2, 3}} {
			sh, err := NewShards(ShardsOptions{Bot: Options{Logger: quiet()}, IDs: ids, Interval: interval, Gate: gate()}, fakeREST(t, fake), NewRouter(quiet(), nil))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sh.Close(context.Background()) })
			all = append(all, sh)
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				if err := sh.Open(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		return fake, all
	}
	t.Run("Shared", func(t *testing.T) {
		t.Parallel()
		shared := NewLocalGate(interval)
		fake, _ := start(t, func() IdentifyGate { return shared })
		if got := fake.ReadyShards(); !slices.Equal(got, []int{0, 1, 2, 3}) || fake.IdentifyRefusals() != 0 {
			t.Fatalf("ready %v, %d IDENTIFYs over the limit", got, fake.IdentifyRefusals())
		}
	})
	t.Run("NotShared", func(t *testing.T) {
		t.Parallel()
		fake, _ := start(t, func() IdentifyGate { return nil })
		if fake.IdentifyRefusals() == 0 {
			t.Fatal("two processes pacing only themselves did not collide: the test cannot tell a shared gate from none")
		}
	})
	t.Run("GateFails", func(t *testing.T) {
		t.Parallel()
		down := IdentifyGateFunc(func(context.Context, int) (func(), error) { return nil, errors.New("database unreachable") })
		fake := fakediscord.New(t, "tok")
		fake.ShardCount, fake.MaxConcurrency, fake.IdentifyWindow = 3, 1, interval
		sh := openShards(t, fake, ShardsOptions{Interval: interval, Gate: down}, NewRouter(quiet(), nil))
		if got := fake.ReadyShards(); !slices.Equal(got, []int{0, 1, 2}) || fake.IdentifyRefusals() != 0 || sh.GateFailures() != 3 {
			t.Fatalf("ready %v, %d IDENTIFYs over the limit, %d gate failures", got, fake.IdentifyRefusals(), sh.GateFailures())
		}
	})
}
