package bot

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/internal/fakediscord"
)

func TestBot_OpenTimeout(t *testing.T) {
	fake := fakediscord.New(t, "tok")
	fake.Silent = true
	base, _ := url.Parse(fake.URL)
	rest, err := NewREST(RESTOptions{Token: "tok", APIBase: base})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{OpenTimeout: 300 * time.Millisecond, Logger: quiet()}, rest, NewRouter(quiet(), nil))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = b.Open(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no READY within") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Open took %v", d)
	}
}

// TestBot_OneRESTPath: the bot's REST calls (token check, registration,
// channel messages to many channels) go through REST, not discordgo's
// request path, whose rate limiter keeps a bucket per URL forever. Only the
// gateway lookup in Open may leave one.
func TestBot_OneRESTPath(t *testing.T) {
	fake := fakediscord.New(t, "tok")
	base, _ := url.Parse(fake.URL)
	rest, err := NewREST(RESTOptions{Token: "tok", APIBase: base, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{Logger: quiet()}, rest, NewRouter(quiet(), nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := b.CheckToken(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Register(ctx, "", []*discordgo.ApplicationCommand{{Name: "ask", Description: "Ask"}}, false); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if err := rest.Send(ctx, fmt.Sprint(420000000000000000+i), &Reply{Content: "audit"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	rl := b.s.Ratelimiter
	rl.Lock()
	n := reflect.ValueOf(rl).Elem().FieldByName("buckets").Len()
	rl.Unlock()
	if n > 1 {
		t.Fatalf("discordgo keeps %d rate-limit buckets; want at most the gateway's", n)
	}
	if sends := len(fake.Requests()); sends < 23 {
		t.Fatalf("%d requests reached the fake", sends)
	}
}
