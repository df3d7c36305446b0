package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
	vars := map[string]string{"DISCORD_TOKEN": "test-token", "DISCORD_API_BASE_URL": fake.URL, "DISCORD_CDN_BASE_URL": fake.CDNURL, "KB_DB_PATH": filepath.Join(t.TempDir(), "kb.db"), "LOG_LEVEL": "debug", "SHUTDOWN_TIMEOUT": "5s", "RATE_LIMIT_QUESTIONS": "1000"}
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
	if vars["GATEWAY"] != "off" {
		fake.WaitConnected(t, wait)
	}
	if !eventually(func() bool { return strings.Contains(h.logs.String(), "msg=\"serving;") }) {
		t.Fatalf("the bot is not serving after %v", wait)
	}
	return h
}

// eventually polls cond until it holds or the wait runs out, and reports
// whether it held. Callers must check the result (TestEventuallyChecked).
func eventually(cond func() bool) bool {
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// countWhere counts the recorded requests that match.
func countWhere(reqs []fakediscord.Request, match func(fakediscord.Request) bool) int {
	n := 0
	for _, r := range reqs {
		if match(r) {
			n++
		}
	}
	return n
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

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
