package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Responder is the part of *discordgo.Session that handlers' replies go
// through. Tests use a recording fake.
type Responder interface {
	InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
}

// HandlerFunc handles one request. It returns the reply to send, nil to send
// nothing, or an error (a *UserError is shown as it is).
type HandlerFunc func(ctx context.Context, req *Request) (*Reply, error)

type kind int

const (
	kindCommand kind = iota
	kindAutocomplete
	kindComponent
)

type route struct {
	pattern string
	h       HandlerFunc
	opts    RouteOption
}

// RouteOption declares how a route answers, so that the router can defer
// the right way when the handler is slow. Options combine with |, or are
// passed one by one.
type RouteOption int

const (
	// Private: the route answers only the user (ephemeral). A slow handler
	// is deferred ephemerally, so its answer is never public.
	Private RouteOption = 1 << iota
	// OpensModal: the route may answer with a form. A modal can only be the
	// first response, so such a route is never deferred: the router waits
	// for the handler however long it takes (it must stay within Discord's
	// 3 seconds).
	OpensModal
	// UpdatesMessage: the component route answers by updating the message
	// the component is on (Reply.Update). A slow handler is deferred as an
	// update (DEFERRED_UPDATE_MESSAGE), and its reply then edits that
	// message instead of posting a new one.
	UpdatesMessage
)

func options(opts []RouteOption) RouteOption {
	var o RouteOption
	for _, x := range opts {
		o |= x
	}
	return o
}

// Router routes interactions by type and command name or custom-ID path, and
// messages addressed to the bot to one message handler. Handlers run under
// recover. Routes are added before the router serves; after that it is safe
// for concurrent use.
//
// The 3-second rule: a handler that has not answered after SlowAfter is
// deferred, and its reply edits the deferred response when it comes. How it
// is deferred is declared per route (RouteOption), because it must be chosen
// before the reply exists and cannot be changed afterwards:
//
//   - a command defers publicly, or privately when the route is Private or
//     the user set the command's "private" option;
//   - a component or modal submit defers privately, or as an update of the
//     component's message when the route is UpdatesMessage;
//   - an OpensModal route is never deferred.
//
// Every part of a late reply — content, embeds, components and files — goes
// into the edit. A late reply that does not fit the deferral is still never
// shown to more people than it was meant for:
//
//   - ephemeral after a public defer: the public placeholder is edited to a
//     neutral line, then the reply is sent as an ephemeral followup (Discord
//     would treat a followup sent first as the placeholder's content, public);
//     the followup is not sent if that edit fails;
//   - public after a private defer: it stays private;
//   - not an update after a deferred update: it is sent as a followup, with
//     its own visibility;
//   - an update after an ordinary defer: it edits the deferred message;
//   - a modal from a route not declared OpensModal: it cannot be shown any
//     more; the user is asked to try again and the mistake is logged.
//
// So a route that answers privately, by update or with a form should say so;
// the fallbacks only keep an undeclared route safe.
type Router struct {
	log        *slog.Logger
	commands   map[string]route
	complete   map[string]HandlerFunc
	components map[string][]route // by first path segment
	modals     map[string][]route
	message    HandlerFunc
	askChannel map[string]bool
	askLookup  AskLookup // the servers' own ask channels; nil for none
	threads    *threads  // thread parents, and thread messages answered
	phrases    Phrasebook

	// SlowAfter is how long a command may take before the router defers the
	// response (Discord allows 3 s for the first response). Default 1.5 s.
	SlowAfter time.Duration
	// AutocompleteBudget is how long autocomplete may take; later results are
	// dropped for an empty list, since autocomplete cannot be deferred.
	// Default 2 s.
	AutocompleteBudget time.Duration
	// Observer is told of every handled request; nil means none. Set it
	// before the router serves.
	Observer Observer
	// ThreadWait is how long a forum post's starter message waits for its
	// THREAD_CREATE to be handled (it names the forum). Default 2 s.
	ThreadWait time.Duration
}

// NewRouter returns an empty router. Messages in askChannels (or in threads
// of them, forum posts included) are questions even without a mention.
func NewRouter(log *slog.Logger, askChannels []string, opts ...RouterOption) *Router {
	r := &Router{
		log: log, commands: map[string]route{}, complete: map[string]HandlerFunc{},
		components: map[string][]route{}, modals: map[string][]route{}, askChannel: map[string]bool{},
		threads: newThreads(), phrases: English,
		SlowAfter: 1500 * time.Millisecond, AutocompleteBudget: 2 * time.Second, ThreadWait: 2 * time.Second,
	}
	for _, c := range askChannels {
		r.askChannel[c] = true
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Command routes a slash or context-menu command by its path: the command's
// name, then its subcommand group and subcommand, e.g. "kb/roles/add". A
// command routed by its bare name also receives every subcommand that has no
// route of its own. opts declare how it answers (see Router).
func (r *Router) Command(path string, h HandlerFunc, opts ...RouteOption) {
	r.commands[path] = route{pattern: path, h: h, opts: options(opts)}
}

// commandRoute finds the route for a command and its subcommand path.
func (r *Router) commandRoute(name, sub string) route {
	if sub != "" {
		if rt, ok := r.commands[name+"/"+strings.ReplaceAll(sub, " ", "/")]; ok {
			return rt
		}
	}
	return r.commands[name]
}

// Autocomplete routes autocomplete for a command.
func (r *Router) Autocomplete(name string, h HandlerFunc) { r.complete[name] = h }

// Component routes clicks and selections whose custom ID matches pattern,
// e.g. "/fb/{entry}/{vote}". opts declare how it answers (see Router).
func (r *Router) Component(pattern string, h HandlerFunc, opts ...RouteOption) {
	first := strings.SplitN(strings.TrimPrefix(pattern, "/"), "/", 2)[0]
	r.components[first] = append(r.components[first], route{pattern, h, options(opts)})
}

// ModalSubmit routes submitted forms whose custom ID matches pattern. opts
// declare how it answers (see Router).
func (r *Router) ModalSubmit(pattern string, h HandlerFunc, opts ...RouteOption) {
	first := strings.SplitN(strings.TrimPrefix(pattern, "/"), "/", 2)[0]
	r.modals[first] = append(r.modals[first], route{pattern, h, options(opts)})
}

func match(routes map[string][]route, id string) (route, map[string]string) {
	first := strings.SplitN(strings.TrimPrefix(id, "/"), "/", 2)[0]
	for _, rt := range routes[first] {
		if vars, ok := matchCustomID(rt.pattern, id); ok {
			return rt, vars
		}
	}
	return route{}, nil
}

// Message sets the handler for messages addressed to the bot: DMs, messages
// mentioning it (the mention removed from Request.Text) and messages in ask
// channels.
func (r *Router) Message(h HandlerFunc) { r.message = h }

// HasAskChannels reports whether any ask channel is configured (they need the
// message-content intent).
func (r *Router) HasAskChannels() bool { return len(r.askChannel) > 0 }

// errorReply is what a user sees for an error.
func (r *Router) errorReply(err error, req *Request) *Reply {
	noteError(req, err)
	var ue *UserError
	if errors.As(err, &ue) {
		return &Reply{Ephemeral: true, Content: ue.Msg}
	}
	r.log.Error("handler failed", "err", err, "request", req.ID(), "user", req.UserID, "guild", req.GuildID)
	return &Reply{Ephemeral: true, Content: r.phrases(PhraseError, req.Locale, req.GuildLocale, req.ID())}
}

// call runs h under recover.
func (r *Router) call(ctx context.Context, h HandlerFunc, req *Request) (rep *Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("handler panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			rep, err = nil, fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return h(ctx, req)
}

// HandleInteraction answers one interaction through resp. It never panics.
func (r *Router) HandleInteraction(ctx context.Context, resp Responder, i *discordgo.Interaction) {
	resp = safeResponder{next: resp, z: sanitizer{log: r.log}}
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("interaction routing panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	if i == nil || i.Data == nil {
		return // PING, or a payload discordgo could not decode
	}
	req := &Request{Interaction: i, UserID: userOf(i), GuildID: i.GuildID, ChannelID: i.ChannelID, Locale: string(i.Locale)}
	if i.GuildLocale != nil {
		req.GuildLocale = string(*i.GuildLocale)
	}
	if i.Member != nil {
		req.Permissions, req.Roles = i.Member.Permissions, i.Member.Roles
	}
	resp = r.beginInteraction(req, i, resp)
	defer r.end(req)
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		d, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok {
			return
		}
		req.options = flatten(d.Options)
		req.sub = subcommand(d.Options)
		if d.CommandType == discordgo.MessageApplicationCommand && d.Resolved != nil {
			req.Message = d.Resolved.Messages[d.TargetID]
		}
		rt := r.commandRoute(d.Name, req.sub)
		if req.Bool("private") {
			rt.opts |= Private
		}
		r.respond(ctx, resp, i, req, rt)
	case discordgo.InteractionApplicationCommandAutocomplete:
		d, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok {
			return
		}
		req.options = flatten(d.Options)
		req.sub = subcommand(d.Options)
		for name, o := range req.options {
			if o.Focused {
				req.focused = name
			}
		}
		r.autocomplete(ctx, resp, i, req, r.complete[d.Name])
	case discordgo.InteractionMessageComponent:
		d, ok := i.Data.(discordgo.MessageComponentInteractionData)
		if !ok {
			return
		}
		req.Values = d.Values
		rt, vars := match(r.components, d.CustomID)
		req.Params = vars
		r.respond(ctx, resp, i, req, rt)
	case discordgo.InteractionModalSubmit:
		d, ok := i.Data.(discordgo.ModalSubmitInteractionData)
		if !ok {
			return
		}
		req.Fields = modalFields(d.Components)
		rt, vars := match(r.modals, d.CustomID)
		req.Params = vars
		r.respond(ctx, resp, i, req, rt)
	}
}

// subcommand returns the names of the subcommand (group) options, e.g.
// "roles add".
func subcommand(opts []*discordgo.ApplicationCommandInteractionDataOption) string {
	for _, o := range opts {
		if o != nil && (o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
			if rest := subcommand(o.Options); rest != "" {
				return o.Name + " " + rest
			}
			return o.Name
		}
	}
	return ""
}

// modalFields collects text inputs from a submitted modal.
func modalFields(cs []discordgo.MessageComponent) map[string]string {
	out := map[string]string{}
	for _, c := range cs {
		switch v := c.(type) {
		case *discordgo.ActionsRow:
			for k, val := range modalFields(v.Components) {
				out[k] = val
			}
		case *discordgo.TextInput:
			out[v.CustomID] = v.Value
		}
	}
	return out
}

func flatten(opts []*discordgo.ApplicationCommandInteractionDataOption) map[string]*discordgo.ApplicationCommandInteractionDataOption {
	m := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range opts {
		if o == nil {
			continue
		}
		m[o.Name] = o
		for k, v := range flatten(o.Options) {
			m[k] = v
		}
	}
	return m
}

// autocomplete answers within the budget, with no choices rather than late.
func (r *Router) autocomplete(ctx context.Context, resp Responder, i *discordgo.Interaction, req *Request, h HandlerFunc) {
	var choices []*discordgo.ApplicationCommandOptionChoice
	if h != nil {
		done := make(chan result, 1)
		go func() {
			rep, err := r.call(ctx, h, req)
			done <- result{rep, err}
		}()
		timer := time.NewTimer(r.AutocompleteBudget)
		select {
		case res := <-done:
			if res.err != nil {
				r.log.Warn("autocomplete failed", "err", res.err)
			} else if res.rep != nil {
				choices = res.rep.Choices
			}
		case <-timer.C:
			r.log.Warn("autocomplete too slow; sent no choices", "budget", r.AutocompleteBudget)
		}
		timer.Stop()
	}
	err := resp.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	})
	if err != nil {
		r.log.Warn("autocomplete response failed", "err", err)
	}
}

// HandleMessage answers a message if it is addressed to the bot (a DM, a
// mention of botID, or an ask channel) and not from a bot. It never panics.
func (r *Router) HandleMessage(ctx context.Context, resp Responder, m *discordgo.Message, botID string) {
	r.HandleMessageIn(ctx, resp, m, botID, "")
}

// HandleMessageIn is HandleMessage for a message in a server whose preferred
// locale is guildLocale ("" when unknown): messages carry no locale of their
// own, so the reply is in the server's language.
func (r *Router) HandleMessageIn(ctx context.Context, resp Responder, m *discordgo.Message, botID, guildLocale string) {
	resp = safeResponder{next: resp, z: sanitizer{log: r.log}}
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("message routing panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	if m == nil || m.Author == nil || m.Author.Bot || m.Author.ID == botID || r.message == nil {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	mentioned := false
	for _, u := range m.Mentions {
		if u != nil && u.ID == botID {
			mentioned = true
		}
	}
	if m.GuildID != "" {
		ask, inThread := r.isAsk(ctx, m.GuildID, m.ChannelID, m.ID)
		if !mentioned && !ask {
			return
		}
		if inThread && !r.threads.first(m.ID) {
			return // delivered again: a thread's messages are answered once
		}
	}
	req := &Request{Message: m, UserID: m.Author.ID, GuildID: m.GuildID, ChannelID: m.ChannelID, Text: StripMention(m.Content, botID),
		GuildLocale: guildLocale}
	resp = r.beginMessage(req, m, botID, resp)
	defer r.end(req)
	rep, err := r.call(ctx, r.message, req)
	if err != nil {
		rep = r.errorReply(err, req)
	}
	if rep == nil {
		return
	}
	sent, err := resp.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
		Content: rep.Content, Embeds: rep.Embeds, Components: rep.Components,
		Reference:       &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID},
		AllowedMentions: mentionsOf(rep),
	})
	if err != nil {
		r.log.Warn("message reply failed", "err", err, "channel", m.ChannelID)
		return
	}
	if rep.OnSent != nil && sent != nil {
		rep.OnSent(sent)
	}
}

// StripMention removes mentions of botID (<@id> and <@!id>) from s.
func StripMention(s, botID string) string {
	s = strings.ReplaceAll(s, "<@"+botID+">", " ")
	s = strings.ReplaceAll(s, "<@!"+botID+">", " ")
	return strings.TrimSpace(s)
}
