package bot

import (
	"context"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// AskLookup says whether a server's channel is an ask channel beyond the
// configured ones: the channels its moderators chose from Discord. It is
// called for every server message the bot sees, so it must be cheap (cached)
// and safe for concurrent use.
type AskLookup interface {
	IsAskChannel(ctx context.Context, guildID, channelID string) bool
}

// RouterOption configures a Router at construction.
type RouterOption func(*Router)

// WithAskLookup makes the channels l names ask channels too, in addition to
// the configured ones. Only use it when the bot has the Message Content
// intent: without it, messages in those channels arrive empty.
func WithAskLookup(l AskLookup) RouterOption {
	return func(r *Router) { r.askLookup = l }
}

// maxThreads bounds the threads the router remembers (their parents, and
// which were answered); the oldest are forgotten first.
const maxThreads = 10_000

// threads remembers thread parents (from THREAD_CREATE, or the session's
// state) and the thread messages already answered, so a forum post is
// answered once even when Discord delivers it twice. Bounded; safe for
// concurrent use.
type threads struct {
	mu       sync.Mutex
	parent   map[string]string
	order    []string // insertion order of parent, for eviction
	answered map[string]bool
	done     []string
	waiting  map[string]chan struct{} // threads a message waits to learn the parent of
}

func newThreads() *threads {
	return &threads{parent: map[string]string{}, answered: map[string]bool{}, waiting: map[string]chan struct{}{}}
}

// learn records a thread's parent channel.
func (t *threads) learn(thread, parent string) {
	if thread == "" || parent == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.parent[thread]; ok {
		t.parent[thread] = parent
		return
	}
	if len(t.order) >= maxThreads {
		delete(t.parent, t.order[0])
		t.order = t.order[1:]
	}
	t.parent[thread] = parent
	t.order = append(t.order, thread)
	if w, ok := t.waiting[thread]; ok {
		close(w)
		delete(t.waiting, thread)
	}
}

// await returns a thread's parent, waiting up to d (or until ctx ends) for
// learn to be told it.
func (t *threads) await(ctx context.Context, thread string, d time.Duration) string {
	t.mu.Lock()
	if p, ok := t.parent[thread]; ok {
		t.mu.Unlock()
		return p
	}
	w, ok := t.waiting[thread]
	if !ok {
		w = make(chan struct{})
		t.waiting[thread] = w
	}
	t.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-w:
	case <-timer.C:
	case <-ctx.Done():
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if cur, ok := t.waiting[thread]; ok && cur == w {
		delete(t.waiting, thread) // nobody told: the next message waits afresh
	}
	return t.parent[thread]
}

// parentOf returns a thread's parent channel ("" when unknown or not a thread).
func (t *threads) parentOf(channel string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.parent[channel]
}

// first reports whether message id is seen for the first time, and
// remembers it.
func (t *threads) first(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.answered[id] {
		return false
	}
	if len(t.done) >= maxThreads {
		delete(t.answered, t.done[0])
		t.done = t.done[1:]
	}
	t.answered[id] = true
	t.done = append(t.done, id)
	return true
}

// HandleThreadCreate learns a new thread's parent channel (THREAD_CREATE),
// so that its messages count as in that channel: a post in a forum that is
// an ask channel is answered in its thread. The starter message itself
// arrives as a MESSAGE_CREATE in the thread.
func (r *Router) HandleThreadCreate(th *discordgo.Channel) {
	if th != nil && th.IsThread() {
		r.threads.learn(th.ID, th.ParentID)
	}
}

// isAsk reports whether a guild message's channel is an ask channel: it is
// one, or it is a thread whose parent is one, by the configuration or the
// server's own settings. inThread says the channel is a known thread.
func (r *Router) isAsk(ctx context.Context, guild, channel, message string) (ask, inThread bool) {
	parent := r.threads.parentOf(channel)
	if parent == "" && message == channel {
		// A forum post's starter message has its thread's id. Discord sends
		// THREAD_CREATE first, but handlers run concurrently: give it a
		// moment to be handled.
		parent = r.threads.await(ctx, channel, r.ThreadWait)
	}
	for _, c := range []string{channel, parent} {
		if c == "" {
			continue
		}
		if r.askChannel[c] || (r.askLookup != nil && r.askLookup.IsAskChannel(ctx, guild, c)) {
			return true, parent != ""
		}
	}
	return false, parent != ""
}

// HasAskLookup reports whether ask channels may also come from the servers'
// settings.
func (r *Router) HasAskLookup() bool { return r.askLookup != nil }

// threadFromState teaches the router a message's thread from the session's
// state: the threads active when the bot connected, from GUILD_CREATE.
// (discordgo's own thread tracking is off: it would overwrite the
// THREAD_CREATE event that onThreadCreate is reading.)
func (b *Bot) threadFromState(s *discordgo.Session, m *discordgo.Message) {
	if s == nil || s.State == nil || m == nil || m.GuildID == "" {
		return
	}
	if c, err := s.State.Channel(m.ChannelID); err == nil && c.IsThread() {
		b.router.threads.learn(c.ID, c.ParentID)
	}
}

func (b *Bot) onThreadCreate(_ *discordgo.Session, tc *discordgo.ThreadCreate) {
	if tc == nil || tc.Channel == nil {
		return
	}
	b.router.HandleThreadCreate(tc.Channel)
}

// onThreadUpdate learns threads the bot was not told of at creation: an
// archived post reopened, say.
func (b *Bot) onThreadUpdate(_ *discordgo.Session, tu *discordgo.ThreadUpdate) {
	if tu == nil || tu.Channel == nil {
		return
	}
	b.router.HandleThreadCreate(tu.Channel)
}
