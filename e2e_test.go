package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"crisisbot/bot"
	"crisisbot/internal/discordspec"
	"crisisbot/internal/fakediscord"
)

const wait = 10 * time.Second

var spec = sync.OnceValues(func() (*discordspec.Spec, error) {
	return discordspec.Load("testdata/discord-api/openapi.json")
})

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// harness is the real program (run) connected to a fake Discord.
type harness struct {
	fake   *fakediscord.Server
	cancel context.CancelFunc
	done   chan error
	logs   *syncBuffer
	ids    atomic.Int64
}

func newFake(t *testing.T) *fakediscord.Server {
	t.Helper()
	s, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	fake := fakediscord.New(t, "test-token")
	fake.Validate = s.Validate
	return fake
}

func startBot(t *testing.T, fake *fakediscord.Server, env map[string]string) *harness {
	t.Helper()
	h := &harness{fake: fake, done: make(chan error, 1), logs: &syncBuffer{}}
	h.ids.Store(1_200_000_000_000_000_000)
	vars := map[string]string{"DISCORD_TOKEN": "test-token", "DISCORD_API_BASE_URL": fake.URL, "LOG_LEVEL": "debug", "SHUTDOWN_TIMEOUT": "5s", "RATE_LIMIT_QUESTIONS": "1000"}
	for k, v := range env {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() {
		h.done <- run(ctx, nil, func(k string) string { return vars[k] }, strings.NewReader(""), &bytes.Buffer{}, h.logs)
	}()
	t.Cleanup(func() {
		if err := h.stop(t); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if strings.Contains(h.logs.String(), "test-token") {
			t.Errorf("the token reached the logs")
		}
		for _, bad := range fake.Invalid() {
			t.Errorf("invalid request: %s", bad)
		}
		if t.Failed() {
			t.Logf("bot logs:\n%s", h.logs.String())
		}
	})
	fake.WaitConnected(t, wait)
	return h
}

func (h *harness) stop(t *testing.T) error {
	h.cancel()
	select {
	case err := <-h.done:
		h.done <- err
		return err
	case <-time.After(wait):
		return errors.New("the bot did not stop")
	}
}

// fixture loads testdata/discord/NAME.json, gives it a fresh id and token, and
// applies edit.
func (h *harness) fixture(t *testing.T, name string, edit func(m map[string]any)) (map[string]any, string) {
	t.Helper()
	raw, err := os.ReadFile("testdata/discord/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprint(h.ids.Add(1))
	m["id"] = id
	if _, ok := m["token"]; ok {
		m["token"] = "tok-" + id
	}
	if edit != nil {
		edit(m)
	}
	return m, id
}

// interact dispatches an interaction and returns the body of its callback.
func (h *harness) interact(t *testing.T, name string, edit func(m map[string]any)) map[string]any {
	t.Helper()
	m, id := h.fixture(t, name, edit)
	from := len(h.fake.Requests())
	if err := h.fake.Dispatch("INTERACTION_CREATE", m); err != nil {
		t.Fatal(err)
	}
	r, _ := h.fake.Wait(t, from, wait, fakediscord.Path("POST", "/interactions/"+id+"/"))
	return r.JSON()
}

func setQuestion(q string) func(map[string]any) {
	return func(m map[string]any) {
		m["data"].(map[string]any)["options"] = []any{map[string]any{"name": "question", "type": 3, "value": q}}
	}
}

func data(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	d, ok := body["data"].(map[string]any)
	if !ok {
		t.Fatalf("callback without data: %v", body)
	}
	return d
}

func embedTitle(t *testing.T, d map[string]any) string {
	t.Helper()
	es, _ := d["embeds"].([]any)
	if len(es) == 0 {
		t.Fatalf("no embed in %v", d)
	}
	title, _ := es[0].(map[string]any)["title"].(string)
	return title
}

func customIDs(d map[string]any) []string {
	var ids []string
	rows, _ := d["components"].([]any)
	for _, r := range rows {
		cs, _ := r.(map[string]any)["components"].([]any)
		for _, c := range cs {
			if id, ok := c.(map[string]any)["custom_id"].(string); ok {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

func TestE2E_HandshakeAndRegistration(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	put, _ := fake.Wait(t, 0, wait, fakediscord.Path("PUT", "/applications/"+fakediscord.AppID+"/commands"))
	var cmds []map[string]any
	json.Unmarshal(put.Body, &cmds)
	names := map[string]bool{}
	for _, c := range cmds {
		names[c["name"].(string)] = true
	}
	for _, n := range []string{"ask", "topics", "source", "help", "Ask CrisisBot"} {
		if !names[n] {
			t.Errorf("command %q not registered (got %v)", n, names)
		}
	}
	if fake.Identifies() != 1 {
		t.Errorf("%d identifies", fake.Identifies())
	}
	if err := h.stop(t); err != nil {
		t.Fatal(err)
	}
	// A restart with unchanged commands reads them but does not overwrite.
	from := len(fake.Requests())
	startBot(t, fake, nil)
	fake.Wait(t, from, wait, fakediscord.Path("GET", "/applications/"+fakediscord.AppID+"/commands"))
	puts := 0
	for _, r := range fake.Requests() {
		if r.Method == "PUT" {
			puts++
		}
	}
	if puts != 1 {
		t.Errorf("%d bulk overwrites across two starts; want 1", puts)
	}
}

func TestE2E_Ask(t *testing.T) {
	t.Parallel()
	h := startBot(t, newFake(t), nil)
	t.Run("Answer", func(t *testing.T) {
		body := h.interact(t, "slash_ask", nil)
		if body["type"] != float64(4) {
			t.Fatalf("callback type %v", body["type"])
		}
		d := data(t, body)
		if got := embedTitle(t, d); got != "How many Russian troops are near the Ukrainian border?" {
			t.Errorf("title %q", got)
		}
		raw, _ := json.Marshal(d)
		for _, want := range []string{"Nearly 100,000 Russian troops", "more than 100,000 soldiers", "hngn.com", "As reported on 10 January 2022", `"parse":[]`} {
			if !strings.Contains(string(raw), want) {
				t.Errorf("answer lacks %q", want)
			}
		}
	})
	t.Run("Decline", func(t *testing.T) {
		body := h.interact(t, "slash_ask", setQuestion("What sanctions has the EU imposed on Russia? @everyone"))
		d := data(t, body)
		if got := embedTitle(t, d); got != "I don't have a sourced answer for that" {
			t.Fatalf("title %q", got)
		}
		raw, _ := json.Marshal(d)
		if strings.Contains(string(raw), "@everyone") {
			t.Errorf("@everyone echoed unescaped: %s", raw)
		}
	})
	t.Run("Suggestions", func(t *testing.T) {
		d := data(t, h.interact(t, "slash_ask", setQuestion("tell me about the meetings and talks")))
		if len(customIDs(d)) == 0 {
			t.Fatal("no suggestion buttons")
		}
		for _, id := range customIDs(d) {
			if !strings.HasPrefix(id, "/open/") {
				t.Errorf("suggestion button %q", id)
			}
		}
	})
	t.Run("Picked", func(t *testing.T) {
		d := data(t, h.interact(t, "slash_ask", setQuestion("kb:guard-act")))
		if got := embedTitle(t, d); got != "What is the GUARD Act?" {
			t.Fatalf("title %q", got)
		}
	})
	t.Run("TooLong", func(t *testing.T) {
		d := data(t, h.interact(t, "slash_ask", setQuestion(strings.Repeat("why ", 300))))
		if d["flags"] != float64(64) || !strings.Contains(d["content"].(string), "longer than 1000") {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("Autocomplete", func(t *testing.T) {
		body := h.interact(t, "autocomplete_ask", nil)
		if body["type"] != float64(8) {
			t.Fatalf("type %v", body["type"])
		}
		choices, _ := data(t, body)["choices"].([]any)
		if len(choices) == 0 || len(choices) > 25 {
			t.Fatalf("%d choices", len(choices))
		}
		first := choices[0].(map[string]any)
		if first["value"] != "kb:who-is-peskov" {
			t.Errorf("first choice %v", first)
		}
	})
	t.Run("ContextMenu", func(t *testing.T) {
		d := data(t, h.interact(t, "context_menu", nil))
		if got := embedTitle(t, d); got != "What is the GUARD Act?" {
			t.Fatalf("title %q", got)
		}
	})
	t.Run("Button", func(t *testing.T) {
		d := data(t, h.interact(t, "button_open", nil))
		if got := embedTitle(t, d); got != "Who is Dmitry Peskov?" || d["flags"] != float64(64) {
			t.Fatalf("title %q flags %v", got, d["flags"])
		}
	})
	t.Run("TopicsPaging", func(t *testing.T) {
		body := h.interact(t, "select_topic", nil)
		if body["type"] != float64(7) {
			t.Fatalf("type %v, want an update", body["type"])
		}
		d := data(t, body)
		ids := customIDs(d)
		if !contains(ids, "/topics/2/1") {
			t.Fatalf("no next-page button in %v", ids)
		}
		next := h.interact(t, "select_topic", func(m map[string]any) {
			m["data"] = map[string]any{"custom_id": "/topics/2/1", "component_type": 2}
		})
		raw, _ := json.Marshal(next)
		if next["type"] != float64(7) || !strings.Contains(string(raw), "Page 2 of 2") {
			t.Fatalf("second page: %s", raw)
		}
	})
	t.Run("UnknownButton", func(t *testing.T) {
		d := data(t, h.interact(t, "button_open", func(m map[string]any) {
			m["data"] = map[string]any{"custom_id": "/gone/x", "component_type": 2}
		}))
		if d["flags"] != float64(64) || !strings.Contains(d["content"].(string), "older version") {
			t.Fatalf("got %v", d)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// message dispatches MESSAGE_CREATE and returns the next message the bot sends.
func (h *harness) message(t *testing.T, name string, edit func(m map[string]any)) map[string]any {
	t.Helper()
	m, _ := h.fixture(t, name, edit)
	from := len(h.fake.Requests())
	if err := h.fake.Dispatch("MESSAGE_CREATE", m); err != nil {
		t.Fatal(err)
	}
	r, _ := h.fake.Wait(t, from, wait, fakediscord.Path("POST", "/messages"))
	return r.JSON()
}

func TestE2E_Messages(t *testing.T) {
	t.Parallel()
	h := startBot(t, newFake(t), map[string]string{"ASK_CHANNEL_IDS": "410000000000000001"})
	t.Run("DM", func(t *testing.T) {
		body := h.message(t, "message_dm", nil)
		if got := embedTitle(t, body); got != "Who is Wendy Sherman?" {
			t.Fatalf("title %q", got)
		}
		ref, _ := body["message_reference"].(map[string]any)
		am, _ := body["allowed_mentions"].(map[string]any)
		if ref == nil || am["replied_user"] != false {
			t.Fatalf("not a silent reply: %v", body)
		}
	})
	t.Run("Mention", func(t *testing.T) {
		body := h.message(t, "message_mention", nil)
		if got := embedTitle(t, body); got != "What is the Strategic Stability Dialogue?" {
			t.Fatalf("title %q", got)
		}
	})
	t.Run("AskChannel", func(t *testing.T) {
		body := h.message(t, "message_mention", func(m map[string]any) {
			m["channel_id"] = "410000000000000001"
			m["content"] = "who is peskov"
			m["mentions"] = []any{}
		})
		if got := embedTitle(t, body); got != "Who is Dmitry Peskov?" {
			t.Fatalf("title %q", got)
		}
	})
	t.Run("BotIgnored", func(t *testing.T) {
		m, _ := h.fixture(t, "message_bot", nil)
		from := len(h.fake.Requests())
		h.fake.Dispatch("MESSAGE_CREATE", m)
		body := h.message(t, "message_dm", func(m map[string]any) { m["content"] = "what is the guard act" })
		if got := embedTitle(t, body); got != "What is the GUARD Act?" {
			t.Fatalf("the reply after a bot's message is %q", got)
		}
		n := 0
		for _, r := range h.fake.Requests()[from:] {
			if strings.HasSuffix(r.Path, "/messages") {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d messages sent; the bot's message must be ignored", n)
		}
	})
	t.Run("RepeatInChannel", func(t *testing.T) {
		edit := func(m map[string]any) { m["content"] = "<@900000000000000001> who is putin" }
		first := h.message(t, "message_mention", edit)
		if embedTitle(t, first) != "Who are the leaders of the US and Russia?" {
			t.Fatalf("first: %v", first)
		}
		second := h.message(t, "message_mention", edit)
		if c, _ := second["content"].(string); !strings.Contains(c, "I answered that here") || len(second["embeds"].([]any)) != 0 {
			t.Fatalf("second: %v", second)
		}
	})
	t.Run("Unaddressed", func(t *testing.T) {
		m, _ := h.fixture(t, "message_mention", func(m map[string]any) { m["mentions"] = []any{}; m["content"] = "who is peskov" })
		from := len(h.fake.Requests())
		h.fake.Dispatch("MESSAGE_CREATE", m)
		body := h.message(t, "message_dm", func(m map[string]any) { m["content"] = "who is biden" })
		if embedTitle(t, body) != "Who are the leaders of the US and Russia?" {
			t.Fatalf("got %v", body)
		}
		if n := countPaths(h.fake.Requests()[from:], "/messages"); n != 1 {
			t.Fatalf("%d replies; a guild message without a mention must be ignored", n)
		}
	})
}

func countPaths(reqs []fakediscord.Request, suffix string) int {
	n := 0
	for _, r := range reqs {
		if strings.HasSuffix(r.Path, suffix) && r.Status < 300 {
			n++
		}
	}
	return n
}

func TestE2E_Resilience(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	t.Run("DroppedConnection", func(t *testing.T) {
		fake.Drop()
		deadline := time.Now().Add(wait)
		for fake.Resumes() == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if fake.Resumes() != 1 {
			t.Fatalf("no RESUME after a drop")
		}
		fake.WaitConnected(t, wait)
		if embedTitle(t, data(t, h.interact(t, "slash_ask", nil))) == "" {
			t.Fatal("no answer after resuming")
		}
	})
	t.Run("InvalidSession", func(t *testing.T) {
		before := fake.Identifies()
		if err := fake.InvalidSession(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(wait)
		for fake.Identifies() == before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if fake.Identifies() != before+1 {
			t.Fatalf("no new IDENTIFY after INVALID_SESSION")
		}
		fake.WaitConnected(t, wait)
		if embedTitle(t, data(t, h.interact(t, "slash_ask", nil))) == "" {
			t.Fatal("no answer after identifying again")
		}
	})
	t.Run("RateLimitedReply", func(t *testing.T) {
		fake.RateLimit("/callback", 0.2)
		from := len(fake.Requests())
		body := h.interact(t, "slash_ask", nil)
		if embedTitle(t, data(t, body)) == "" {
			t.Fatal("no answer")
		}
		limited := 0
		for _, r := range fake.Requests()[from:] {
			if r.Status == 429 {
				limited++
			}
		}
		if limited != 1 {
			t.Fatalf("%d rate-limited attempts; want 1 then success", limited)
		}
	})
}

func TestE2E_RejectedToken(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	fake.RejectToken()
	var logs syncBuffer
	env := map[string]string{"DISCORD_TOKEN": "test-token", "DISCORD_API_BASE_URL": fake.URL}
	start := time.Now()
	err := run(context.Background(), nil, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &logs)
	if !errors.Is(err, bot.ErrTokenRejected) || exitCode(err) != 2 {
		t.Fatalf("err = %v (exit %d), want ErrTokenRejected, exit 2", err, exitCode(err))
	}
	if time.Since(start) > 5*time.Second || fake.Identifies() != 0 {
		t.Fatalf("took %v, %d identifies: the gateway must not be tried", time.Since(start), fake.Identifies())
	}
	if strings.Contains(err.Error()+logs.String(), "test-token") {
		t.Fatal("the token leaked")
	}
}

func TestE2E_ShutdownWithHandlerInFlight(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	fake.Delay("/callback", 700*time.Millisecond)
	m, id := h.fixture(t, "slash_ask", nil)
	if err := fake.Dispatch("INTERACTION_CREATE", m); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(wait)
	for fake.InFlight() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := h.stop(t); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	done := false
	for _, r := range fake.Requests() {
		if strings.Contains(r.Path, "/interactions/"+id+"/") && r.Status == 204 {
			done = true
		}
	}
	if !done {
		t.Fatal("the in-flight reply was cut off by shutdown")
	}
}

func TestE2E_RateLimit(t *testing.T) {
	t.Parallel()
	h := startBot(t, newFake(t), map[string]string{"RATE_LIMIT_QUESTIONS": "2", "RATE_LIMIT_WINDOW": "1h"})
	for i := 0; i < 2; i++ {
		if embedTitle(t, data(t, h.interact(t, "slash_ask", nil))) == "" {
			t.Fatal("no answer within the limit")
		}
	}
	d := data(t, h.interact(t, "slash_ask", nil))
	if c, _ := d["content"].(string); d["flags"] != float64(64) || !strings.Contains(c, "try again in") {
		t.Fatalf("third question: %v", d)
	}
}

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func TestE2E_Intents(t *testing.T) {
	t.Parallel()
	const base = 1<<0 | 1<<9 | 1<<12 // guilds, guild messages, direct messages
	t.Run("Default", func(t *testing.T) {
		t.Parallel()
		fake := newFake(t)
		startBot(t, fake, nil)
		if got := fake.Intents(); got != base {
			t.Fatalf("intents %d, want %d (no privileged intent)", got, base)
		}
	})
	t.Run("AskChannels", func(t *testing.T) {
		t.Parallel()
		fake := newFake(t)
		startBot(t, fake, map[string]string{"ASK_CHANNEL_IDS": "410000000000000001"})
		if got := fake.Intents(); got != base|1<<15 {
			t.Fatalf("intents %d, want message content too", got)
		}
	})
	t.Run("NotEnabledInPortal", func(t *testing.T) {
		t.Parallel()
		fake := newFake(t)
		fake.DisallowedIntents = 1 << 15
		env := map[string]string{"DISCORD_TOKEN": "test-token", "DISCORD_API_BASE_URL": fake.URL, "ASK_CHANNEL_IDS": "410000000000000001"}
		err := run(context.Background(), nil, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &syncBuffer{})
		if err == nil || !strings.Contains(err.Error(), "Privileged Gateway Intents") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestE2E_RegisterCommand(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	env := map[string]string{"DISCORD_TOKEN": "test-token", "DISCORD_API_BASE_URL": fake.URL, "DISCORD_GUILD_ID": "300000000000000001"}
	for i := 0; i < 2; i++ {
		if err := run(context.Background(), []string{"register"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &syncBuffer{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := countPaths(fake.Requests(), "/guilds/300000000000000001/commands"); n != 2 {
		t.Fatalf("%d guild overwrites; register forces one each time", n)
	}
	if fake.Identifies() != 0 {
		t.Fatal("register opened the gateway")
	}
}
