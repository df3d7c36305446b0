package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// ErrTokenRejected means Discord refused the bot token.
var ErrTokenRejected = errors.New("Discord rejected the bot token (401): reset it in the Developer Portal (Bot > Reset Token) and update DISCORD_TOKEN")

// Options configure a Bot. Zero values mean defaults.
type Options struct {
	Token   string   // without the "Bot " prefix
	APIBase *url.URL // default https://discord.com
	// Transport carries the (rewritten) requests; tests pass one that
	// reaches a fake Discord. Default http.DefaultTransport.
	Transport http.RoundTripper
	// MessageContent asks for the privileged message-content intent, needed
	// only for ask channels.
	MessageContent bool
	OpenTimeout    time.Duration // default 15 s
	CallTimeout    time.Duration // bound on one REST call, 429 retries included; default 10 s
	Logger         *slog.Logger
}

// Bot is one connection to Discord. Open connects, Close shuts down in order:
// stop taking events, wait for handlers in flight, close the gateway without
// reconnecting. Its methods are safe for concurrent use.
type Bot struct {
	s      *discordgo.Session
	router *Router
	log    *slog.Logger
	opts   Options
	appID  atomic.Value // string
	flight inflight
	ctx    context.Context
	cancel context.CancelFunc

	// Ready is closed when the first READY has been handled.
	Ready chan struct{}
	ready sync.Once
}

// New builds a bot that routes events to router. It does not connect.
func New(opts Options, router *Router) (*Bot, error) {
	if opts.Token == "" {
		return nil, errors.New("no bot token")
	}
	if opts.OpenTimeout == 0 {
		opts.OpenTimeout = 15 * time.Second
	}
	if opts.CallTimeout == 0 {
		opts.CallTimeout = 10 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s, err := discordgo.New("Bot " + opts.Token)
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	s.Client = NewHTTPClient(opts.APIBase, opts.Transport)
	s.LogLevel = discordgo.LogWarning // gateway close codes are reported at this level
	s.StateEnabled = true
	s.SyncEvents = false
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if opts.MessageContent {
		s.Identify.Intents |= discordgo.IntentsMessageContent
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &Bot{s: s, router: router, log: opts.Logger, opts: opts, ctx: ctx, cancel: cancel, Ready: make(chan struct{})}
	b.appID.Store("")
	s.AddHandler(b.onReady)
	s.AddHandler(b.onInteraction)
	s.AddHandler(b.onMessage)
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) { b.log.Warn("gateway disconnected") })
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { b.log.Info("gateway session resumed") })
	s.AddHandler(func(_ *discordgo.Session, rl *discordgo.RateLimit) {
		b.log.Warn("rate limited by Discord", "url", rl.URL, "retry_after", rl.RetryAfter)
	})
	return b, nil
}

// CheckToken makes one REST call with the token and returns the
// application's id. A rejected token is ErrTokenRejected; other failures are
// returned as they are.
func (b *Bot) CheckToken(ctx context.Context) (string, error) {
	type res struct {
		app *discordgo.Application
		err error
	}
	ch := make(chan res, 1)
	go func() {
		app, err := b.s.Application("@me")
		ch <- res{app, err}
	}()
	var r res
	select {
	case r = <-ch:
	case <-ctx.Done():
		return "", fmt.Errorf("check the token: %w", ctx.Err())
	}
	var rest *discordgo.RESTError
	if errors.As(r.err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusUnauthorized {
		return "", ErrTokenRejected
	}
	if r.err != nil {
		return "", fmt.Errorf("check the token: %w", r.err)
	}
	if r.app == nil || r.app.ID == "" {
		return "", errors.New("check the token: Discord returned no application id")
	}
	b.appID.Store(r.app.ID)
	return r.app.ID, nil
}

// AppID returns the application id, known after CheckToken or READY.
func (b *Bot) AppID() string { return b.appID.Load().(string) }

// Open connects to the gateway, giving up after the open timeout (discordgo's
// Open has none of its own). A close code after which reconnecting cannot
// succeed is an ErrFatalGateway error (close 4004 also ErrTokenRejected).
func (b *Bot) Open(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, b.opts.OpenTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.s.Open() }()
	select {
	case err := <-done:
		if err == nil {
			return nil
		}
		if code, ok := closeCode(err); ok {
			if fatal := fatalClose(code); fatal != nil {
				return fmt.Errorf("open the gateway: %w", fatal)
			}
		}
		return fmt.Errorf("open the gateway: %w", err)
	case <-ctx.Done():
		b.s.ShouldReconnectOnError = false
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
// until ctx ends to finish, then the gateway closes without reconnecting.
func (b *Bot) Close(ctx context.Context) error {
	b.flight.close()
	waitErr := b.flight.wait(ctx)
	b.cancel()
	b.s.ShouldReconnectOnError = false // read once by a reconnect; set before Close (see notes)
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
	b.log.Info("connected to Discord", "user", user, "guilds", len(r.Guilds))
	b.ready.Do(func() { close(b.Ready) })
}

func (b *Bot) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic == nil || !b.flight.enter() {
		return
	}
	defer b.flight.leave()
	b.router.HandleInteraction(b.ctx, b.responder(), ic.Interaction)
}

func (b *Bot) onMessage(s *discordgo.Session, mc *discordgo.MessageCreate) {
	if mc == nil || mc.Message == nil || !b.flight.enter() {
		return
	}
	defer b.flight.leave()
	botID := ""
	if s.State != nil && s.State.User != nil {
		botID = s.State.User.ID
	}
	b.router.HandleMessage(b.ctx, b.responder(), mc.Message, botID)
}

// responder bounds every REST call, 429 retries included.
func (b *Bot) responder() Responder {
	return boundedResponder{s: b.s, timeout: b.opts.CallTimeout, cb: callbacks{client: b.s.Client, ua: b.s.UserAgent}}
}

type boundedResponder struct {
	s       *discordgo.Session
	timeout time.Duration
	cb      callbacks
}

func (r boundedResponder) opts(options []discordgo.RequestOption) ([]discordgo.RequestOption, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	return append(options, discordgo.WithContext(ctx)), cancel
}

func (r boundedResponder) InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, _ ...discordgo.RequestOption) error {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	return r.cb.respond(ctx, i, resp)
}

func (r boundedResponder) InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	return r.cb.edit(ctx, i, edit)
}

func (r boundedResponder) ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	o, cancel := r.opts(options)
	defer cancel()
	return r.s.ChannelMessageSendComplex(channelID, data, o...)
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

// Send posts a reply as a new message in a channel, through the same safety
// and limits as every other message.
func (b *Bot) Send(ctx context.Context, channelID string, rep *Reply) error {
	r := safeResponder{next: b.responder(), z: sanitizer{log: b.log}}
	_, err := r.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{Content: rep.Content, Embeds: rep.Embeds, Components: rep.Components})
	return err
}

// Fetch downloads a file Discord hosts (an attachment) through the bot's
// client, refusing more than limit bytes.
func (b *Bot) Fetch(ctx context.Context, url string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := b.s.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download the attachment: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download the attachment: status %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("download the attachment: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the attachment is larger than %d bytes", limit)
	}
	return data, nil
}
