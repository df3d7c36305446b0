package loadgen

import "sync"

// dispatch hands requests to workers, the most recently idle first (as
// net/http's client reuses its most recently used connection): a steady
// rate then keeps a few connections busy instead of all of them in turn,
// and only as many are opened as requests were ever in flight at once.
// With every worker busy, up to as many requests as there are workers
// wait; past that a request is not sent. Safe for concurrent use.
type dispatch struct {
	mu      sync.Mutex
	idle    []*worker // a stack
	pending []int     // requests waiting for a worker, oldest first
	max     int
	closed  bool
}

func newDispatch(workers int) *dispatch { return &dispatch{max: workers} }

// send gives request i to an idle worker, or queues it; false: not sent.
func (d *dispatch) send(i int) bool {
	d.mu.Lock()
	if n := len(d.idle); n > 0 {
		w := d.idle[n-1]
		d.idle = d.idle[:n-1]
		d.mu.Unlock()
		w.next <- i
		return true
	}
	defer d.mu.Unlock()
	if len(d.pending) >= d.max {
		return false
	}
	d.pending = append(d.pending, i)
	return true
}

// wait returns w's next request; false once the run is over.
func (d *dispatch) wait(w *worker) (int, bool) {
	d.mu.Lock()
	if len(d.pending) > 0 {
		i := d.pending[0]
		d.pending = d.pending[1:]
		d.mu.Unlock()
		return i, true
	}
	if d.closed {
		d.mu.Unlock()
		return 0, false
	}
	d.idle = append(d.idle, w)
	d.mu.Unlock()
	i := <-w.next
	return i, i >= 0
}

// close ends the run: queued requests are still sent, then every worker's
// wait returns false.
func (d *dispatch) close() {
	d.mu.Lock()
	d.closed = true
	idle := d.idle
	d.idle = nil
	d.mu.Unlock()
	for _, w := range idle {
		w.next <- -1
	}
}
