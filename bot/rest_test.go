package bot

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/internal/fakediscord"
)

func TestREST_Respond(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the token was sent to an interaction endpoint")
		}
		switch r.URL.Path {
		case "/api/v9/interactions/1/ok/callback":
			if n == 1 {
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"message":"You are being rate limited.","retry_after":0.01,"global":false}`))
				return
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"Unknown interaction","code":10062}`))
		}
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	c := newTestREST(t, RESTOptions{APIBase: base})
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: "x"}}
	t.Run("RetriesAfter429", func(t *testing.T) {
		if err := c.respond(context.Background(), &discordgo.Interaction{ID: "1", Token: "ok"}, resp); err != nil {
			t.Fatal(err)
		}
		if calls.Load() != 2 {
			t.Fatalf("%d calls", calls.Load())
		}
	})
	t.Run("UnknownInteraction", func(t *testing.T) {
		err := c.respond(context.Background(), &discordgo.Interaction{ID: "1", Token: "late"}, resp)
		var rest *discordgo.RESTError
		if !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != discordgo.ErrCodeUnknownInteraction {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("TokenNotInErrors", func(t *testing.T) {
		dead := newTestREST(t, RESTOptions{APIBase: &url.URL{Scheme: "http", Host: "127.0.0.1:1"}})
		err := dead.respond(context.Background(), &discordgo.Interaction{ID: "1", Token: "secret-interaction-token"}, resp)
		if err == nil || strings.Contains(err.Error(), "secret-interaction-token") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("NoToken", func(t *testing.T) {
		if err := c.respond(context.Background(), &discordgo.Interaction{ID: "1"}, resp); !errors.Is(err, ErrNoInteraction) {
			t.Fatalf("err = %v", err)
		}
	})
}

// newTestREST builds a REST with a test token.
func newTestREST(tb testing.TB, opts RESTOptions) *REST {
	tb.Helper()
	if opts.Token == "" {
		opts.Token = "test-token"
	}
	opts.Logger = quiet()
	r, err := NewREST(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TestREST_RateLimitWithinContext: a 429 is retried after its retry_after
// while the call may still wait, and given up at once (ErrRateLimited) when
// the wait would outlast the call timeout, instead of sleeping through it.
func TestREST_RateLimitWithinContext(t *testing.T) {
	fake := fakediscord.New(t, "test-token")
	base, _ := url.Parse(fake.URL)
	r := newTestREST(t, RESTOptions{APIBase: base, CallTimeout: 500 * time.Millisecond})
	const ch = "420000000000000001"
	sends := func() int {
		return countRequests(fake, func(q fakediscord.Request) bool { return strings.HasSuffix(q.Path, "/channels/"+ch+"/messages") })
	}
	t.Run("RetriedWhenShort", func(t *testing.T) {
		fake.RateLimit("/channels/"+ch+"/messages", 0.05)
		before := sends()
		if err := r.Send(context.Background(), ch, &Reply{Content: "hello"}); err != nil {
			t.Fatal(err)
		}
		if n := sends() - before; n != 2 {
			t.Fatalf("%d requests; want a 429 then success", n)
		}
	})
	t.Run("GivenUpWhenLonger", func(t *testing.T) {
		fake.RateLimit("/channels/"+ch+"/messages", 30)
		before := sends()
		done := make(chan error, 1)
		go func() { done <- r.Send(context.Background(), ch, &Reply{Content: "audit"}) }()
		select {
		case err := <-done:
			if !errors.Is(err, ErrRateLimited) {
				t.Fatalf("err = %v, want ErrRateLimited", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Send slept through a 30 s retry_after")
		}
		if n := sends() - before; n != 1 {
			t.Fatalf("%d requests; want one, then give up", n)
		}
	})
	t.Run("CallerContextEnds", func(t *testing.T) {
		fake.RateLimit("/channels/"+ch+"/messages", 0.3)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if err := r.Send(ctx, ch, &Reply{Content: "x"}); !errors.Is(err, ErrRateLimited) {
			t.Fatalf("err = %v; the caller's deadline comes before the retry", err)
		}
	})
	t.Run("MentionsNeverParsed", func(t *testing.T) {
		from := len(fake.Requests())
		if err := r.Send(context.Background(), ch, &Reply{Content: "@everyone <@1>"}); err != nil {
			t.Fatal(err)
		}
		q, _ := fake.Wait(t, from, 5*time.Second, fakediscord.Path("POST", "/channels/"+ch+"/messages"))
		if q.Auth != "Bot test-token" || !strings.Contains(string(q.Body), `"allowed_mentions":{"parse":[]`) {
			t.Fatalf("auth %q body %s", q.Auth, q.Body)
		}
	})
	t.Run("BadChannelID", func(t *testing.T) {
		if err := r.Send(context.Background(), "../../users/@me", &Reply{Content: "x"}); err == nil {
			t.Fatal("a path in a channel id was sent")
		}
	})
}

func countRequests(fake *fakediscord.Server, match func(fakediscord.Request) bool) int {
	n := 0
	for _, q := range fake.Requests() {
		if match(q) {
			n++
		}
	}
	return n
}

// TestREST_Fetch: attachments come only from Discord's CDN hosts over https,
// through a client that sends no token and rewrites nothing to the API
// host, bounded in size and time.
func TestREST_Fetch(t *testing.T) {
	fake := fakediscord.New(t, "test-token")
	api, _ := url.Parse(fake.URL)
	cdn, _ := url.Parse(fake.CDNURL)
	r := newTestREST(t, RESTOptions{APIBase: api, CDNBase: cdn, FetchTimeout: 2 * time.Second})
	link := fake.Attach("kb.json", []byte(`{"entries":[]}`))
	t.Run("OK", func(t *testing.T) {
		data, err := r.Fetch(context.Background(), link, 1<<10)
		if err != nil || string(data) != `{"entries":[]}` {
			t.Fatalf("%q %v", data, err)
		}
		got := fake.CDNRequests()
		if len(got) != 1 || got[0].Auth != "" {
			t.Fatalf("CDN requests %+v; want one, without Authorization", got)
		}
		if n := countRequests(fake, func(q fakediscord.Request) bool { return strings.Contains(q.Path, "attachments") }); n != 0 {
			t.Fatalf("the API host saw %d attachment requests", n)
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		if _, err := r.Fetch(context.Background(), link, 5); err == nil || !strings.Contains(err.Error(), "larger than 5 bytes") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("MediaHost", func(t *testing.T) {
		media := strings.Replace(link, "cdn.discordapp.com", "media.discordapp.net", 1)
		if _, err := r.Fetch(context.Background(), media, 1<<10); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("RefusesOtherURLs", func(t *testing.T) {
		before := len(fake.CDNRequests())
		for _, u := range []string{
			strings.Replace(link, "https://", "http://", 1),
			strings.Replace(link, "cdn.discordapp.com", "discord.com", 1),
			strings.Replace(link, "cdn.discordapp.com", "cdn.discordapp.com.evil.example", 1),
			strings.Replace(link, "cdn.discordapp.com", "cdn.discordapp.com:8443", 1),
			strings.Replace(link, "https://", "https://user:pw@", 1),
			"https://evil.example/attachments/1/2/kb.json",
			fake.URL + "/api/v9/users/@me",
			"not a url\x7f",
		} {
			if _, err := r.Fetch(context.Background(), u, 1<<10); !errors.Is(err, ErrNotAttachment) {
				t.Errorf("%q: err = %v", u, err)
			}
		}
		if n := len(fake.CDNRequests()) - before; n != 0 {
			t.Fatalf("%d refused URLs were requested", n)
		}
	})
	t.Run("TimeBounded", func(t *testing.T) {
		hang := make(chan struct{})
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			<-hang
		}))
		defer slow.Close()
		defer close(hang) // before Close, which waits for the handler
		sb, _ := url.Parse(slow.URL)
		r := newTestREST(t, RESTOptions{APIBase: api, CDNBase: sb, FetchTimeout: 200 * time.Millisecond})
		done := make(chan error, 1)
		go func() { _, err := r.Fetch(context.Background(), link, 1<<10); done <- err }()
		select {
		case err := <-done:
			if err == nil {
				t.Fatal("a hung download succeeded")
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the download was not bounded in time")
		}
	})
	t.Run("NoRedirects", func(t *testing.T) {
		redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, fake.URL+"/api/v9/users/@me", http.StatusFound)
		}))
		defer redir.Close()
		rb, _ := url.Parse(redir.URL)
		r := newTestREST(t, RESTOptions{APIBase: api, CDNBase: rb})
		before := len(fake.Requests())
		if _, err := r.Fetch(context.Background(), link, 1<<10); err == nil {
			t.Fatal("followed a redirect")
		}
		if len(fake.Requests()) != before {
			t.Fatal("the redirect reached the API host")
		}
	})
}
