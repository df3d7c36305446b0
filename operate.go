package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"crisisbot/bot"
	"crisisbot/commands"
	"crisisbot/kb"
	"crisisbot/ops"
)

// operations wires metrics and health probes into runDiscord. With
// METRICS_ADDR unset every method is a no-op that returns its input (or nil),
// so the bot runs exactly as without it.
type operations struct {
	log     *slog.Logger
	addr    string
	metrics *ops.Metrics // nil when off
	srv     *ops.Server
}

func newOperations(cfg Config, log *slog.Logger) *operations {
	o := &operations{log: log, addr: cfg.MetricsAddr}
	if o.addr != "" {
		o.metrics = ops.NewMetrics(buildVersion())
	}
	return o
}

// buildVersion is the main module's version as the Go toolchain stamped it.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "unknown"
}

// store returns s, instrumented when metrics are on.
func (o *operations) store(s kb.Store) kb.Store {
	if o.metrics == nil {
		return s
	}
	return ops.InstrumentStore(s, o.metrics)
}

// observer is what the bot and router report to (nil when off: a typed nil
// pointer in an interface would not be nil).
func (o *operations) observer() bot.Observer {
	if o.metrics == nil {
		return nil
	}
	return o.metrics
}

// editObserver is what moderation reports refused edits to.
func (o *operations) editObserver() commands.EditObserver {
	if o.metrics == nil {
		return nil
	}
	return o.metrics
}

// transport is the bot's REST transport: instrumented when on, the default
// otherwise.
func (o *operations) transport() http.RoundTripper {
	if o.metrics == nil {
		return nil
	}
	return o.metrics.InstrumentTransport(nil)
}

// pinger is a store that can be checked cheaply (the SQLite store can).
type pinger interface {
	Ping(ctx context.Context) error
}

// start serves /metrics, /livez and /readyz. Ready means: the knowledge base
// is loaded, the store answers, and every gateway shard this process runs
// has READY (gw is nil for an HTTP-only replica: no gateway check).
func (o *operations) start(lib *kb.Library, store kb.Store, gw *bot.Shards) error {
	if o.metrics == nil {
		return nil
	}
	o.metrics.WatchGateway(func() []ops.Shard {
		if gw == nil {
			return nil
		}
		var out []ops.Shard
		for _, b := range gw.Bots() {
			out = append(out, ops.Shard{ID: b.Shard(), Up: b.GatewayUp(), Heartbeat: b.HeartbeatLatency()})
		}
		return out
	})
	o.metrics.WatchEntries(func(ctx context.Context) (int, int, error) { return countEntries(ctx, lib, store) }, 30*time.Second)
	checks := []ops.Check{
		{Name: "kb", Fn: func(context.Context) error {
			if lib == nil || lib.Index(kb.GlobalScope) == nil || lib.Index(kb.GlobalScope).Len() == 0 {
				return errors.New("the knowledge base is not loaded")
			}
			return nil
		}},
		{Name: "store", Fn: func(ctx context.Context) error {
			if p, ok := store.(pinger); ok {
				return p.Ping(ctx)
			}
			_, err := store.Setting(ctx, kb.GlobalScope, "ping")
			return err
		}},
	}
	if gw != nil {
		// The shards are opened bucket by bucket after this starts: not
		// ready until all of them are, and while one is down.
		checks = append(checks, ops.Check{Name: "gateway", Fn: func(context.Context) error {
			ids := gw.IDs()
			if len(ids) == 0 {
				return errors.New("no READY from Discord yet")
			}
			opened := map[int]*bot.Bot{}
			for _, b := range gw.Bots() {
				opened[b.Shard()] = b
			}
			for _, id := range ids {
				if b := opened[id]; b == nil || !b.GatewayUp() {
					return fmt.Errorf("shard %d: no READY from Discord, or the connection is lost", id)
				}
			}
			return nil
		}})
	}
	health := ops.NewHealth(checks...)
	o.metrics.WatchReady(health)
	o.srv = ops.NewServer(o.addr, o.metrics.Registry(), health, o.log)
	_, err := o.srv.Start()
	return err
}

// close stops the HTTP server (after the gateway, so probes say "not ready"
// while the bot shuts down).
func (o *operations) close(ctx context.Context) {
	if o.srv == nil {
		return
	}
	if err := o.srv.Close(ctx); err != nil && !errors.Is(err, net.ErrClosed) {
		o.log.Warn("metrics server shutdown", "err", err)
	}
}

// countEntries counts the global knowledge base's entries and every server
// layer's own entries (added or changed there; hidden ones excluded).
func countEntries(ctx context.Context, lib *kb.Library, store kb.Store) (global, servers int, err error) {
	global = lib.Index(kb.GlobalScope).Len()
	scopes, err := store.Scopes(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, sc := range scopes {
		if sc == kb.GlobalScope {
			continue
		}
		vs, err := store.Current(ctx, sc)
		if err != nil {
			return 0, 0, err
		}
		for _, v := range vs {
			if v.Entry != nil {
				servers++
			}
		}
	}
	return global, servers, nil
}
