package bot

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// IdentifyGate paces the IDENTIFYs of one bot's gateway sessions. Discord
// accepts one IDENTIFY per rate-limit key (shard_id % max_concurrency) per
// 5 seconds across all of a bot's sessions, whichever process runs them; a
// gate shared by every process (kb/postgres has one on the bot's database)
// keeps them all within that.
//
// Wait blocks until a session of key may identify, or ctx ends. It returns
// release, to be called once the IDENTIFY has been answered (READY) or the
// attempt has failed: the key stays closed until the gate's interval has
// passed after release. release may be called more than once; only the first
// call counts. Implementations are safe for concurrent use.
type IdentifyGate interface {
	Wait(ctx context.Context, key int) (release func(), err error)
}

// IdentifyGateFunc adapts a function to IdentifyGate.
type IdentifyGateFunc func(ctx context.Context, key int) (func(), error)

// Wait calls f.
func (f IdentifyGateFunc) Wait(ctx context.Context, key int) (func(), error) { return f(ctx, key) }

// LocalGate is an IdentifyGate for the sessions of one process: each key
// opens Interval after its last release. Safe for concurrent use.
type LocalGate struct {
	interval time.Duration

	mu   sync.Mutex
	last map[int]time.Time     // per key, the last release
	held map[int]chan struct{} // per key held, closed on release
}

// NewLocalGate returns a LocalGate; interval 0 means IdentifyInterval.
func NewLocalGate(interval time.Duration) *LocalGate {
	if interval <= 0 {
		interval = IdentifyInterval
	}
	return &LocalGate{interval: interval, last: map[int]time.Time{}, held: map[int]chan struct{}{}}
}

// Wait implements IdentifyGate.
func (g *LocalGate) Wait(ctx context.Context, key int) (func(), error) {
	for {
		g.mu.Lock()
		if held, ok := g.held[key]; ok {
			g.mu.Unlock()
			select {
			case <-held:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		if open := g.last[key].Add(g.interval); time.Now().Before(open) {
			g.mu.Unlock()
			if err := waitUntil(ctx, open); err != nil {
				return nil, err
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			g.mu.Unlock()
			return nil, err
		}
		done := make(chan struct{})
		g.held[key] = done
		g.mu.Unlock()
		var once sync.Once
		return func() {
			once.Do(func() {
				g.mu.Lock()
				g.last[key] = time.Now()
				delete(g.held, key)
				g.mu.Unlock()
				close(done)
			})
		}, nil
	}
}

// identifyHook is the Options.Identify of shard, whose rate-limit key is
// key: every opening of its session, the first and each reconnect, waits
// for the key (waitIdentify) and releases it when the opening returns.
// Counted from then, there is at least Interval from one IDENTIFY of a key
// to the next, whatever the network did. A reconnect that resumes holds the
// key too: whether Discord accepts the resume is known only once discordgo
// has answered a refusal with IDENTIFY, inside the opening.
func (s *Shards) identifyHook(shard, key int) func(context.Context, func() error) error {
	return func(ctx context.Context, open func() error) error {
		release, err := s.waitIdentify(ctx, shard, key)
		if err != nil {
			return fmt.Errorf("open the gateway: %w", err)
		}
		defer release()
		return open()
	}
}

// waitIdentify is what Shards waits on before each IDENTIFY: the process's
// LocalGate, then the shared gate if there is one. A shared gate that fails
// (its database cannot be reached) is logged and passed over: the process
// then paces only its own sessions, as with no shared gate. That keeps
// shards connecting, and so answering, through a database outage, as the
// rest of the bot keeps answering from memory; the cost is that an IDENTIFY
// may collide with another process's, which Discord refuses with
// INVALID_SESSION and the session then retries, spending one more of the
// day's 1,000 session starts. Waiting for the database instead could keep
// shards offline for the whole outage.
func (s *Shards) waitIdentify(ctx context.Context, shard, key int) (func(), error) {
	local, err := s.local.Wait(ctx, key)
	if err != nil || s.o.Gate == nil {
		return local, err
	}
	shared, err := s.o.Gate.Wait(ctx, key)
	if err == nil {
		return func() { shared(); local() }, nil
	}
	if ctx.Err() != nil {
		local()
		return nil, ctx.Err()
	}
	s.log.Warn("the shared identify gate failed; pacing this process's shards only", "shard", shard, "key", key, "err", err)
	s.gateFailures.Add(1)
	return local, nil
}

// GateFailures counts the IDENTIFYs for which the shared gate failed and
// only this process's pacing applied.
func (s *Shards) GateFailures() int64 { return s.gateFailures.Load() }
