package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// askSet is a hand-written AskLookup: guild -> its ask channels.
type askSet struct {
	mu    sync.Mutex
	set   map[string]map[string]bool
	calls int
}

func (a *askSet) IsAskChannel(_ context.Context, guild, channel string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls++
	return a.set[guild][channel]
}

func TestRouter_Threads(t *testing.T) {
	lookup := &askSet{set: map[string]map[string]bool{"3": {"88": true}}}
	r := NewRouter(quiet(), []string{"77"}, WithAskLookup(lookup))
	var texts []string
	r.Message(func(ctx context.Context, req *Request) (*Reply, error) {
		texts = append(texts, req.Text)
		return &Reply{Content: "answer"}, nil
	})
	for _, th := range []*discordgo.Channel{
		{ID: "100", GuildID: "3", ParentID: "77", Type: discordgo.ChannelTypeGuildPublicThread}, // a post in the configured forum
		{ID: "101", GuildID: "3", ParentID: "88", Type: discordgo.ChannelTypeGuildPublicThread}, // in the server's own ask channel
		{ID: "102", GuildID: "3", ParentID: "8", Type: discordgo.ChannelTypeGuildPublicThread},  // under an ordinary channel
		{ID: "103", GuildID: "3", ParentID: "77", Type: discordgo.ChannelTypeGuildText},         // not a thread
		nil,
	} {
		r.HandleThreadCreate(th)
	}
	rec := newRecorder()
	user := &discordgo.User{ID: "5"}
	for _, m := range []*discordgo.Message{
		{ID: "100", ChannelID: "100", GuildID: "3", Author: user, Content: "forum post"},
		{ID: "100", ChannelID: "100", GuildID: "3", Author: user, Content: "forum post delivered again"},
		{ID: "110", ChannelID: "100", GuildID: "3", Author: user, Content: "follow-up in the post"},
		{ID: "101", ChannelID: "101", GuildID: "3", Author: user, Content: "thread of a server's ask channel"},
		{ID: "111", ChannelID: "88", GuildID: "3", Author: user, Content: "server's ask channel"},
		{ID: "112", ChannelID: "88", GuildID: "4", Author: user, Content: "same channel id, other server"},
		{ID: "102", ChannelID: "102", GuildID: "3", Author: user, Content: "thread under an ordinary channel"},
		{ID: "113", ChannelID: "103", GuildID: "3", Author: user, Content: "not a thread"},
	} {
		r.HandleMessage(context.Background(), rec, m, "42")
	}
	want := "forum post|follow-up in the post|thread of a server's ask channel|server's ask channel"
	if got := strings.Join(texts, "|"); got != want {
		t.Fatalf("handled %q\nwant    %q", got, want)
	}
	for i, m := range rec.messages {
		if m.Reference == nil || m.AllowedMentions == nil || len(m.AllowedMentions.Parse) != 0 {
			t.Fatalf("reply %d is not a silent reply: %+v", i, m)
		}
	}
}

func TestThreads_Bounded(t *testing.T) {
	th := newThreads()
	for i := range maxThreads + 1 {
		id := string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		th.learn(id, "p")
		if !th.first(id) || th.first(id) {
			t.Fatalf("message %s answered twice or never", id)
		}
	}
	if th.parentOf("a") != "" || th.parentOf("b") != "p" {
		t.Fatal("the oldest thread was not forgotten first")
	}
	if len(th.parent) != maxThreads || len(th.answered) != maxThreads {
		t.Fatalf("%d threads and %d answered kept; the bound is %d", len(th.parent), len(th.answered), maxThreads)
	}
}

// TestRouter_ForumPostBeforeItsThread: gateway handlers run concurrently, so
// a forum post's starter message may be handled before its THREAD_CREATE;
// it waits for the thread to be known.
func TestRouter_ForumPostBeforeItsThread(t *testing.T) {
	r := NewRouter(quiet(), []string{"77"})
	r.Message(func(ctx context.Context, req *Request) (*Reply, error) { return &Reply{Content: "answer"}, nil })
	rec := newRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.HandleMessage(context.Background(), rec, &discordgo.Message{ID: "200", ChannelID: "200", GuildID: "3", Author: &discordgo.User{ID: "5"}, Content: "q"}, "42")
	}()
	r.HandleThreadCreate(&discordgo.Channel{ID: "200", GuildID: "3", ParentID: "77", Type: discordgo.ChannelTypeGuildPublicThread})
	<-done
	if len(rec.messages) != 1 {
		t.Fatalf("%d replies to a post whose thread came second", len(rec.messages))
	}

	t.Run("NoThreadCreate", func(t *testing.T) {
		r.ThreadWait = 20 * time.Millisecond
		r.HandleMessage(context.Background(), rec, &discordgo.Message{ID: "201", ChannelID: "201", GuildID: "3", Author: &discordgo.User{ID: "5"}, Content: "q"}, "42")
		if len(rec.messages) != 1 {
			t.Fatal("a post in an unknown thread was answered")
		}
		if len(r.threads.waiting) != 0 {
			t.Fatalf("%d waiters left behind", len(r.threads.waiting))
		}
	})
}
