package bot

import (
	"context"
	"sync"

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
}

func newThreads() *threads {
	return &threads{parent: map[string]string{}, answered: map[string]bool{}}
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
func (r *Router) isAsk(ctx context.Context, guild, channel string) (ask, inThread bool) {
	parent := r.threads.parentOf(channel)
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
// state, which discordgo updates (from GUILD_CREATE and THREAD_CREATE)
// before any handler runs: the starter message of a forum post can be
// handled before the THREAD_CREATE handler has run.
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
