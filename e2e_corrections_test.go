package main

import (
	"encoding/json"
	"strings"
	"testing"

	"crisisbot/internal/fakediscord"
)

const (
	chMention = "310000000000000001"
	chAsk     = "310000000000000002"
	chFor     = "310000000000000003"
	member    = "500000000000000077"
)

// sentID is the id of the message a request created (a channel message, or
// the message of an interaction callback sent with_response).
func sentID(t *testing.T, r fakediscord.Request) string {
	t.Helper()
	var m struct {
		ID       string `json:"id"`
		Resource struct {
			Message struct {
				ID string `json:"id"`
			} `json:"message"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(r.Response, &m); err != nil {
		t.Fatalf("%s %s answered %s", r.Method, r.Path, r.Response)
	}
	if m.ID != "" {
		return m.ID
	}
	if m.Resource.Message.ID == "" {
		t.Fatalf("no message id in %s", r.Response)
	}
	return m.Resource.Message.ID
}

func inChannel(ch string) func(map[string]any) {
	return func(m map[string]any) { m["channel_id"] = ch }
}

func forMember(q, user string, private bool) func(map[string]any) {
	return func(m map[string]any) {
		opts := []any{map[string]any{"name": "question", "type": 3, "value": q}, map[string]any{"name": "for", "type": 6, "value": user}}
		if private {
			opts = append(opts, map[string]any{"name": "private", "type": 5, "value": true})
		}
		m["data"].(map[string]any)["options"] = opts
		m["data"].(map[string]any)["resolved"] = map[string]any{"users": map[string]any{user: map[string]any{"id": user, "username": "m", "discriminator": "0", "bot": user == fakediscord.BotUserID}}}
	}
}

// TestE2E_Corrections: answers given by a mention reply, by /ask and by /ask
// for someone are corrected after a moderator edits the entry (the reply is
// edited, the /ask answers get one correction reply each), after a hide
// (withdrawn) and after a revert (corrected again); with corrections off,
// nothing is touched.
func TestE2E_Corrections(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, map[string]string{"CORRECTIONS_DELAY": "20ms"})
	mod := asMember(guildA, modA, "32")

	// The answers: a mention reply, a public /ask, an /ask for a member.
	from := len(fake.Requests())
	h.message(t, "message_mention", func(m map[string]any) { m["content"] = "<@900000000000000001> who is peskov" })
	reply, _ := fake.Wait(t, from, wait, fakediscord.Path("POST", "/channels/"+chMention+"/messages"))
	replyID := sentID(t, reply)
	ask := func(ch string, edit func(map[string]any)) (fakediscord.Request, map[string]any) {
		t.Helper()
		from := len(fake.Requests())
		d := data(t, h.interact(t, "slash_ask", both(asMember(guildA, "500000000000000001", "0"), inChannel(ch), edit)))
		r, _ := fake.Wait(t, from, wait, fakediscord.Path("POST", "/callback"))
		return r, d
	}
	askReq, _ := ask(chAsk, setQuestion("who is peskov"))
	askID := sentID(t, askReq)
	forReq, forData := ask(chFor, forMember("kb:who-is-peskov", member, false))
	forID := sentID(t, forReq)
	am, _ := json.Marshal(forData["allowed_mentions"])
	if !strings.Contains(content(forData), "<@"+member+">") || string(am) != `{"parse":[],"replied_user":false,"users":["`+member+`"]}` {
		t.Fatalf("an answer for a member: %q, allowed_mentions %s", content(forData), am)
	}

	// A moderator edits the entry.
	body := h.interact(t, "slash_ask", both(mod, kbCommand("edit", strOpt("id", "who-is-peskov"))))
	formID, fields := modalFields(t, data(t, body))
	fields["answer"] = "Dmitry Peskov is the Kremlin spokesman (corrected wording)."
	from = len(fake.Requests())
	if saved := data(t, h.interact(t, "slash_ask", both(mod, modalSubmit(formID, fields)))); !strings.Contains(content(saved), "Saved") {
		t.Fatalf("save: %v", saved)
	}
	edited, _ := fake.Wait(t, from, wait, fakediscord.Path("PATCH", "/channels/"+chMention+"/messages/"+replyID))
	if s := string(edited.Body); !strings.Contains(s, "Corrected on") || !strings.Contains(s, "the answer was updated") || !strings.Contains(s, "corrected wording") || !strings.Contains(s, `"allowed_mentions":{"parse":[],"replied_user":false}`) {
		t.Fatalf("the reply was edited to %s", s)
	}
	for ch, id := range map[string]string{chAsk: askID, chFor: forID} {
		r, _ := fake.Wait(t, from, wait, fakediscord.Path("POST", "/channels/"+ch+"/messages"))
		if s := string(r.Body); !strings.Contains(s, `"message_id":"`+id+`"`) || !strings.Contains(s, "Corrected on") || !strings.Contains(s, `"allowed_mentions":{"parse":[],"replied_user":false}`) || !strings.Contains(s, "/open/who-is-peskov") {
			t.Fatalf("the correction under /ask in %s: %s", ch, s)
		}
	}

	// Hidden: the answers say it was withdrawn.
	from = len(fake.Requests())
	h.interact(t, "button_open", both(mod, func(m map[string]any) {
		m["data"] = map[string]any{"custom_id": "/kbrm/" + guildA + "/who-is-peskov/1", "component_type": 2}
	}))
	hidden, _ := fake.Wait(t, from, wait, fakediscord.Path("PATCH", "/channels/"+chMention+"/messages/"+replyID))
	if s := string(hidden.Body); !strings.Contains(s, "withdrew this answer") || strings.Contains(s, "corrected wording") {
		t.Fatalf("after the hide the reply is %s", s)
	}
	for _, ch := range []string{chAsk, chFor} {
		if r, _ := fake.Wait(t, from, wait, fakediscord.Path("POST", "/channels/"+ch+"/messages")); !strings.Contains(string(r.Body), "withdrew") || strings.Contains(string(r.Body), "/open/") {
			t.Fatalf("the withdrawal under /ask in %s: %s", ch, r.Body)
		}
	}

	// Reverted to the first version: corrected again.
	from = len(fake.Requests())
	rev := data(t, h.interact(t, "slash_ask", both(mod, kbCommand("revert", strOpt("id", "who-is-peskov"), map[string]any{"name": "version", "type": 4, "value": 1}))))
	if !strings.Contains(content(rev), "Restored version 1") {
		t.Fatalf("revert: %v", rev)
	}
	back, _ := fake.Wait(t, from, wait, fakediscord.Path("PATCH", "/channels/"+chMention+"/messages/"+replyID))
	if s := string(back.Body); !strings.Contains(s, "restored this answer") || !strings.Contains(s, "corrected wording") {
		t.Fatalf("after the revert the reply is %s", s)
	}
	for _, ch := range []string{chAsk, chFor} {
		if r, _ := fake.Wait(t, from, wait, fakediscord.Path("POST", "/channels/"+ch+"/messages")); !strings.Contains(string(r.Body), "restored this answer") {
			t.Fatalf("the correction after the revert in %s: %s", ch, r.Body)
		}
	}

	// Corrections off: an edit reaches no earlier answer.
	if d := data(t, h.interact(t, "slash_ask", both(mod, kbCommand("settings", strOpt("corrections", "off"))))); !strings.Contains(content(d), "Corrections of earlier answers: **off**") {
		t.Fatalf("settings: %v", d)
	}
	body = h.interact(t, "slash_ask", both(mod, kbCommand("edit", strOpt("id", "who-is-peskov"))))
	formID, fields = modalFields(t, data(t, body))
	fields["answer"] = "Dmitry Peskov is the Kremlin spokesman (not announced)."
	from = len(fake.Requests())
	data(t, h.interact(t, "slash_ask", both(mod, modalSubmit(formID, fields))))
	if !eventually(func() bool { return strings.Contains(h.logs.String(), "corrections are off in this server") }) {
		t.Fatal("the corrections were not skipped")
	}
	for _, r := range fake.Requests()[from:] {
		if strings.HasPrefix(r.Path, "/api/v9/channels/"+chMention) || strings.HasPrefix(r.Path, "/api/v9/channels/"+chAsk) {
			t.Fatalf("corrections are off, yet %s %s %s", r.Method, r.Path, r.Body)
		}
	}
}

// TestE2E_AnswersForSomeone: /ask for a bot or privately for someone is
// refused; Ask CrisisBot mentions the message's author only once the
// server's managers allow it.
func TestE2E_AnswersForSomeone(t *testing.T) {
	t.Parallel()
	h := startBot(t, newFake(t), nil)
	for name, edit := range map[string]func(map[string]any){
		"Bot":     forMember("who is peskov", fakediscord.BotUserID, false),
		"Private": forMember("who is peskov", member, true),
	} {
		d := data(t, h.interact(t, "slash_ask", edit))
		if d["flags"] != float64(64) || len(d["embeds"].([]any)) != 0 {
			t.Fatalf("%s: %v", name, d)
		}
	}
	const author = "500000000000000003" // of the message in the context_menu fixture
	off := data(t, h.interact(t, "context_menu", nil))
	if am, _ := json.Marshal(off["allowed_mentions"]); strings.Contains(content(off), "<@"+author+">") || string(am) != `{"parse":[],"replied_user":false}` || !strings.Contains(content(off), "/320000000000000001") {
		t.Fatalf("without the setting: %q %s", content(off), am)
	}
	if d := data(t, h.interact(t, "slash_ask", both(asMember(guildA, "500000000000000010", "0"), kbCommand("settings", strOpt("mention_author", "on"))))); d["flags"] != float64(64) || strings.Contains(content(d), "Saved") {
		t.Fatalf("a member changed the setting: %v", d)
	}
	if d := data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), kbCommand("settings", strOpt("mention_author", "on"))))); !strings.Contains(content(d), "mentions the message's author: **on**") {
		t.Fatalf("settings: %v", d)
	}
	on := data(t, h.interact(t, "context_menu", func(m map[string]any) { m["channel_id"] = "310000000000000009" }))
	if am, _ := json.Marshal(on["allowed_mentions"]); !strings.Contains(content(on), "<@"+author+">") || string(am) != `{"parse":[],"replied_user":false,"users":["`+author+`"]}` {
		t.Fatalf("with the setting: %q %s", content(on), am)
	}
}

// TestE2E_CorrectionsInServerLocale: an edited answer has no reader's
// locale, so its correction speaks the server's preferred locale from
// GUILD_CREATE (Ukrainian here), even when the moderator's Discord is in
// English.
func TestE2E_CorrectionsInServerLocale(t *testing.T) {
	t.Parallel()
	const guild, ch = "300000000000000078", "310000000000000078"
	fake := newFake(t)
	h := startBot(t, fake, map[string]string{"CORRECTIONS_DELAY": "20ms"})
	if err := fake.GuildCreateIn(guild, "uk"); err != nil {
		t.Fatal(err)
	}
	from := len(fake.Requests())
	h.message(t, "message_mention", func(m map[string]any) {
		m["guild_id"], m["channel_id"], m["content"] = guild, ch, "<@900000000000000001> who is peskov"
	})
	reply, _ := fake.Wait(t, from, wait, fakediscord.Path("POST", "/channels/"+ch+"/messages"))
	replyID := sentID(t, reply)

	mod := both(asMember(guild, modA, "32"), inLocale("en-US", "en-US"))
	formID, fields := modalFields(t, data(t, h.interact(t, "slash_ask", both(mod, kbCommand("edit", strOpt("id", "who-is-peskov"))))))
	fields["answer"] = "Dmitry Peskov is the Kremlin spokesman (corrected wording)."
	from = len(fake.Requests())
	if saved := data(t, h.interact(t, "slash_ask", both(mod, modalSubmit(formID, fields)))); !strings.Contains(content(saved), "Saved") {
		t.Fatalf("save: %v", saved)
	}
	edited, _ := fake.Wait(t, from, wait, fakediscord.Path("PATCH", "/channels/"+ch+"/messages/"+replyID))
	if s := string(edited.Body); !strings.Contains(s, "Виправлено") || !strings.Contains(s, "corrected wording") || strings.Contains(s, "Corrected on") {
		t.Fatalf("the reply in a Ukrainian server was edited to %s", s)
	}
}
