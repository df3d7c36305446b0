package bot

import (
	"context"
	"sync"
	"testing"
	"time"
)

func waitWorkers(t *testing.T, p *workers, want int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); p.n.Load() != want; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d workers, want %d", p.n.Load(), want)
		}
	}
}

func TestWorkers(t *testing.T) {
	t.Parallel()
	t.Run("Reused", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		p := newWorkers(ctx, 8, time.Minute)
		for range 100 {
			done := make(chan struct{})
			p.run(func() { close(done) })
			<-done
		}
		// A new worker starts only when every one is between its job's end
		// and its next receive: sequential jobs need one, rarely a few.
		if n := p.n.Load(); n < 1 || n > 4 {
			t.Fatalf("%d workers for 100 jobs one after the other", n)
		}
		cancel()
		waitWorkers(t, p, 0)
	})
	t.Run("Bounded", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		p := newWorkers(ctx, 4, time.Minute)
		release := make(chan struct{})
		var wg sync.WaitGroup
		for range 6 {
			wg.Add(1)
			p.run(func() {
				defer wg.Done()
				<-release
			})
		}
		if n := p.n.Load(); n != 4 {
			t.Fatalf("%d workers for 6 blocked jobs, bound 4", n)
		}
		close(release)
		wg.Wait() // the two past the bound ran too, on goroutines of their own
		if n := p.n.Load(); n != 4 {
			t.Fatalf("%d workers after the jobs", n)
		}
	})
	t.Run("EndWhenIdle", func(t *testing.T) {
		t.Parallel()
		p := newWorkers(context.Background(), 4, 20*time.Millisecond)
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			p.run(wg.Done)
		}
		wg.Wait()
		waitWorkers(t, p, 0)
	})
}
