package main

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestE2E_UnansweredAndStats: declined questions are counted per server and
// offered as new entries; stats count questions, answers and votes.
func TestE2E_UnansweredAndStats(t *testing.T) {
	t.Parallel()
	h := startBot(t, newFake(t), nil)
	reader := asMember(guildA, "500000000000000099", "0")
	for _, q := range []string{"How many Ukrainian refugees are there?", "how many ukrainian  refugees are there", "What is Nord Stream 2?"} {
		h.interact(t, "slash_ask", both(reader, setQuestion(q)))
	}
	h.interact(t, "slash_ask", both(reader, setQuestion("who is peskov")))
	h.interact(t, "button_open", both(reader, func(m map[string]any) {
		m["data"] = map[string]any{"custom_id": "/fb/who-is-peskov/up", "component_type": 2}
	}))
	mod := asMember(guildA, modA, "32")
	// The question counter is written off the reply path; poll for it.
	var list map[string]any
	counted := eventually(func() bool {
		list = data(t, h.interact(t, "slash_ask", both(mod, kbCommand("unanswered"))))
		raw, _ := json.Marshal(list)
		return strings.Contains(string(raw), "asked 2×")
	})
	raw, _ := json.Marshal(list)
	if !counted {
		t.Fatalf("the repeated question was not counted within %v: %s", wait, raw)
	}
	if !strings.Contains(string(raw), "how many ukrainian refugees are there”") || !strings.Contains(string(raw), "asked 2×") {
		t.Fatalf("unanswered: %s", raw)
	}
	form := h.interact(t, "button_open", both(mod, func(m map[string]any) {
		m["data"] = map[string]any{"custom_id": "/kbnew/0", "component_type": 2}
	}))
	if form["type"] != float64(9) {
		t.Fatalf("Create entry did not open the form: %v", form)
	}
	if _, fields := modalFields(t, data(t, form)); fields["question"] != "how many ukrainian refugees are there" {
		t.Fatalf("form not pre-filled: %v", fields)
	}
	stats, _ := h.reply(t, "slash_ask", both(mod, kbCommand("stats"))) // the chart may make it deferred
	if raw, _ := json.Marshal(stats); !strings.Contains(string(raw), "answered: **1**") || !strings.Contains(string(raw), "`who-is-peskov` — 1 answers · 👍 1 · 👎 0") {
		t.Fatalf("stats: %s", raw)
	}
	// Server B has seen none of it.
	other := data(t, h.interact(t, "slash_ask", both(asMember(guildB, modA, "32"), kbCommand("unanswered"))))
	if !strings.Contains(content(other), "No declined questions") {
		t.Fatalf("server B: %v", other)
	}
}

// TestE2E_ModalLimitsRoundTrip saves a form filled to its limits with text
// from many scripts and gets exactly that text back.
func TestE2E_ModalLimitsRoundTrip(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	fill := func(seed string, n int) string {
		var b strings.Builder
		for utf8.RuneCountInString(b.String()) < n {
			b.WriteString(seed)
		}
		r := []rune(b.String())[:n]
		r[n-1] = 'Ω' // no trailing space: the form trims those, on purpose
		return string(r)
	}
	question := fill("Ｗｈｏ 谁 من מי кто ποιος कौन 🕊 e\u0301? ", 100)
	answer := fill("According to HNGN — «цитата» “quote” 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☮️ שלום 和平 السلام. ", 1500)
	aliases := []string{fill("alias one ünï ", 100), fill("alias two 二 ", 100)}
	fields := map[string]string{"question": question, "aliases": strings.Join(aliases, "\n"), "answer": answer,
		"quote": "Sherman will then go to Brussels to inform NATO partners on the bilateral discussions with Russia", "source": "hngn-2022-01-10"}
	mod := asMember(guildA, modA, "32")
	saved := data(t, h.interact(t, "slash_ask", both(mod, modalSubmit("/kbsave/"+guildA+"/new/0", fields))))
	if !strings.Contains(content(saved), "Saved") {
		t.Fatalf("save at the limits: %v", saved)
	}
	from := len(fake.Requests())
	h.interact(t, "slash_ask", both(mod, kbCommand("export")))
	var file []byte
	for _, r := range fake.Requests()[from:] {
		for _, f := range r.Files {
			file = f
		}
	}
	var doc struct {
		Entries []struct {
			Question string   `json:"question"`
			Aliases  []string `json:"aliases"`
			Answer   string   `json:"answer"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(file, &doc); err != nil || len(doc.Entries) != 1 {
		t.Fatalf("export: %v", err)
	}
	e := doc.Entries[0]
	if e.Question != question || e.Answer != answer || strings.Join(e.Aliases, "\n") != strings.Join(aliases, "\n") {
		t.Fatalf("text changed on the way:\nquestion %q\nanswer %q", e.Question, e.Answer)
	}
}

// TestE2E_ModeratorRoles: a role added with /kb roles add lets its members
// moderate without Manage Server; removing it takes that away.
func TestE2E_ModeratorRoles(t *testing.T) {
	t.Parallel()
	h := startBot(t, newFake(t), nil)
	const role = "600000000000000001"
	withRole := func(m map[string]any) {
		asMember(guildA, "500000000000000020", "0")(m)
		m["member"].(map[string]any)["roles"] = []any{role}
	}
	edit := kbCommand("edit", strOpt("id", "guard-act"))
	if body := h.interact(t, "slash_ask", both(withRole, edit)); body["type"] == float64(9) {
		t.Fatal("a member without the role opened the form")
	}
	roleCmd := func(sub string) func(map[string]any) {
		return func(m map[string]any) {
			m["data"] = map[string]any{"id": "806", "name": "kb", "type": 1, "options": []any{map[string]any{
				"name": "roles", "type": 2, "options": []any{map[string]any{"name": sub, "type": 1,
					"options": []any{map[string]any{"name": "role", "type": 8, "value": role}}}}}}}
		}
	}
	added := data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), roleCmd("add"))))
	if !strings.Contains(content(added), "Moderator roles now: 1") {
		t.Fatalf("roles add: %v", added)
	}
	if body := h.interact(t, "slash_ask", both(withRole, edit)); body["type"] != float64(9) {
		t.Fatalf("a member with the moderator role was refused: %v", body)
	}
	data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), roleCmd("remove"))))
	if body := h.interact(t, "slash_ask", both(withRole, edit)); body["type"] == float64(9) {
		t.Fatal("the role still moderates after removal")
	}
}
