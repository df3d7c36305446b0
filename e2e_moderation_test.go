package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

const (
	guildA = "300000000000000001"
	guildB = "300000000000000002"
	modA   = "500000000000000010"
)

// asMember sets who runs an interaction and where.
func asMember(guild, user, perms string) func(map[string]any) {
	return func(m map[string]any) {
		if guild == "" {
			delete(m, "guild_id")
			delete(m, "member")
			m["user"] = map[string]any{"id": user, "username": "u", "discriminator": "0"}
			m["context"] = 1
			return
		}
		m["guild_id"] = guild
		m["member"] = map[string]any{"user": map[string]any{"id": user, "username": "u", "discriminator": "0"}, "roles": []any{}, "permissions": perms}
	}
}

func kbCommand(sub string, opts ...map[string]any) func(map[string]any) {
	return func(m map[string]any) {
		o := []any{}
		for _, x := range opts {
			o = append(o, x)
		}
		m["data"] = map[string]any{"id": "806", "name": "kb", "type": 1, "options": []any{map[string]any{"name": sub, "type": 1, "options": o}}}
	}
}

func strOpt(name, v string) map[string]any {
	return map[string]any{"name": name, "type": 3, "value": v}
}

// modalSubmit turns the fixture into a modal submission with these fields.
func modalSubmit(customID string, fields map[string]string) func(map[string]any) {
	return func(m map[string]any) {
		m["type"] = 5
		var rows []any
		for _, k := range []string{"question", "aliases", "answer", "quote", "source"} {
			rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": k, "value": fields[k]}}})
		}
		m["data"] = map[string]any{"custom_id": customID, "components": rows}
	}
}

func both(fs ...func(map[string]any)) func(map[string]any) {
	return func(m map[string]any) {
		for _, f := range fs {
			f(m)
		}
	}
}

// modalFields reads the prefilled values of a modal response.
func modalFields(t *testing.T, d map[string]any) (string, map[string]string) {
	t.Helper()
	out := map[string]string{}
	rows, _ := d["components"].([]any)
	for _, r := range rows {
		for _, c := range r.(map[string]any)["components"].([]any) {
			in := c.(map[string]any)
			v, _ := in["value"].(string)
			out[in["custom_id"].(string)] = v
		}
	}
	id, _ := d["custom_id"].(string)
	return id, out
}

func content(d map[string]any) string { c, _ := d["content"].(string); return c }

func TestE2E_Moderation(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "kb.db")
	fake := newFake(t)
	h := startBot(t, fake, map[string]string{"KB_DB_PATH": db})
	askIn := func(guild, q string) map[string]any {
		return data(t, h.interact(t, "slash_ask", both(asMember(guild, "500000000000000099", "0"), setQuestion(q))))
	}

	// A moderator of server A opens the edit form: it comes filled in.
	body := h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), kbCommand("edit", strOpt("id", "who-is-peskov"))))
	if body["type"] != float64(9) {
		t.Fatalf("want a modal, got %v", body)
	}
	formID, fields := modalFields(t, data(t, body))
	if formID != "/kbsave/"+guildA+"/who-is-peskov/0" || !strings.HasPrefix(fields["answer"], "Dmitry Peskov is the Kremlin spokesman") {
		t.Fatalf("form %q %v", formID, fields)
	}
	edited := fields
	edited["answer"] = "Dmitry Peskov is the Kremlin spokesman; server A's moderators reworded this. Ünïcödé 🕊️ @everyone"
	saved := data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), modalSubmit(formID, edited))))
	if !strings.Contains(content(saved), "as version 1") {
		t.Fatalf("save: %v", saved)
	}

	// Server A answers with the edit at once; server B and DMs do not.
	if raw, _ := json.Marshal(askIn(guildA, "who is peskov")); !strings.Contains(string(raw), "reworded this. Ünïcödé 🕊️") {
		t.Fatalf("server A does not serve the edit: %s", raw)
	}
	for _, g := range []string{guildB, ""} {
		if raw, _ := json.Marshal(askIn(g, "who is peskov")); strings.Contains(string(raw), "reworded") {
			t.Fatalf("scope %q sees server A's edit", g)
		}
	}

	// A second moderator who opened the form before the save is refused.
	stale := data(t, h.interact(t, "slash_ask", both(asMember(guildA, "500000000000000011", "32"), modalSubmit(formID, fields))))
	if !strings.Contains(content(stale), "changed since you opened it") {
		t.Fatalf("stale save: %v", stale)
	}

	// A forged form that asks to skip the version check is refused.
	forgedBase := data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), modalSubmit("/kbsave/"+guildA+"/who-is-peskov/-1", fields))))
	if !strings.Contains(content(forgedBase), "damaged") {
		t.Fatalf("forged base: %v", forgedBase)
	}

	// Refusals: no permission, another server's moderator, a DM.
	for name, who := range map[string]func(map[string]any){
		"member":      asMember(guildA, "500000000000000012", "0"),
		"other-guild": asMember(guildB, "500000000000000013", "32"),
		"dm":          asMember("", "500000000000000014", ""),
	} {
		d := data(t, h.interact(t, "slash_ask", both(who, modalSubmit("/kbsave/"+guildA+"/who-is-peskov/1", edited))))
		if d["flags"] != float64(64) || strings.Contains(content(d), "Saved") {
			t.Fatalf("%s was allowed: %v", name, d)
		}
	}

	// A new entry with a verbatim quote; a forged quote is refused with the closest passage.
	add := map[string]string{"question": "What is the Normandy Four?", "answer": "According to Kremlin spokesman Dmitry Peskov, Moscow stays committed to the Normandy Four arrangement.",
		"quote": "staying committed to the Normandy Four arrangement and the Minsk Agreements", "source": "hngn-2022-01-10"}
	ok := data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), modalSubmit("/kbsave/"+guildA+"/new/0", add))))
	if !strings.Contains(content(ok), "Saved `what-is-the-normandy-four`") {
		t.Fatalf("add: %v", ok)
	}
	forged := add
	forged["question"], forged["quote"] = "Did Peskov resign?", "Peskov resigned on Monday."
	bad := data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), modalSubmit("/kbsave/"+guildA+"/new/0", forged))))
	if !strings.Contains(content(bad), "not found verbatim") || !strings.Contains(content(bad), "closest passage") {
		t.Fatalf("forged quote: %v", bad)
	}

	// History, then revert to the first version after a second edit.
	edited2 := map[string]string{}
	for k, v := range edited {
		edited2[k] = v
	}
	edited2["answer"] = "Dmitry Peskov is the Kremlin spokesman (second wording)."
	data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), modalSubmit("/kbsave/"+guildA+"/who-is-peskov/1", edited2))))
	hist := data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), kbCommand("history", strOpt("id", "who-is-peskov")))))
	if raw, _ := json.Marshal(hist); !strings.Contains(string(raw), "**v2** · edit") || !strings.Contains(string(raw), "second wording") {
		t.Fatalf("history: %s", raw)
	}
	rev := data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"),
		kbCommand("revert", strOpt("id", "who-is-peskov"), map[string]any{"name": "version", "type": 4, "value": 1}))))
	if !strings.Contains(content(rev), "Restored version 1") {
		t.Fatalf("revert: %v", rev)
	}

	// Restart: everything is as it was.
	if err := h.stop(t); err != nil {
		t.Fatal(err)
	}
	h = startBot(t, fake, map[string]string{"KB_DB_PATH": db})
	if raw, _ := json.Marshal(askIn(guildA, "who is peskov")); !strings.Contains(string(raw), "reworded this") {
		t.Fatalf("after restart server A lost its edit: %s", raw)
	}
	if raw, _ := json.Marshal(askIn(guildA, "kb:what-is-the-normandy-four")); !strings.Contains(string(raw), "stays committed to the Normandy Four") {
		t.Fatalf("after restart server A lost its new entry: %s", raw)
	}
	if raw, _ := json.Marshal(askIn(guildB, "kb:what-is-the-normandy-four")); strings.Contains(string(raw), "stays committed to the Normandy Four") {
		t.Fatalf("server B sees server A's entry: %s", raw)
	}
}
