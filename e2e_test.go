package main

import (
	"encoding/json"
	"strings"
	"testing"
)

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
		d := data(t, h.interact(t, "slash_ask", setQuestion("tell me about the talks")))
		if len(customIDs(d)) == 0 {
			t.Fatal("no suggestion buttons")
		}
		for _, id := range customIDs(d) {
			// A suggestion opens its entry and records the pick (/pick/ENTRY/QUESTION-REF).
			if !strings.HasPrefix(id, "/pick/") || len(strings.Split(id, "/")) != 4 {
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
