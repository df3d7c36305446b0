package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"crisisbot/bot"
	"crisisbot/internal/fakediscord"
)

// guildOnShard returns a guild id whose events Discord sends to shard.
func guildOnShard(shard, count int) string {
	for i := uint64(0); ; i++ {
		id := uint64(300000000000000001) + i<<22
		if fakediscord.ShardOf(id, count) == shard {
			return strconv.FormatUint(id, 10)
		}
	}
}

// TestE2E_ShardsInTwoProcesses: one bot's 4 shards split over two running
// programs (SHARD_IDS 0-1 and 2-3); each answers only its shards' servers,
// DMs are answered once (by the one running shard 0), and nothing goes over
// Discord's identify concurrency.
func TestE2E_ShardsInTwoProcesses(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	fake.ShardCount, fake.MaxConcurrency, fake.IdentifyWindow = 4, 4, 5*time.Second
	a := startBot(t, fake, map[string]string{"SHARD_COUNT": "4", "SHARD_IDS": "0-1"})
	b := startBot(t, fake, map[string]string{"SHARD_IDS": "2-3"}) // SHARD_COUNT auto: 4 from /gateway/bot
	fake.WaitShards(t, wait, 0, 1, 2, 3)
	for shard := range 4 {
		h := map[bool]*harness{true: a, false: b}[shard < 2]
		body := h.interact(t, "slash_ask", func(m map[string]any) { m["guild_id"] = guildOnShard(shard, 4) })
		if embedTitle(t, data(t, body)) == "" {
			t.Fatalf("shard %d: no answer", shard)
		}
	}
	dm := a.message(t, "message_dm", nil)
	if embedTitle(t, dm) == "" {
		t.Fatalf("DM not answered: %v", dm)
	}
	// A mention in a server on shard 3: the second process's.
	if mention := b.message(t, "message_mention", func(m map[string]any) { m["guild_id"] = guildOnShard(3, 4) }); embedTitle(t, mention) == "" {
		t.Fatalf("mention not answered: %v", mention)
	}
	for _, c := range []struct {
		h    *harness
		mine []int
	}{{a, []int{0, 1}}, {b, []int{2, 3}}} {
		for shard := range 4 {
			connected := strings.Contains(c.h.logs.String(), fmt.Sprintf(`msg="connected to Discord" shard=%d `, shard))
			if mine := shard/2 == c.mine[0]/2; connected != mine {
				t.Errorf("process with shards %v: connected to shard %d: %v", c.mine, shard, connected)
			}
		}
	}
	// With the second process gone, its servers go unanswered (Discord has
	// nowhere to send their events) and the first still answers its own.
	if err := b.stop(t); err != nil {
		t.Fatal(err)
	}
	if !eventually(func() bool {
		_, err := fake.DispatchShard("INTERACTION_CREATE", map[string]any{"guild_id": guildOnShard(2, 4)})
		return err != nil
	}) {
		t.Fatal("shard 2 still connected after its process stopped")
	}
	if embedTitle(t, data(t, a.interact(t, "slash_ask", func(m map[string]any) { m["guild_id"] = guildOnShard(0, 4) }))) == "" {
		t.Fatal("shard 0 stopped answering")
	}
	reqs := fake.Requests()
	if n := countWhere(reqs, func(r fakediscord.Request) bool { return strings.HasSuffix(r.Path, "/messages") && r.Method == "POST" }); n != 2 {
		t.Errorf("%d replies to one DM and one mention", n)
	}
	if n := countWhere(reqs, func(r fakediscord.Request) bool { return strings.HasSuffix(r.Path, "/callback") }); n != 5 {
		t.Errorf("%d callbacks for 5 interactions", n)
	}
	if fake.IdentifyRefusals() != 0 || fake.BadShards() != 0 {
		t.Errorf("%d IDENTIFYs over the limit, %d bad shards", fake.IdentifyRefusals(), fake.BadShards())
	}
}

var endpointAddr = regexp.MustCompile(`msg="serving interactions over HTTP" addr=(\S+)`)

// endpoint returns the URL of the running program's interactions endpoint.
func (h *harness) endpoint(t *testing.T) string {
	t.Helper()
	m := endpointAddr.FindStringSubmatch(h.logs.String())
	if m == nil {
		t.Fatal("no interactions endpoint in the logs")
	}
	return "http://" + m[1] + "/interactions"
}

// post sends body to the endpoint, signed by sign (nil: unsigned).
func post(t *testing.T, url string, body []byte, sign func(http.Header, []byte)) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sign != nil {
		sign(req.Header, body)
	}
	resp, err := (&http.Client{Timeout: wait}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// inline checks an inline answer against Discord's schema for interaction
// responses (the callback's request body: the same object).
func inline(t *testing.T, id string, code int, body []byte) map[string]any {
	t.Helper()
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	s, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate("POST", "/api/v9/interactions/"+id+"/tok-"+id+"/callback", body); err != nil {
		t.Errorf("inline answer: %v", err)
	}
	var m map[string]any
	json.Unmarshal(body, &m)
	return m
}

// TestE2E_InteractionsEndpoint: a pure HTTP replica (GATEWAY=off) answers
// signed interactions inline, refuses bad signatures, and defers a slow one
// then edits it through REST.
func TestE2E_InteractionsEndpoint(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, map[string]string{"GATEWAY": "off", "INTERACTIONS_ADDR": "127.0.0.1:0"})
	url := h.endpoint(t)
	sign := func(hd http.Header, body []byte) { fake.Sign(hd, body, time.Now()) }
	if !strings.Contains(h.logs.String(), "not DMs, mentions or ask channels") || fake.Identifies() != 0 {
		t.Fatal("GATEWAY=off: the gateway was used or the log does not say what is not served")
	}
	t.Run("Ask", func(t *testing.T) {
		m, id := h.fixture(t, "slash_ask", nil)
		body, _ := json.Marshal(m)
		code, out := post(t, url, body, sign)
		got := inline(t, id, code, out)
		if got["type"] != float64(4) || embedTitle(t, data(t, got)) == "" {
			t.Fatalf("answer: %v", got)
		}
	})
	t.Run("Ping", func(t *testing.T) {
		body := []byte(`{"id":"1","application_id":"` + fakediscord.AppID + `","type":1,"token":"t","version":1}`)
		if code, out := post(t, url, body, sign); code != 200 || strings.TrimSpace(string(out)) != `{"type":1}` {
			t.Fatalf("%d %s", code, out)
		}
	})
	t.Run("BadSignature", func(t *testing.T) {
		m, _ := h.fixture(t, "slash_ask", nil)
		body, _ := json.Marshal(m)
		_, other, _ := ed25519.GenerateKey(rand.Reader)
		for name, s := range map[string]func(http.Header, []byte){
			"Missing":  nil,
			"OtherKey": func(hd http.Header, b []byte) { signWith(other, hd, b) },
			"ChangedBytes": func(hd http.Header, b []byte) {
				fake.Sign(hd, bytes.Replace(b, []byte("Russian"), []byte("Russiam"), 1), time.Now())
			},
		} {
			if code, _ := post(t, url, body, s); code != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", name, code)
			}
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		body := []byte(`{"type":2,"pad":"` + strings.Repeat("x", 300<<10) + `"}`)
		if code, _ := post(t, url, body, sign); code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", code)
		}
	})
	t.Run("SlowClient", func(t *testing.T) {
		// Headers never finished: the server hangs up (ReadHeaderTimeout)
		// instead of keeping the connection and its goroutine.
		conn, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/interactions"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Write([]byte("POST /interactions HTTP/1.1\r\nHost: bot\r\nX-Signature-Timestamp: 1")); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(wait))
		if _, err := io.ReadAll(conn); err != nil {
			t.Fatalf("the connection was kept open: %v", err)
		}
	})
	t.Run("SlowDeferredThenEdited", func(t *testing.T) {
		fake.Delay("/slow.json", 2500*time.Millisecond)
		file, _ := json.Marshal(map[string]any{"entries": []any{}})
		opt, resolved := attachmentOpt(fake, "slow.json", file)
		m, id := h.fixture(t, "slash_ask", both(asMember(guildA, modA, "32"), kbCommand("import", opt), func(m map[string]any) {
			m["data"].(map[string]any)["resolved"] = resolved
		}))
		body, _ := json.Marshal(m)
		from := len(fake.Requests())
		code, out := post(t, url, body, sign)
		got := inline(t, id, code, out)
		if got["type"] != float64(5) {
			t.Fatalf("a slow answer was not deferred: %v", got)
		}
		edit, _ := fake.Wait(t, from, wait, fakediscord.Path("PATCH", "/webhooks/"+fakediscord.AppID+"/tok-"+id+"/messages/@original"))
		if c, _ := edit.JSON()["content"].(string); c == "" {
			t.Fatalf("empty edit: %s", edit.Body)
		}
	})
}

// TestE2E_InteractionsEndpointKey: DISCORD_PUBLIC_KEY, when set, is the key
// (not the application's verify_key), next to a running gateway.
func TestE2E_InteractionsEndpointKey(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	h := startBot(t, fake, map[string]string{"INTERACTIONS_ADDR": "127.0.0.1:0", "DISCORD_PUBLIC_KEY": hex.EncodeToString(pub)})
	m, id := h.fixture(t, "slash_ask", nil)
	body, _ := json.Marshal(m)
	code, out := post(t, h.endpoint(t), body, func(hd http.Header, b []byte) { signWith(priv, hd, b) })
	got := inline(t, id, code, out)
	if embedTitle(t, data(t, got)) == "" {
		t.Fatalf("answer: %v", got)
	}
	if code, _ := post(t, h.endpoint(t), body, func(hd http.Header, b []byte) { fake.Sign(hd, b, time.Now()) }); code != http.StatusUnauthorized {
		t.Fatalf("signed with the verify_key instead: %d", code)
	}
	// The gateway runs next to the endpoint: a DM is still answered.
	if embedTitle(t, h.message(t, "message_dm", nil)) == "" {
		t.Fatal("DM not answered")
	}
}

func signWith(priv ed25519.PrivateKey, h http.Header, body []byte) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	h.Set("X-Signature-Timestamp", ts)
	h.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...))))
}

// TestE2E_ShardingRequired: a close code that reconnecting cannot fix on a
// shard (4011, too few shards for the bot's servers) stops the program with
// exit status 2, as on an unsharded bot.
func TestE2E_ShardingRequired(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	fake.ShardCount, fake.MinShards = 2, 2
	env := map[string]string{"DISCORD_TOKEN": "test-token", "DISCORD_API_BASE_URL": fake.URL, "KB_DB_PATH": filepath.Join(t.TempDir(), "kb.db"), "SHARD_COUNT": "1"}
	err := run(context.Background(), nil, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &syncBuffer{})
	if !errors.Is(err, bot.ErrFatalGateway) || exitCode(err) != 2 || !strings.Contains(err.Error(), "sharding required") {
		t.Fatalf("err = %v (exit %d), want sharding required, exit 2", err, exitCode(err))
	}
}

// TestE2E_InteractionsEndpointShutdown: stopping with an HTTP interaction
// in flight lets it finish in order: its inline deferral is sent, its edit
// goes out through REST before the program returns, and no new request is
// taken.
func TestE2E_InteractionsEndpointShutdown(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, map[string]string{"GATEWAY": "off", "INTERACTIONS_ADDR": "127.0.0.1:0"})
	url := h.endpoint(t)
	fake.Delay("/slow.json", 2500*time.Millisecond)
	file, _ := json.Marshal(map[string]any{"entries": []any{}})
	opt, resolved := attachmentOpt(fake, "slow.json", file)
	m, id := h.fixture(t, "slash_ask", both(asMember(guildA, modA, "32"), kbCommand("import", opt), func(m map[string]any) {
		m["data"].(map[string]any)["resolved"] = resolved
	}))
	body, _ := json.Marshal(m)
	type answer struct {
		code int
		body []byte
	}
	got := make(chan answer, 1)
	go func() {
		code, out := post(t, url, body, func(hd http.Header, b []byte) { fake.Sign(hd, b, time.Now()) })
		got <- answer{code, out}
	}()
	if !eventually(func() bool { return len(fake.CDNRequests()) > 0 }) {
		t.Fatal("the slow handler never started")
	}
	if err := h.stop(t); err != nil {
		t.Fatal(err)
	}
	a := <-got
	if inline(t, id, a.code, a.body)["type"] != float64(5) {
		t.Fatalf("in-flight request: %d %s", a.code, a.body)
	}
	if n := countWhere(fake.Requests(), fakediscord.Path("PATCH", "/webhooks/"+fakediscord.AppID+"/tok-"+id+"/messages/@original")); n != 1 {
		t.Fatalf("%d edits before the program returned; want the in-flight handler finished", n)
	}
	if _, err := (&http.Client{Timeout: time.Second}).Post(url, "application/json", bytes.NewReader(body)); err == nil {
		t.Fatal("a request was taken after shutdown")
	}
}
