package bot

import (
	"context"
	"sync/atomic"
	"time"
)

// workers runs jobs on reused goroutines: a handler's goroutine keeps the
// stack it grew (routing and matching need a deep one) for the next job
// instead of growing a new one per request. At most max workers exist;
// one idle for idle ends, and all end when ctx does. Safe for concurrent
// use.
type workers struct {
	jobs chan func()
	max  int64
	n    atomic.Int64 // goroutines running
	idle time.Duration
	ctx  context.Context
}

func newWorkers(ctx context.Context, max int, idle time.Duration) *workers {
	return &workers{jobs: make(chan func()), max: int64(max), idle: idle, ctx: ctx}
}

// run runs job on an idle worker, or on a new one while there are fewer
// than max. At max (the caller bounds the jobs in flight to max, so every
// worker is then between its last job and its next receive) job gets a
// goroutine of its own that ends with it.
func (p *workers) run(job func()) {
	select {
	case p.jobs <- job:
		return
	default:
	}
	for {
		n := p.n.Load()
		if n >= p.max {
			go job()
			return
		}
		if p.n.CompareAndSwap(n, n+1) {
			go p.work(job)
			return
		}
	}
}

func (p *workers) work(job func()) {
	defer p.n.Add(-1)
	job()
	t := time.NewTimer(p.idle)
	defer t.Stop()
	for {
		select {
		case job := <-p.jobs:
			job()
			t.Reset(p.idle)
		case <-t.C:
			return
		case <-p.ctx.Done():
			return
		}
	}
}
