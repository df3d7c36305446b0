package bot

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Outcome is what came of a question, for metrics and logs.
type Outcome string

// Outcomes of a question. A request that is not a question has none.
const (
	OutcomeAnswered    Outcome = "answered"
	OutcomePartial     Outcome = "partial" // declined, with a related entry offered
	OutcomeDeclined    Outcome = "declined"
	OutcomeRateLimited Outcome = "rate_limited"
	OutcomeError       Outcome = "error"
)

// Surfaces a request arrives through.
const (
	SurfaceSlash        = "slash"
	SurfaceAutocomplete = "autocomplete"
	SurfaceContextMenu  = "context_menu"
	SurfaceComponent    = "component"
	SurfaceModal        = "modal"
	SurfaceDM           = "dm"
	SurfaceMention      = "mention"
	SurfaceAskChannel   = "ask_channel"
	SurfaceHTTP         = "http" // a command through the HTTP interactions endpoint
)

// Handled describes one handled interaction or addressed message.
type Handled struct {
	RequestID string
	Surface   string  // one of the Surface constants
	Command   string  // the command path ("ask", "kb/stats") or the custom ID's first segment
	Outcome   Outcome // "" when the request was not a question and did not fail
	EntryID   string  // the entry answered, if any
	// Question reports that a handler noted the request as a question
	// (Request.Note), or that it was an autocomplete.
	Question bool
	// Latency is from receipt to the first response (the interaction
	// callback, or the reply message); 0 when nothing was sent.
	Latency time.Duration
	// Match is the time spent in the matcher, 0 when it was not asked.
	Match time.Duration
}

// Observer is told what the bot does, for metrics. Its methods are called on
// the reply path and from several goroutines at once: they must be fast and
// safe for concurrent use. A nil Observer in Options or on the Router means
// none.
type Observer interface {
	// Handled is called once per handled interaction or addressed message,
	// after its reply was sent.
	Handled(h Handled)
}

// trace follows one request through the router. Safe for concurrent use: a
// handler may note an outcome on its own goroutine.
type trace struct {
	start   time.Time
	surface string
	command string

	mu       sync.Mutex
	first    time.Duration // receipt to the first response; 0 before it
	outcome  Outcome
	entry    string
	match    time.Duration
	question bool
}

// Note records what came of a question: handlers that answer questions call
// it so metrics and the request's log line can count it. matchTime is the
// time the matcher took (0 when it was not asked). Safe to call from the
// handler's goroutine; a request the router did not build ignores it.
func (r *Request) Note(outcome Outcome, entryID string, matchTime time.Duration) {
	if r == nil || r.trace == nil {
		return
	}
	t := r.trace
	t.mu.Lock()
	defer t.mu.Unlock()
	t.question, t.outcome, t.entry = true, outcome, entryID
	if matchTime > 0 {
		t.match = matchTime
	}
}

// ID returns the request id shared by the request's log line and any error
// reply ("" for a request the router did not build).
func (r *Request) ID() string {
	if r == nil || r.trace == nil {
		return ""
	}
	return r.id
}

// newRequestID returns 8 random hex digits: enough to find one request in a
// day's logs, short enough for a user to quote.
func newRequestID() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// begin starts tracing req and returns resp wrapped to time the first
// response. end reports it.
func (r *Router) begin(req *Request, surface, command string, resp Responder) Responder {
	req.id = newRequestID()
	req.trace = &trace{start: time.Now(), surface: surface, command: command}
	return timedResponder{next: resp, t: req.trace}
}

// end writes the request's log line and tells the observer.
func (r *Router) end(req *Request) {
	t := req.trace
	t.mu.Lock()
	h := Handled{RequestID: req.id, Surface: t.surface, Command: t.command, Outcome: t.outcome, EntryID: t.entry,
		Question: t.question, Latency: t.first, Match: t.match}
	t.mu.Unlock()
	outcome := string(h.Outcome)
	if outcome == "" {
		outcome = "ok"
	}
	r.log.Debug("handled", "request", h.RequestID, "surface", h.Surface, "command", h.Command, "outcome", outcome,
		"latency", h.Latency, "entry", h.EntryID)
	if r.Observer != nil {
		r.Observer.Handled(h)
	}
}

// noteError marks a request whose handler failed: an internal error is the
// outcome "error"; a refusal meant for the user keeps the outcome the handler
// noted, or takes the one the error names (an error with an
// Outcome() Outcome method, such as a rate-limit refusal).
func noteError(req *Request, err error) {
	if req == nil || req.trace == nil {
		return
	}
	var ue *UserError
	var named interface{ Outcome() Outcome }
	t := req.trace
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case errors.As(err, &named):
		t.question, t.outcome = true, named.Outcome()
	case errors.As(err, &ue):
	default:
		t.outcome = OutcomeError
	}
}

// timedResponder records when the first response to a request was sent, and
// counts an autocomplete's result as answered (some choices) or declined.
type timedResponder struct {
	next Responder
	t    *trace
}

func (tr timedResponder) sent() {
	tr.t.mu.Lock()
	if tr.t.first == 0 {
		tr.t.first = max(time.Since(tr.t.start), 1)
	}
	tr.t.mu.Unlock()
}

func (tr timedResponder) InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error {
	err := tr.next.InteractionRespond(i, resp, options...)
	tr.sent()
	if resp.Type == discordgo.InteractionApplicationCommandAutocompleteResult {
		tr.t.mu.Lock()
		tr.t.question, tr.t.outcome = true, OutcomeDeclined
		if err != nil {
			tr.t.outcome = OutcomeError
		} else if resp.Data != nil && len(resp.Data.Choices) > 0 {
			tr.t.outcome = OutcomeAnswered
		}
		tr.t.mu.Unlock()
	}
	return err
}

// InteractionRespondMessage passes the message-returning response through
// (see MessageResponder), timed like InteractionRespond.
func (tr timedResponder) InteractionRespondMessage(i *discordgo.Interaction, resp *discordgo.InteractionResponse) (*discordgo.Message, error) {
	mr, ok := tr.next.(MessageResponder)
	if !ok {
		return nil, tr.InteractionRespond(i, resp)
	}
	m, err := mr.InteractionRespondMessage(i, resp)
	tr.sent()
	return m, err
}

func (tr timedResponder) InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	m, err := tr.next.InteractionResponseEdit(i, edit, options...)
	tr.sent()
	return m, err
}

func (tr timedResponder) FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	m, err := tr.next.FollowupMessageCreate(i, wait, data, options...)
	tr.sent()
	return m, err
}

func (tr timedResponder) ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	m, err := tr.next.ChannelMessageSendComplex(channelID, data, options...)
	tr.sent()
	return m, err
}

// interactionRoute names an interaction's surface and command for metrics and
// logs: bounded values only (command names and custom-ID prefixes, never
// ids or text).
func interactionRoute(i *discordgo.Interaction) (surface, command string) {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		d, _ := i.Data.(discordgo.ApplicationCommandInteractionData)
		if d.CommandType == discordgo.MessageApplicationCommand || d.CommandType == discordgo.UserApplicationCommand {
			return SurfaceContextMenu, d.Name
		}
		if sub := subcommand(d.Options); sub != "" {
			return SurfaceSlash, d.Name + "/" + replaceSpaces(sub)
		}
		return SurfaceSlash, d.Name
	case discordgo.InteractionApplicationCommandAutocomplete:
		d, _ := i.Data.(discordgo.ApplicationCommandInteractionData)
		return SurfaceAutocomplete, d.Name
	case discordgo.InteractionMessageComponent:
		d, _ := i.Data.(discordgo.MessageComponentInteractionData)
		return SurfaceComponent, customIDPrefix(d.CustomID)
	case discordgo.InteractionModalSubmit:
		d, _ := i.Data.(discordgo.ModalSubmitInteractionData)
		return SurfaceModal, customIDPrefix(d.CustomID)
	}
	return "other", ""
}

// messageSurface says how a message reached the bot.
func messageSurface(m *discordgo.Message, botID string) string {
	if m.GuildID == "" {
		return SurfaceDM
	}
	for _, u := range m.Mentions {
		if u != nil && u.ID == botID {
			return SurfaceMention
		}
	}
	return SurfaceAskChannel
}

func customIDPrefix(id string) string {
	if len(id) > 33 {
		id = id[:33] // a forged custom ID must not make a long log field
	}
	for i := 1; i < len(id); i++ {
		if id[i] == '/' {
			return id[1:i]
		}
	}
	if len(id) > 1 && id[0] == '/' {
		return id[1:]
	}
	return "?"
}

func replaceSpaces(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == ' ' {
			b[i] = '/'
		}
	}
	return string(b)
}

// errorMessage is what a user sees when a handler failed: the request id
// lets an operator find the log line.
func errorMessage(requestID string) string {
	if requestID == "" {
		return "Sorry, something went wrong on my side. It has been logged; please try again."
	}
	return "Sorry, something went wrong on my side. It has been logged (ref " + requestID + "); please try again."
}

// beginInteraction starts tracing an interaction. A command that came
// through the HTTP interactions endpoint (InteractionServer) has the surface
// "http"; its autocomplete stays "autocomplete".
func (r *Router) beginInteraction(req *Request, i *discordgo.Interaction, resp Responder) Responder {
	surface, command := interactionRoute(i)
	if viaHTTP(resp) && (surface == SurfaceSlash || surface == SurfaceContextMenu) {
		surface = SurfaceHTTP
	}
	return r.begin(req, surface, command, resp)
}

// viaHTTP reports whether resp answers inline through the HTTP endpoint.
func viaHTTP(resp Responder) bool {
	if s, ok := resp.(safeResponder); ok {
		resp = s.next
	}
	_, ok := resp.(*inlineResponder)
	return ok
}

// beginMessage starts tracing a message addressed to the bot.
func (r *Router) beginMessage(req *Request, m *discordgo.Message, botID string, resp Responder) Responder {
	return r.begin(req, messageSurface(m, botID), "message", resp)
}
