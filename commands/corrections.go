package commands

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// Poster is what corrections need from Discord: editing the bot's own
// messages and replying to a message, neither pinging anyone. *bot.REST
// satisfies it.
type Poster interface {
	EditMessage(ctx context.Context, channelID, messageID string, rep *bot.Reply) error
	SendReply(ctx context.Context, channelID, replyTo string, rep *bot.Reply) (*discordgo.Message, error)
}

// CorrectionsConfig is what corrections need. Library, Store and Poster are
// required; zero values of the rest mean defaults.
type CorrectionsConfig struct {
	// Words are the bot's own words; nil loads the embedded message files.
	// An edited message has no reader's locale, so corrections are written
	// in the server's preferred locale when known (GuildLocale, or the
	// guild_locale of the interactions answered there), else in English.
	Words *i18n.Catalog
	// GuildLocale returns a server's preferred locale from the gateway's
	// state ("" when unknown); nil knows only what interactions told.
	GuildLocale func(guildID string) string
	Library     *kb.Library
	Store       kb.Store
	Poster      Poster
	// Sender posts a summary to a server's audit channel; nil posts none
	// (the audit log in the store has every correction either way).
	Sender Sender
	// Delay is how long after the last change to an entry its corrections
	// start, so a burst of edits yields one correction per message.
	// Default 5 s.
	Delay time.Duration
	// PerChange bounds the answers one change corrects (the oldest first);
	// default 500.
	PerChange int
	Now       func() time.Time
	Logger    *slog.Logger
}

// Corrections carries a moderator's change to the answers the bot already
// gave: it remembers each public answer (Remember), and after an entry
// changes (Changed, wired to kb.Options.OnChange) it edits the bot's own
// answer messages to show the new answer, or posts one short correction
// reply per channel for slash-command answers, which can no longer be
// edited. Each correction is claimed in the store first, so two processes
// never correct the same message twice, and is audited there. A server can
// turn them off (/kb settings corrections:off). Safe for concurrent use;
// Close stops it.
type Corrections struct {
	words       *i18n.Catalog
	guildLocale func(guildID string) string
	locales     sync.Map // guild id → the guild_locale its latest remembered answer's interaction carried
	lib         *kb.Library
	store       kb.Store
	post        Poster
	send        Sender
	settings    Settings
	delay       time.Duration
	perChange   int
	now         func() time.Time
	log         *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	slots  chan struct{} // bounds the corrections running at once (an import changes many entries)
	mu     sync.Mutex    // guards timers and closed
	timers map[change]*time.Timer
	closed bool
	wg     sync.WaitGroup
}

// change is an entry changed in a scope.
type change struct{ scope, entry string }

// NewCorrections returns corrections over their dependencies; they start
// working with the first Changed.
func NewCorrections(c CorrectionsConfig) *Corrections {
	if c.Delay == 0 {
		c.Delay = 5 * time.Second
	}
	if c.PerChange == 0 {
		c.PerChange = 500
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Words == nil {
		c.Words = i18n.MustLoad()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Corrections{words: c.Words, guildLocale: c.GuildLocale, lib: c.Library, store: c.Store, post: c.Poster, send: c.Sender, settings: Settings{store: c.Store},
		delay: c.Delay, perChange: c.PerChange, now: c.Now, log: c.Logger, ctx: ctx, cancel: cancel, timers: map[change]*time.Timer{},
		slots: make(chan struct{}, maxRunning)}
}

// Changed queues the corrections for entries changed in scope. It returns
// at once; each entry's corrections start Delay after its last change. It
// fits kb.Options.OnChange.
func (c *Corrections) Changed(scope string, entryIDs []string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	for _, id := range entryIDs {
		k := change{scope, id}
		if t, ok := c.timers[k]; ok && t.Stop() {
			t.Reset(c.delay)
			continue
		}
		c.wg.Add(1)
		var t *time.Timer
		t = time.AfterFunc(c.delay, func() {
			defer c.wg.Done()
			c.mu.Lock()
			if c.timers[k] == t { // t is set: Changed held c.mu
				delete(c.timers, k)
			}
			closed := c.closed
			c.mu.Unlock()
			if !closed {
				c.correct(c.ctx, k)
			}
		})
		c.timers[k] = t
	}
}

// Close stops queueing, drops corrections not yet started and waits for
// running ones, or for ctx (then it cancels them). Call it after the
// gateway has closed and before the store closes.
func (c *Corrections) Close(ctx context.Context) error {
	c.mu.Lock()
	c.closed = true
	for k, t := range c.timers {
		if t.Stop() {
			c.wg.Done()
		}
		delete(c.timers, k)
	}
	c.mu.Unlock()
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
		c.cancel()
		return nil
	case <-ctx.Done():
		c.cancel()
		<-done
		return ctx.Err()
	}
}

// Remember makes rep, a public answer with entry entryID, remembered once
// Discord has it (its OnSent), for corrections. A private reply is not
// remembered. c may be nil.
func (c *Corrections) Remember(req *bot.Request, rep *bot.Reply, entryID string, kind kb.AnswerKind) {
	if c == nil || rep == nil || rep.Ephemeral || entryID == "" {
		return
	}
	sc := scope(req)
	if req.GuildID != "" && req.GuildLocale != "" {
		c.locales.Store(req.GuildID, req.GuildLocale)
	}
	_, rev := c.lib.Revision(sc, entryID)
	channel := req.ChannelID
	prev := rep.OnSent
	rep.OnSent = func(m *discordgo.Message) {
		if prev != nil {
			prev(m)
		}
		ch := channel
		if kind == kb.AnswerReply && m.ChannelID != "" {
			ch = m.ChannelID
		}
		ctx, cancel := context.WithTimeout(c.ctx, 5*time.Second)
		defer cancel()
		if err := c.store.RecordAnswer(ctx, kb.Answer{Scope: sc, ChannelID: ch, MessageID: m.ID, EntryID: entryID, Revision: rev, Kind: kind}); err != nil {
			c.log.Warn("could not remember an answer for corrections", "err", err)
			return
		}
		// The entry may have changed while the answer was on its way, and
		// its corrections run before it was remembered: queue them again.
		if _, now := c.lib.Revision(sc, entryID); now > rev {
			c.Changed(sc, []string{entryID})
		}
	}
}

// maxRunning is how many entries' corrections run at once.
const maxRunning = 4

// correct brings every remembered answer to the changed entry up to date.
func (c *Corrections) correct(ctx context.Context, k change) {
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return
	}
	scopeFilter, before := k.scope, int64(math.MaxInt64)
	if k.scope == kb.GlobalScope {
		// A global change reaches DMs and every server that serves the
		// global entry.
		scopeFilter, before = "", kb.ServedFromGlobal
	}
	answers, err := c.store.AnswersFor(ctx, scopeFilter, k.entry, before, c.perChange)
	if err != nil {
		c.log.Warn("could not read the answers to correct", "err", err, "entry", k.entry)
		return
	}
	if len(answers) == c.perChange {
		c.log.Warn("more answers to correct than one change may; the oldest were corrected", "entry", k.entry, "limit", c.perChange)
	}
	type channelKey struct{ scope, channel string }
	var order []channelKey
	replies := map[channelKey][]kb.Answer{}
	done := map[string]int{} // corrections per scope, for the audit channel
	off := map[string]bool{}
	for _, a := range answers {
		if _, ok := off[a.Scope]; !ok {
			off[a.Scope] = !c.settings.CorrectionsOn(ctx, a.Scope)
		}
		if off[a.Scope] {
			c.log.Debug("corrections are off in this server; the answer stays as it was", "scope", a.Scope, "entry", a.EntryID)
			continue
		}
		if _, rev := c.lib.Revision(a.Scope, a.EntryID); rev <= a.Revision {
			continue
		}
		if a.Kind == kb.AnswerInteraction {
			ck := channelKey{a.Scope, a.ChannelID}
			if replies[ck] == nil {
				order = append(order, ck)
			}
			replies[ck] = append(replies[ck], a)
			continue
		}
		if c.editAnswer(ctx, a) {
			done[a.Scope]++
		}
	}
	for _, ck := range order {
		if n := c.replyOnce(ctx, replies[ck]); n > 0 {
			done[ck.scope] += n
		}
	}
	for sc, n := range done {
		c.auditPost(ctx, sc, k.entry, n)
	}
}

// claim moves a's revision to what its scope serves now, and returns the
// entry served (nil when hidden) and whether this process won the claim. An
// answer whose entry is served again exactly as it was shown (an edit
// undone before its correction ran) is left alone: there is nothing to say.
func (c *Corrections) claim(ctx context.Context, a kb.Answer, prev *kb.Version) (*kb.Entry, bool) {
	e, rev := c.lib.Revision(a.Scope, a.EntryID)
	if rev <= a.Revision {
		return nil, false
	}
	if prev != nil && (prev.Entry == nil) == (e == nil) && (e == nil || reflect.DeepEqual(*prev.Entry, *e)) {
		return nil, false
	}
	ok, err := c.store.MarkCorrected(ctx, a.ID, a.Revision, rev)
	if err != nil {
		c.log.Warn("could not claim a correction", "err", err, "entry", a.EntryID)
	}
	return e, ok
}

// previous returns the version a was last shown from (nil if unknown; its
// Entry is nil when the answer had been withdrawn).
func (c *Corrections) previous(ctx context.Context, a kb.Answer) *kb.Version {
	sc := kb.GlobalScope
	if a.Revision >= kb.ServedFromGlobal {
		sc = a.Scope
	}
	vs, err := c.store.History(ctx, sc, a.EntryID)
	v := kb.RevisionVersion(a.Revision)
	if err != nil || v < 1 || v > len(vs) {
		return nil
	}
	return &vs[v-1]
}

// lang is the language of the corrections of answers in scope: its
// server's preferred locale when known, else English.
func (c *Corrections) lang(scope string) i18n.Lang {
	if scope == kb.GlobalScope {
		return c.words.For(i18n.English)
	}
	if c.guildLocale != nil {
		if l := c.guildLocale(scope); l != "" {
			return c.words.For(l)
		}
	}
	if l, ok := c.locales.Load(scope); ok {
		return c.words.For(l.(string))
	}
	return c.words.For(i18n.English)
}

// editAnswer edits the bot's own answer message to show the new answer.
func (c *Corrections) editAnswer(ctx context.Context, a kb.Answer) bool {
	old := c.previous(ctx, a)
	e, ok := c.claim(ctx, a, old)
	if !ok {
		return false
	}
	rep := correctedMessage(c.lang(a.Scope), c.lib.Index(a.Scope).KB(), old, e, c.now())
	if err := c.post.EditMessage(ctx, a.ChannelID, a.MessageID, rep); err != nil {
		c.log.Warn("could not edit an answer to correct it", "err", err, "entry", a.EntryID, "channel", a.ChannelID)
		return false
	}
	return true
}

// replyOnce claims the slash-command answers of one channel and posts one
// short correction replying to the newest of them. It returns how many it
// claimed.
func (c *Corrections) replyOnce(ctx context.Context, as []kb.Answer) int {
	var newest kb.Answer
	var old *kb.Version
	var e *kb.Entry
	n := 0
	for _, a := range as {
		o := c.previous(ctx, a)
		got, ok := c.claim(ctx, a, o)
		if !ok {
			continue
		}
		n++
		newest, old, e = a, o, got
	}
	if n == 0 {
		return 0
	}
	if _, err := c.post.SendReply(ctx, newest.ChannelID, newest.MessageID, correctionReply(c.lang(newest.Scope), old, e, c.now())); err != nil {
		c.log.Warn("could not post a correction", "err", err, "entry", newest.EntryID, "channel", newest.ChannelID)
	}
	return n
}

// auditPost tells a server's audit channel how many answers were corrected.
func (c *Corrections) auditPost(ctx context.Context, sc, entry string, n int) {
	if c.send == nil || sc == kb.GlobalScope {
		return
	}
	ch, err := c.settings.AuditChannel(ctx, sc)
	if err != nil || ch == "" {
		return
	}
	what := "answer"
	if n > 1 {
		what = "answers"
	}
	if err := c.send.Send(ctx, ch, &bot.Reply{Content: fmt.Sprintf("🔁 Corrected %d earlier %s to `%s`.", n, what, entry)}); err != nil {
		c.log.Warn("could not post to the audit channel", "err", err, "channel", ch)
	}
}
