package main

import (
	"strings"
	"testing"

	"crisisbot/internal/fakediscord"
)

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
		if n := countWhere(h.fake.Requests()[from:], func(r fakediscord.Request) bool { return strings.HasSuffix(r.Path, "/messages") }); n != 1 {
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
		if n := countWhere(h.fake.Requests()[from:], func(r fakediscord.Request) bool { return strings.HasSuffix(r.Path, "/messages") && r.Status < 300 }); n != 1 {
			t.Fatalf("%d replies; a guild message without a mention must be ignored", n)
		}
	})
}
