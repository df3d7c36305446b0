package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// ErrTokenRejected means Discord refused the bot token.
var ErrTokenRejected = errors.New("Discord rejected the bot token (401): reset it in the Developer Portal (Bot > Reset Token) and update DISCORD_TOKEN")

// Options configure a Bot. Zero values mean defaults.
type Options struct {
	// MessageContent asks for the privileged message-content intent, needed
	// only for ask channels.
	MessageContent bool
	OpenTimeout    time.Duration // default 15 s
	Logger         *slog.Logger
	// ShardID and ShardCount make the session one shard of the bot (sent
	// in IDENTIFY when ShardCount > 1). Zero values: the only shard.
	ShardID, ShardCount int
	// Limiter bounds the events handled at once; shards of one process
	// share one. Nil: a limiter of its own with DefaultMaxInFlight.
	Limiter *Limiter
	// Observer is told of gateway events if it implements GatewayObserver;
	// nil means none. (The router has its own Observer for requests.)
	Observer Observer
	// Fatal, if set, is called (from a goroutine of the bot's) when
	// re-establishing a lost session failed with an ErrFatalGateway error:
	// the bot stops trying, and the program should stop.
	Fatal func(error)
	// Identify, if set, wraps every opening of the gateway session, the
	// first (Open) and each one of the reconnect loop: it waits until the
	// session may IDENTIFY, calls open, and frees its turn once open has
	// returned. A reconnect sends RESUME, and discordgo sends IDENTIFY on
	// the same connection when Discord refuses the resume, so any opening
	// can identify. Shards sets it to its identify gate. Nil: open at once.
	// It must be safe for concurrent use.
	Identify func(ctx context.Context, open func() error) error
}

// Bot is one connection to Discord. Open connects, Close shuts down in order:
// stop taking events, wait for handlers in flight, close the gateway without
// reconnecting. Its methods are safe for concurrent use.
type Bot struct {
	s      *discordgo.Session
	rest   *REST
	router *Router
	log    *slog.Logger
	opts   Options
	appID  atomic.Value // string
	flight inflight
	limit  *Limiter
	up     atomic.Bool // READY or RESUMED seen, no disconnect since
	ctx    context.Context
	cancel context.CancelFunc

	rmu   sync.Mutex
	rc    reconnector    // see reconnect.go
	loops sync.WaitGroup // the running reconnect loop

	// Ready is closed when the first READY has been handled.
	Ready chan struct{}
	ready sync.Once
}

// New builds a bot that takes gateway events for router and makes every REST
// call through rest (its client also carries the gateway's URL lookup). It
// does not connect.
func New(opts Options, rest *REST, router *Router) (*Bot, error) {
	if rest == nil || router == nil {
		return nil, errors.New("bot.New: no REST client or router")
	}
	if opts.OpenTimeout == 0 {
		opts.OpenTimeout = 15 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s, err := discordgo.New(rest.auth)
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	s.Client = rest.api
	s.UserAgent = rest.ua
	// The session's only REST call is the gateway lookup in Open; it must
	// not sleep through a 429 either.
	s.ShouldRetryOnRateLimit = false
	// The bot reconnects itself (reconnect.go): discordgo's loop cannot be
	// stopped safely once it runs. Never written again after this.
	s.ShouldReconnectOnError = false
	s.LogLevel = discordgo.LogWarning // gateway close codes are reported at this level
	s.StateEnabled = true
	// Threads are tracked by the router (from THREAD_CREATE); the state's
	// tracking would overwrite the event its handler is reading.
	s.State.TrackThreads = false
	s.SyncEvents = false
	s.ShardID, s.ShardCount = opts.ShardID, opts.ShardCount
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if opts.MessageContent {
		s.Identify.Intents |= discordgo.IntentsMessageContent
	}
	ctx, cancel := context.WithCancel(context.Background())
	if opts.Limiter == nil {
		opts.Limiter = NewLimiter(0)
	}
	b := &Bot{s: s, rest: rest, router: router, log: opts.Logger, opts: opts, limit: opts.Limiter, ctx: ctx, cancel: cancel, Ready: make(chan struct{})}
	b.appID.Store("")
	s.AddHandler(b.onReady)
	s.AddHandler(b.onInteraction)
	s.AddHandler(b.onMessage)
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		b.up.Store(false)
		b.log.Warn("gateway disconnected")
	})
	s.AddHandler(b.onDisconnect)
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) {
		b.up.Store(true)
		b.log.Info("gateway session resumed")
	})
	b.watchGateway()
	s.AddHandler(b.onThreadCreate)
	s.AddHandler(b.onThreadUpdate)
	return b, nil
}

// CheckToken makes one REST call with the token and returns the
// application's id. A rejected token is ErrTokenRejected; other failures are
// returned as they are.
func (b *Bot) CheckToken(ctx context.Context) (string, error) {
	app, err := b.rest.Application(ctx)
	if errors.Is(err, ErrTokenRejected) {
		return "", err
	}
	if err != nil {
		return "", fmt.Errorf("check the token: %w", err)
	}
	b.appID.Store(app.ID)
	return app.ID, nil
}

// Limiter returns the bound on events in flight (shared by the shards of a
// process), whose Shed counts the refused ones.
func (b *Bot) Limiter() *Limiter { return b.limit }

// AppID returns the application id, known after CheckToken or READY.
func (b *Bot) AppID() string { return b.appID.Load().(string) }

// Open connects to the gateway, after Options.Identify's wait if set, giving
// up after the open timeout (discordgo's Open has none of its own; the wait
// does not count). A close code after which reconnecting cannot succeed is an
// ErrFatalGateway error (close 4004 also ErrTokenRejected).
func (b *Bot) Open(ctx context.Context) error {
	if b.opts.Identify == nil {
		return b.open(ctx)
	}
	return b.opts.Identify(ctx, func() error { return b.open(ctx) })
}

func (b *Bot) open(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, b.opts.OpenTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.s.Open() }()
	select {
	case err := <-done:
		if err == nil {
			b.rmu.Lock()
			b.rc.opened = true
			b.rmu.Unlock()
			return nil
		}
		if code, ok := closeCode(err); ok {
			if fatal := fatalClose(code); fatal != nil {
				return fmt.Errorf("open the gateway: %w", fatal)
			}
		}
		return fmt.Errorf("open the gateway: %w", err)
	case <-ctx.Done():
		// The session is abandoned; it is closed if its Open still succeeds.
		go func() {
			if err := <-done; err == nil {
				b.s.Close()
			}
		}()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("open the gateway: no READY within %v", b.opts.OpenTimeout)
		}
		return fmt.Errorf("open the gateway: %w", ctx.Err())
	}
}

// Close shuts down in order: no new events are taken, handlers in flight get
// until ctx ends to finish, reconnecting stops (an attempt in progress is
// abandoned), then the gateway closes.
func (b *Bot) Close(ctx context.Context) error {
	b.flight.close()
	waitErr := b.flight.wait(ctx)
	b.cancel()
	b.stopReconnecting()
	closeErr := b.s.Close()
	if waitErr != nil {
		return fmt.Errorf("shutdown: handlers still running: %w", waitErr)
	}
	if closeErr != nil && !errors.Is(closeErr, discordgo.ErrWSNotFound) {
		return fmt.Errorf("close the gateway: %w", closeErr)
	}
	return nil
}

func (b *Bot) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	if r.Application != nil && r.Application.ID != "" {
		b.appID.Store(r.Application.ID)
	}
	user := ""
	if r.User != nil {
		user = r.User.Username
	}
	b.up.Store(true)
	b.log.Info("connected to Discord", "user", user, "guilds", len(r.Guilds))
	b.ready.Do(func() { close(b.Ready) })
}

func (b *Bot) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic == nil || !b.flight.enter() {
		return
	}
	defer b.flight.leave()
	if !b.limit.acquire() {
		b.limit.shedInteraction(b.ctx, b.rest, ic.Interaction, b.router.say(PhraseBusy, ic.Interaction, ""))
		return
	}
	defer b.limit.release()
	b.router.HandleInteraction(b.ctx, b.rest.Responder(), ic.Interaction)
}

func (b *Bot) onMessage(s *discordgo.Session, mc *discordgo.MessageCreate) {
	if mc == nil || mc.Message == nil || !b.flight.enter() {
		return
	}
	defer b.flight.leave()
	if !b.limit.acquire() {
		b.limit.dropMessage()
		return
	}
	defer b.limit.release()
	botID := ""
	if s.State != nil && s.State.User != nil {
		botID = s.State.User.ID
	}
	b.threadFromState(s, mc.Message)
	b.router.HandleMessageIn(b.ctx, b.rest.Responder(), mc.Message, botID, guildLocale(s, mc.GuildID))
}

// inflight counts running handlers and refuses new ones once closed.
type inflight struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{} // closed when n drops to 0 after close
}

func (f *inflight) enter() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.n++
	return true
}

func (f *inflight) leave() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.n == 0 && f.idle != nil {
		close(f.idle)
		f.idle = nil
	}
}

func (f *inflight) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
}

func (f *inflight) wait(ctx context.Context) error {
	f.mu.Lock()
	if f.n == 0 {
		f.mu.Unlock()
		return nil
	}
	if f.idle == nil {
		f.idle = make(chan struct{})
	}
	idle := f.idle
	f.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
