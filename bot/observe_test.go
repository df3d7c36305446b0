package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// observed is a hand-written Observer that keeps what it is told.
type observed struct {
	mu  sync.Mutex
	got []Handled
}

func (o *observed) Handled(h Handled) { o.mu.Lock(); o.got = append(o.got, h); o.mu.Unlock() }

func (o *observed) last(t *testing.T) Handled {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.got) == 0 {
		t.Fatal("the observer was told nothing")
	}
	return o.got[len(o.got)-1]
}

func TestRouter_Observer(t *testing.T) {
	var logs bytes.Buffer
	r := NewRouter(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), []string{"77"})
	obs := &observed{}
	r.Observer = obs
	r.Command("ask", func(ctx context.Context, req *Request) (*Reply, error) {
		req.Note(OutcomeAnswered, "who-is-peskov", time.Millisecond)
		return &Reply{Content: "answer"}, nil
	})
	r.Command("broken", func(ctx context.Context, req *Request) (*Reply, error) { return nil, errors.New("disk on fire") })
	r.Command("slow", func(ctx context.Context, req *Request) (*Reply, error) { return nil, &limited{} })
	r.Autocomplete("ask", func(ctx context.Context, req *Request) (*Reply, error) {
		return &Reply{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "a", Value: "a"}}}, nil
	})
	r.Message(func(ctx context.Context, req *Request) (*Reply, error) {
		req.Note(OutcomeDeclined, "", 0)
		return &Reply{Content: "no"}, nil
	})

	t.Run("Answered", func(t *testing.T) {
		r.HandleInteraction(context.Background(), newRecorder(), command("ask"))
		h := obs.last(t)
		if h.Surface != SurfaceSlash || h.Command != "ask" || h.Outcome != OutcomeAnswered || !h.Question ||
			h.EntryID != "who-is-peskov" || h.Latency <= 0 || h.Match != time.Millisecond || len(h.RequestID) != 8 {
			t.Fatalf("%+v", h)
		}
	})
	t.Run("ErrorHasRef", func(t *testing.T) {
		rec := newRecorder()
		r.HandleInteraction(context.Background(), rec, command("broken"))
		h := obs.last(t)
		if h.Outcome != OutcomeError || h.Question {
			t.Fatalf("%+v", h)
		}
		reply := rec.responses[0].Data.Content
		if !strings.Contains(reply, "(ref "+h.RequestID+")") {
			t.Fatalf("reply %q lacks ref %s", reply, h.RequestID)
		}
		if !regexp.MustCompile(`msg="handler failed" err="disk on fire" request=` + h.RequestID).MatchString(logs.String()) {
			t.Fatalf("the error log line lacks the request id:\n%s", logs.String())
		}
		if strings.Contains(logs.String(), "token") {
			t.Fatal("a token in the logs")
		}
	})
	t.Run("OutcomeFromError", func(t *testing.T) {
		r.HandleInteraction(context.Background(), newRecorder(), command("slow"))
		if h := obs.last(t); h.Outcome != OutcomeRateLimited || !h.Question {
			t.Fatalf("%+v", h)
		}
	})
	t.Run("Autocomplete", func(t *testing.T) {
		i := command("ask")
		i.Type = discordgo.InteractionApplicationCommandAutocomplete
		r.HandleInteraction(context.Background(), newRecorder(), i)
		if h := obs.last(t); h.Surface != SurfaceAutocomplete || h.Outcome != OutcomeAnswered || h.Latency <= 0 {
			t.Fatalf("%+v", h)
		}
	})
	t.Run("Messages", func(t *testing.T) {
		for _, c := range []struct {
			m    *discordgo.Message
			want string
		}{
			{&discordgo.Message{ID: "1", ChannelID: "9", Content: "hi", Author: &discordgo.User{ID: "5"}}, SurfaceDM},
			{&discordgo.Message{ID: "1", ChannelID: "9", GuildID: "3", Content: "<@42> hi", Author: &discordgo.User{ID: "5"}, Mentions: []*discordgo.User{{ID: "42"}}}, SurfaceMention},
			{&discordgo.Message{ID: "1", ChannelID: "77", GuildID: "3", Content: "hi", Author: &discordgo.User{ID: "5"}}, SurfaceAskChannel},
		} {
			r.HandleMessage(context.Background(), newRecorder(), c.m, "42")
			if h := obs.last(t); h.Surface != c.want || h.Outcome != OutcomeDeclined || h.Latency <= 0 {
				t.Fatalf("%s: %+v", c.want, h)
			}
		}
	})
	t.Run("HTTPSurface", func(t *testing.T) {
		i := command("ask")
		inl := &inlineResponder{rest: newRecorder(), i: i, first: make(chan *discordgo.InteractionResponse, 1)}
		r.HandleInteraction(context.Background(), inl, i)
		if h := obs.last(t); h.Surface != SurfaceHTTP || h.Outcome != OutcomeAnswered || h.Latency <= 0 {
			t.Fatalf("%+v", h)
		}
		if resp := <-inl.first; resp == nil || resp.Data.Content != "answer" {
			t.Fatalf("inline response %+v", resp)
		}
	})
	t.Run("NoObserver", func(t *testing.T) {
		r2 := NewRouter(quiet(), nil)
		r2.Command("ask", func(ctx context.Context, req *Request) (*Reply, error) { return &Reply{Content: "x"}, nil })
		r2.HandleInteraction(context.Background(), newRecorder(), command("ask"))
		var req *Request
		req.Note(OutcomeAnswered, "x", 0) // a request the router did not build ignores notes
		(&Request{}).Note(OutcomeAnswered, "x", 0)
	})
}

// limited is a refusal that names its outcome, as a rate limit does.
type limited struct{}

func (*limited) Error() string    { return "slow down" }
func (*limited) Unwrap() error    { return &UserError{Msg: "slow down"} }
func (*limited) Outcome() Outcome { return OutcomeRateLimited }
