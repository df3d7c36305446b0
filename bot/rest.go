package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// ErrRateLimited means Discord asked us to wait (429) longer than the call
// may take; the call was given up rather than left sleeping.
var ErrRateLimited = errors.New("rate limited by Discord")

// ErrNoInteraction is returned for an interaction without id, token or
// application id.
var ErrNoInteraction = errors.New("interaction lacks id, token or application id")

// REST is the bot's one path to Discord's HTTP API: interaction callbacks,
// edits and followups, channel messages, command registration and the token
// check all go through its one http.Client and its own request code, and so
// does the gateway's URL lookup (Bot uses the same client).
//
// It does not use discordgo's REST methods, for two reasons. discordgo's
// rate limiter keeps one bucket per URL forever: every interaction token and
// every channel is a new URL, so the map would grow for the life of the
// process. And discordgo sleeps through a 429 for as long as retry_after says,
// whatever the caller's deadline. REST honours a 429's retry_after only while
// the call's context allows it and gives up at once (ErrRateLimited) when the
// wait would outlast it; a call is bounded by the call timeout, waits
// included. Interaction endpoints get no Authorization header (their token is
// their authentication), and errors never contain a URL (it may hold an
// interaction token).
//
// Fetch downloads attachments through a separate client; see Fetch.
//
// A REST is safe for concurrent use.
type REST struct {
	api          *http.Client
	auth         string // the Authorization header: "Bot <token>"
	ua           string
	timeout      time.Duration
	cdn          *http.Client
	cdnBase      *url.URL
	fetchTimeout time.Duration
	z            sanitizer
	log          *slog.Logger
}

// RESTOptions configure a REST. Zero values mean defaults.
type RESTOptions struct {
	Token   string   // without the "Bot " prefix
	APIBase *url.URL // default https://discord.com
	// Transport carries API requests (already rewritten to APIBase); tests
	// pass one that reaches a fake Discord. Default: a pooled transport.
	Transport   http.RoundTripper
	CallTimeout time.Duration // bound on one API call, 429 waits included; default 10 s

	// CDNBase, when set, is where attachment downloads are sent instead of
	// Discord's CDN host: a media proxy, or a fake CDN in tests. Only its
	// scheme and host are used. Default: none (Discord's CDN, https).
	CDNBase *url.URL
	// CDNTransport carries downloads; default a transport of their own,
	// never the API's.
	CDNTransport http.RoundTripper
	FetchTimeout time.Duration // bound on one download; default 30 s

	Logger *slog.Logger
}

// NewREST builds the REST client. It makes no request.
func NewREST(opts RESTOptions) (*REST, error) {
	if opts.Token == "" {
		return nil, errors.New("no bot token")
	}
	if opts.CallTimeout == 0 {
		opts.CallTimeout = 10 * time.Second
	}
	if opts.FetchTimeout == 0 {
		opts.FetchTimeout = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CDNTransport == nil {
		opts.CDNTransport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if b := opts.CDNBase; b != nil && (b.Host == "" || (b.Scheme != "https" && b.Scheme != "http")) {
		return nil, fmt.Errorf("CDN base %q is not a scheme and host", b.Redacted())
	}
	return &REST{
		api:     NewHTTPClient(opts.APIBase, opts.Transport),
		auth:    "Bot " + opts.Token,
		ua:      "DiscordBot (https://github.com/bwmarrin/discordgo, v" + discordgo.VERSION + ")",
		timeout: opts.CallTimeout,
		cdn: &http.Client{
			Transport: opts.CDNTransport,
			Timeout:   opts.FetchTimeout,
			// A redirect could lead anywhere; Discord's CDN does not need one.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		cdnBase:      opts.CDNBase,
		fetchTimeout: opts.FetchTimeout,
		z:            sanitizer{log: opts.Logger},
		log:          opts.Logger,
	}, nil
}

// maxTries bounds the attempts of one call after 429s.
const maxTries = 5

// do sends one API request and returns the response body. what names the
// call in errors (never the URL). With auth the bot token is sent.
func (r *REST) do(ctx context.Context, what, method, endpoint string, auth bool, payload any, files []*discordgo.File) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	var body []byte
	contentType := ""
	if payload != nil || len(files) > 0 {
		var err error
		contentType = "application/json"
		body, err = json.Marshal(payload)
		if len(files) > 0 {
			contentType, body, err = discordgo.MultipartBodyWithJSON(payload, files)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: encode: %w", what, err)
		}
	}
	for try := 1; ; try++ {
		req, err := http.NewRequestWithContext(ctx, method, endpoint, bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("User-Agent", r.ua)
		if auth {
			req.Header.Set("Authorization", r.auth)
		}
		resp, err := r.api.Do(req)
		if err != nil {
			// The URL may hold an interaction token: keep it out of errors.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if resp.StatusCode < 300 {
			return out, nil
		}
		if resp.StatusCode != http.StatusTooManyRequests {
			return nil, &discordgo.RESTError{Request: req, Response: resp, ResponseBody: out, Message: apiMessage(out)}
		}
		wait := retryAfter(resp.Header, out)
		r.log.Warn("rate limited by Discord", "call", what, "retry_after", wait, "try", try)
		if deadline, ok := ctx.Deadline(); try >= maxTries || (ok && time.Until(deadline) < wait) {
			return nil, fmt.Errorf("%s: %w (asked to wait %v)", what, ErrRateLimited, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%s: %w: %w", what, ErrRateLimited, ctx.Err())
		}
	}
}

// retryAfter reads how long Discord asks us to wait: the JSON retry_after
// (seconds, fractional), else the Retry-After header, else one second.
func retryAfter(h http.Header, body []byte) time.Duration {
	var rl struct {
		RetryAfter float64 `json:"retry_after"`
	}
	if json.Unmarshal(body, &rl) == nil && rl.RetryAfter > 0 {
		return time.Duration(rl.RetryAfter * float64(time.Second))
	}
	if s, err := strconv.ParseFloat(h.Get("Retry-After"), 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	return time.Second
}

func apiMessage(body []byte) *discordgo.APIErrorMessage {
	var m discordgo.APIErrorMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	return &m
}

func decode[T any](what string, raw []byte) (T, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("%s: decode the answer: %w", what, err)
	}
	return v, nil
}

// Send posts rep as a new message in a channel, made safe like every other
// message (no mentions are parsed, everything trimmed to Discord's limits).
func (r *REST) Send(ctx context.Context, channelID string, rep *Reply) error {
	_, err := r.message(ctx, channelID, r.z.message(&discordgo.MessageSend{
		Content: rep.Content, Embeds: rep.Embeds, Components: rep.Components, Files: rep.Files,
	}))
	return err
}

// message posts an already sanitized message.
func (r *REST) message(ctx context.Context, channelID string, m *discordgo.MessageSend) (*discordgo.Message, error) {
	if !isID(channelID) {
		return nil, fmt.Errorf("send a message: %q is not a channel id", channelID)
	}
	out, err := r.do(ctx, "send a message", http.MethodPost, discordgo.EndpointChannelMessages(channelID), true, m, m.Files)
	if err != nil {
		return nil, err
	}
	msg, err := decode[discordgo.Message]("send a message", out)
	return &msg, err
}

func (r *REST) respond(ctx context.Context, i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	if i.ID == "" || i.Token == "" {
		return ErrNoInteraction
	}
	var files []*discordgo.File
	if resp.Data != nil {
		files = resp.Data.Files
	}
	_, err := r.do(ctx, "interaction response", http.MethodPost, discordgo.EndpointInteractionResponse(i.ID, i.Token), false, resp, files)
	return err
}

func (r *REST) edit(ctx context.Context, i *discordgo.Interaction, e *discordgo.WebhookEdit) (*discordgo.Message, error) {
	if i.AppID == "" || i.Token == "" {
		return nil, ErrNoInteraction
	}
	out, err := r.do(ctx, "edit the interaction response", http.MethodPatch, discordgo.EndpointInteractionResponseActions(i.AppID, i.Token), false, e, e.Files)
	if err != nil {
		return nil, err
	}
	m, err := decode[discordgo.Message]("edit the interaction response", out)
	return &m, err
}

func (r *REST) followup(ctx context.Context, i *discordgo.Interaction, p *discordgo.WebhookParams) (*discordgo.Message, error) {
	if i.AppID == "" || i.Token == "" {
		return nil, ErrNoInteraction
	}
	out, err := r.do(ctx, "interaction followup", http.MethodPost, discordgo.EndpointWebhookToken(i.AppID, i.Token)+"?wait=true", false, p, p.Files)
	if err != nil {
		return nil, err
	}
	m, err := decode[discordgo.Message]("interaction followup", out)
	return &m, err
}

// application reads the bot's application (GET /oauth2/applications/@me).
func (r *REST) application(ctx context.Context) (*discordgo.Application, error) {
	out, err := r.do(ctx, "read the application", http.MethodGet, discordgo.EndpointOAuth2Application("@me"), true, nil, nil)
	if err != nil {
		return nil, err
	}
	app, err := decode[discordgo.Application]("read the application", out)
	return &app, err
}

func commandsEndpoint(app, guildID string) string {
	if guildID != "" {
		return discordgo.EndpointApplicationGuildCommands(app, guildID)
	}
	return discordgo.EndpointApplicationGlobalCommands(app)
}

func (r *REST) commands(ctx context.Context, app, guildID string) ([]*discordgo.ApplicationCommand, error) {
	out, err := r.do(ctx, "read registered commands", http.MethodGet, commandsEndpoint(app, guildID), true, nil, nil)
	if err != nil {
		return nil, err
	}
	return decode[[]*discordgo.ApplicationCommand]("read registered commands", out)
}

func (r *REST) overwrite(ctx context.Context, app, guildID string, cmds []*discordgo.ApplicationCommand) error {
	_, err := r.do(ctx, "register commands", http.MethodPut, commandsEndpoint(app, guildID), true, cmds, nil)
	return err
}

// isID reports whether s looks like a snowflake (digits only), so that it
// is safe to put in a URL path.
func isID(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Responder returns the Responder handlers' replies go through: every call
// through this REST, each bounded by the call timeout.
func (r *REST) Responder() Responder { return restResponder{r} }

type restResponder struct{ r *REST }

func (rr restResponder) InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, _ ...discordgo.RequestOption) error {
	return rr.r.respond(context.Background(), i, resp)
}

func (rr restResponder) InteractionResponseEdit(i *discordgo.Interaction, e *discordgo.WebhookEdit, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	return rr.r.edit(context.Background(), i, e)
}

func (rr restResponder) FollowupMessageCreate(i *discordgo.Interaction, _ bool, p *discordgo.WebhookParams, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	return rr.r.followup(context.Background(), i, p)
}

func (rr restResponder) ChannelMessageSendComplex(channelID string, m *discordgo.MessageSend, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	return rr.r.message(context.Background(), channelID, m)
}
