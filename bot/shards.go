package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// IdentifyInterval is how often Discord lets each identify rate-limit key
// (shard_id % max_concurrency) start a session.
const IdentifyInterval = 5 * time.Second

// Application reads the bot's application (GET /oauth2/applications/@me):
// its id, and the public key interactions are signed with (VerifyKey). A
// rejected token is ErrTokenRejected.
func (r *REST) Application(ctx context.Context) (*discordgo.Application, error) {
	app, err := r.application(ctx)
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized {
		return nil, ErrTokenRejected
	}
	if err != nil {
		return nil, err
	}
	if app == nil || app.ID == "" {
		return nil, errors.New("read the application: Discord returned no application id")
	}
	return app, nil
}

// GatewayBot reads GET /gateway/bot: the recommended shard count and the
// session start limit (max_concurrency, remaining session starts).
func (r *REST) GatewayBot(ctx context.Context) (*discordgo.GatewayBotResponse, error) {
	out, err := r.do(ctx, "read the gateway settings", http.MethodGet, discordgo.EndpointGatewayBot, true, nil, nil)
	if err != nil {
		return nil, err
	}
	gb, err := decode[discordgo.GatewayBotResponse]("read the gateway settings", out)
	return &gb, err
}

// ShardsOptions configure Shards. Zero values mean defaults.
type ShardsOptions struct {
	// Bot is every shard's options; ShardID and ShardCount are set per
	// shard, and one Limiter is shared (a new one when nil).
	Bot Options
	// Count is the bot's total number of shards; 0 means Discord's
	// recommendation (GET /gateway/bot).
	Count int
	// IDs are the shards this process runs; nil means all of them.
	// Several processes can split one bot's shards between them.
	IDs []int
	// Interval is how long a rate-limit key stays closed after an
	// IDENTIFY of this process: IdentifyInterval unless set (tests shorten
	// it along with their fake's window).
	Interval time.Duration
	// Gate, if set, is shared with the other processes running shards of
	// the same bot (their IDENTIFYs count against the same limit), and
	// waited on after this process's own pacing. Nil: this process's
	// pacing only.
	Gate IdentifyGate
}

// Shards runs some or all of a bot's gateway shards in one process: one Bot
// (one discordgo session) per shard, every one routing to the same Router
// and sending through the same REST, bounded together by one Limiter.
// Discord sends a guild's events to shard (guild_id >> 22) % count and DMs
// to shard 0 only, so only the process running shard 0 gets DMs.
//
// Open starts the shards in identify buckets as Discord requires: shards
// id / max_concurrency = 0 together, then the next group, and so on in
// order, each shard waiting before its IDENTIFY until its rate-limit key
// (id % max_concurrency) has been free for Interval, in this process and,
// with a shared Gate, in every process. Each shard then resumes on its own
// (see reconnect.go). Safe for concurrent use.
type Shards struct {
	o      ShardsOptions
	rest   *REST
	router *Router
	log    *slog.Logger
	local  *LocalGate

	gateFailures atomic.Int64

	mu    sync.Mutex
	count int
	ids   []int  // the shards this process runs, once Open has read the count
	bots  []*Bot // the opened shards, in order of id
}

// NewShards prepares shards; it does not connect.
func NewShards(o ShardsOptions, rest *REST, router *Router) (*Shards, error) {
	if rest == nil || router == nil {
		return nil, errors.New("bot.NewShards: no REST client or router")
	}
	if o.Count < 0 {
		return nil, fmt.Errorf("shard count %d is negative", o.Count)
	}
	if o.Interval <= 0 {
		o.Interval = IdentifyInterval
	}
	if o.Bot.Logger == nil {
		o.Bot.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Bot.Limiter == nil {
		o.Bot.Limiter = NewLimiter(0)
	}
	return &Shards{o: o, rest: rest, router: router, log: o.Bot.Logger, local: NewLocalGate(o.Interval)}, nil
}

// Open asks Discord for the shard count (when not set) and the identify
// concurrency, then opens this process's shards bucket by bucket. It
// returns when every one is connected, or with the first error (after
// closing what it opened): a fatal close code is an ErrFatalGateway error.
func (s *Shards) Open(ctx context.Context) error {
	gb, err := s.rest.GatewayBot(ctx)
	if err != nil {
		return fmt.Errorf("open the gateway: %w", err)
	}
	count := s.o.Count
	if count == 0 {
		count = max(gb.Shards, 1)
	}
	ids := s.o.IDs
	if ids == nil {
		for id := range count {
			ids = append(ids, id)
		}
	}
	ids = slices.Sorted(slices.Values(ids))
	ids = slices.Compact(ids)
	for _, id := range ids {
		if id < 0 || id >= count {
			return fmt.Errorf("open the gateway: shard %d does not exist: the bot has %d shards (0-%d)", id, count, count-1)
		}
	}
	lim := gb.SessionStartLimit
	if lim.Total > 0 && lim.Remaining < len(ids) {
		return fmt.Errorf("open the gateway: Discord allows %d more session starts before its daily limit resets (in %v), and %d shards need one each; going over resets the token",
			lim.Remaining, time.Duration(lim.ResetAfter)*time.Millisecond, len(ids))
	}
	conc := max(lim.MaxConcurrency, 1)
	s.mu.Lock()
	s.count, s.ids = count, slices.Clone(ids)
	s.mu.Unlock()
	s.log.Info("starting shards", "shards", ids, "of", count, "max_concurrency", conc, "shared_identify_gate", s.o.Gate != nil)
	for len(ids) > 0 {
		bucket := ids[0] / conc
		n := 1
		for n < len(ids) && ids[n]/conc == bucket {
			n++
		}
		group := ids[:n]
		ids = ids[n:]
		if err := s.openGroup(ctx, group, count, conc); err != nil {
			s.closeAll(context.Background())
			return err
		}
	}
	return nil
}

func waitUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// openGroup opens one identify bucket's shards at once (each has its own
// rate-limit key, and waits for it: see identifyHook) and reports the first
// error, a fatal one first.
func (s *Shards) openGroup(ctx context.Context, ids []int, count, conc int) error {
	bots := make([]*Bot, len(ids))
	errs := make([]error, len(ids))
	for k, id := range ids {
		o := s.o.Bot
		o.ShardID, o.ShardCount = id, count
		o.Identify = s.identifyHook(id, id%conc)
		if count > 1 {
			o.Logger = s.log.With("shard", id)
		}
		b, err := New(o, s.rest, s.router)
		if err != nil {
			return err
		}
		bots[k] = b
	}
	var wg sync.WaitGroup
	for k, b := range bots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = b.Open(ctx)
		}()
	}
	wg.Wait()
	var first error
	for k, err := range errs {
		if err == nil {
			s.mu.Lock()
			s.bots = append(s.bots, bots[k])
			s.mu.Unlock()
			continue
		}
		if first == nil || (errors.Is(err, ErrFatalGateway) && !errors.Is(first, ErrFatalGateway)) {
			first = fmt.Errorf("shard %d: %w", ids[k], err)
		}
	}
	return first
}

// Count is the bot's total number of shards (known after Open).
func (s *Shards) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// IDs returns the shards this process runs, in order (known once Open has
// read the shard count; nil before). Bots lists those opened so far.
func (s *Shards) IDs() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ids)
}

// Bots returns the opened shards in order of id: each one's Ready channel
// and session state, for health checks and metrics.
func (s *Shards) Bots() []*Bot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.bots)
}

// ShardState is one shard's connection state, for health checks and
// metrics.
type ShardState struct {
	ID int
	// Ready: the session has had READY (or RESUMED) and no disconnect
	// since. Gateway events arrive on discordgo's goroutines, so a state
	// can lag an event by a moment.
	Ready bool
}

// States returns the state of every shard this process runs, in order of
// id (empty before Open has read the shard count; a shard not opened yet
// is not Ready). It never blocks on the gateway. Safe for concurrent use.
func (s *Shards) States() []ShardState {
	up := map[int]bool{}
	for _, b := range s.Bots() {
		up[b.opts.ShardID] = b.up.Load()
	}
	ids := s.IDs()
	out := make([]ShardState, len(ids))
	for k, id := range ids {
		out[k] = ShardState{ID: id, Ready: up[id]}
	}
	return out
}

// Limiter is the bound all shards share.
func (s *Shards) Limiter() *Limiter { return s.o.Bot.Limiter }

// Close closes every shard at once (each waits for its handlers until ctx
// ends, then closes its session without reconnecting) and returns the first
// error.
func (s *Shards) Close(ctx context.Context) error { return s.closeAll(ctx) }

func (s *Shards) closeAll(ctx context.Context) error {
	s.mu.Lock()
	bots := s.bots
	s.bots = nil
	s.mu.Unlock()
	errs := make([]error, len(bots))
	var wg sync.WaitGroup
	for k, b := range bots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = b.Close(ctx)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
