package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"crisisbot/bot"
	"crisisbot/internal/fakediscord"
)

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
	if puts := countWhere(fake.Requests(), func(r fakediscord.Request) bool { return r.Method == "PUT" }); puts != 1 {
		t.Errorf("%d bulk overwrites across two starts; want 1", puts)
	}
}

func TestE2E_Resilience(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	t.Run("DroppedConnection", func(t *testing.T) {
		fake.Drop()
		if !eventually(func() bool { return fake.Resumes() > 0 }) || fake.Resumes() != 1 {
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
		if !eventually(func() bool { return fake.Identifies() > before }) || fake.Identifies() != before+1 {
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
		if limited := countWhere(fake.Requests()[from:], func(r fakediscord.Request) bool { return r.Status == 429 }); limited != 1 {
			t.Fatalf("%d rate-limited attempts; want 1 then success", limited)
		}
	})
}

func TestE2E_RejectedToken(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	fake.RejectToken()
	var logs syncBuffer
	env := map[string]string{"DISCORD_TOKEN": "test-token", "DISCORD_API_BASE_URL": fake.URL, "KB_DB_PATH": filepath.Join(t.TempDir(), "kb.db")}
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
	if !eventually(func() bool { return fake.InFlight() > 0 }) {
		t.Fatal("the reply never reached the fake")
	}
	if err := h.stop(t); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	done := false
	for _, r := range fake.Requests() {
		if strings.Contains(r.Path, "/interactions/"+id+"/") && r.Status < 300 { // 200 with_response
			done = true
		}
	}
	if !done {
		t.Fatal("the in-flight reply was cut off by shutdown")
	}
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
		env := map[string]string{"DISCORD_TOKEN": "test-token", "DISCORD_API_BASE_URL": fake.URL, "KB_DB_PATH": filepath.Join(t.TempDir(), "kb.db"), "ASK_CHANNEL_IDS": "410000000000000001"}
		err := run(context.Background(), nil, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &syncBuffer{})
		if err == nil || !strings.Contains(err.Error(), "Privileged Gateway Intents") {
			t.Fatalf("err = %v", err)
		}
		if !errors.Is(err, bot.ErrFatalGateway) || exitCode(err) != 2 {
			t.Fatalf("err = %v (exit %d): close 4014 is fatal, exit 2", err, exitCode(err))
		}
	})
}

func TestE2E_RegisterCommand(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	env := map[string]string{"DISCORD_TOKEN": "test-token", "DISCORD_API_BASE_URL": fake.URL, "KB_DB_PATH": filepath.Join(t.TempDir(), "kb.db"), "DISCORD_GUILD_ID": "300000000000000001"}
	for i := 0; i < 2; i++ {
		if err := run(context.Background(), []string{"register"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &syncBuffer{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := countWhere(fake.Requests(), func(r fakediscord.Request) bool {
		return strings.HasSuffix(r.Path, "/guilds/300000000000000001/commands") && r.Status < 300
	}); n != 2 {
		t.Fatalf("%d guild overwrites; register forces one each time", n)
	}
	if fake.Identifies() != 0 {
		t.Fatal("register opened the gateway")
	}
}
