package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"crisisbot/internal/fakediscord"
)

// attachmentOpt makes a /kb import option for a file the fake serves.
func attachmentOpt(fake *fakediscord.Server, name string, data []byte) (map[string]any, map[string]any) {
	url := fake.Attach(name, data)
	id := "990000000000000001"
	opt := map[string]any{"name": "file", "type": 11, "value": id}
	resolved := map[string]any{"attachments": map[string]any{id: map[string]any{
		"id": id, "filename": name, "size": len(data), "url": url, "proxy_url": url, "content_type": "application/json",
	}}}
	return opt, resolved
}

func TestE2E_ModerationFiles(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	mod := asMember(guildA, modA, "32")
	const auditCh = "420000000000000001"

	channelOpt := map[string]any{"name": "channel", "type": 7, "value": auditCh}
	resolvedChannel := func(guild string) func(map[string]any) {
		return func(m map[string]any) {
			m["data"].(map[string]any)["resolved"] = map[string]any{"channels": map[string]any{auditCh: map[string]any{
				"id": auditCh, "name": "audit", "type": 0, "guild_id": guild, "permissions": "0"}}}
		}
	}
	// A channel of another server (or one Discord did not resolve) is refused.
	for _, edit := range []func(map[string]any){resolvedChannel(guildB), func(map[string]any) {}} {
		other := data(t, h.interact(t, "slash_ask", both(mod, kbCommand("auditchannel", channelOpt), edit)))
		if !strings.Contains(content(other), "this server's text channels") {
			t.Fatalf("auditchannel in another server: %v", other)
		}
	}
	set := data(t, h.interact(t, "slash_ask", both(mod, kbCommand("auditchannel", channelOpt), resolvedChannel(guildA))))
	if !strings.Contains(content(set), auditCh) {
		t.Fatalf("auditchannel: %v", set)
	}

	// Import a file that changes one entry and adds one; the audit channel hears of it.
	entries := []map[string]any{{
		"id": "who-is-peskov", "topic": "People", "question": "Who is Dmitry Peskov?", "answer": "Dmitry Peskov is the Kremlin spokesman (imported).",
		"citations": []any{map[string]any{"source_id": "hngn-2022-01-10", "quote": "according to Kremlin spokesman Dmitry Peskov"}},
		"as_of":     "2022-01-10", "attributed_to": "HNGN",
	}, {
		"id": "minsk-commitment", "topic": "Russian position", "question": "Is Moscow committed to the Minsk Agreements?", "answer": "According to Peskov, yes.",
		"citations": []any{map[string]any{"source_id": "hngn-2022-01-10", "quote": "staying committed to the Normandy Four arrangement and the Minsk Agreements"}},
		"as_of":     "2022-01-10", "attributed_to": "Kremlin spokesman Dmitry Peskov",
	}}
	file, _ := json.Marshal(map[string]any{"entries": entries})
	opt, resolved := attachmentOpt(fake, "kb.json", file)
	from := len(fake.Requests())
	imp := data(t, h.interact(t, "slash_ask", both(mod, kbCommand("import", opt), func(m map[string]any) {
		m["data"].(map[string]any)["resolved"] = resolved
	})))
	if !strings.Contains(content(imp), "Imported 2 entries") {
		t.Fatalf("import: %v", imp)
	}
	// The file came from the CDN host, without the token; the API host never
	// saw it.
	if n := countWhere(fake.Requests(), func(r fakediscord.Request) bool { return strings.Contains(r.Path, "/attachments/") }); n != 0 {
		t.Fatalf("the API host got %d attachment requests", n)
	}
	cdn := fake.CDNRequests()
	if len(cdn) != 1 || cdn[0].Status != 200 || cdn[0].Auth != "" {
		t.Fatalf("CDN requests %+v; want one, served, without Authorization", cdn)
	}
	post, _ := fake.Wait(t, from, wait, fakediscord.Path("POST", "/channels/"+auditCh+"/messages"))
	if c, _ := post.JSON()["content"].(string); !strings.Contains(c, "imported 2 entries") {
		t.Fatalf("audit post: %s", post.Body)
	}

	// A hostile file changes nothing and says why.
	hostile := strings.Replace(string(file), "(imported)", `(hijacked)\u0000`, 1)
	opt, resolved = attachmentOpt(fake, "bad.json", []byte(hostile))
	bad := data(t, h.interact(t, "slash_ask", both(mod, kbCommand("import", opt), func(m map[string]any) {
		m["data"].(map[string]any)["resolved"] = resolved
	})))
	if !strings.Contains(content(bad), "Nothing was imported") || !strings.Contains(content(bad), "control character") {
		t.Fatalf("hostile import: %v", bad)
	}

	// Export sends the server's layer as a file import takes back.
	from = len(fake.Requests())
	h.interact(t, "slash_ask", both(mod, kbCommand("export")))
	var got fakediscord.Request
	for _, r := range fake.Requests()[from:] {
		if len(r.Files) > 0 {
			got = r
		}
	}
	raw := got.Files["crisisbot-server-"+guildA+".json"]
	var doc struct {
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.Entries) != 2 {
		t.Fatalf("export file (%d bytes): %v %s", len(raw), err, strconv.Quote(string(raw[:min(len(raw), 200)])))
	}
	if strings.Contains(string(raw), "hijacked") {
		t.Fatal("the refused import leaked into the knowledge base")
	}
}

func TestE2E_UnverifiedSource(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	add := map[string]string{"question": "Where did Blinken meet Lavrov?", "answer": "According to a wire report, in Geneva.",
		"quote": "Blinken and Lavrov met in Geneva", "source": "https://news.example/blinken-lavrov Blinken meets Lavrov"}
	saved := data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), modalSubmit("/kbsave/"+guildA+"/new/0", add))))
	if !strings.Contains(content(saved), "Saved") {
		t.Fatalf("save: %v", saved)
	}
	d := data(t, h.interact(t, "slash_ask", both(asMember(guildA, "500000000000000099", "0"), setQuestion("kb:where-did-blinken-meet-lavrov"))))
	raw, _ := json.Marshal(d)
	if !strings.Contains(string(raw), "unverified source") || !strings.Contains(string(raw), "news.example/blinken-lavrov") {
		t.Fatalf("the answer is not marked unverified: %s", raw)
	}
	noTitle := add
	noTitle["source"] = "https://news.example/x"
	bad := data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), modalSubmit("/kbsave/"+guildA+"/new/0", noTitle))))
	if !strings.Contains(content(bad), "title after its URL") {
		t.Fatalf("a URL without a title was accepted: %v", bad)
	}
}

// TestE2E_AuditPostRateLimited: an audit post that Discord rate-limits for
// longer than a call may take is given up (and logged), instead of holding
// the moderator's reply until the limit passes.
func TestE2E_AuditPostRateLimited(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	mod := asMember(guildA, modA, "32")
	const auditCh = "420000000000000002"
	set := data(t, h.interact(t, "slash_ask", both(mod, kbCommand("auditchannel", map[string]any{"name": "channel", "type": 7, "value": auditCh}), func(m map[string]any) {
		m["data"].(map[string]any)["resolved"] = map[string]any{"channels": map[string]any{auditCh: map[string]any{"id": auditCh, "name": "audit", "type": 0, "permissions": "0"}}}
	})))
	if !strings.Contains(content(set), auditCh) {
		t.Fatalf("auditchannel: %v", set)
	}
	fake.RateLimit("/channels/"+auditCh+"/messages", 600)
	file, _ := json.Marshal(map[string]any{"entries": []map[string]any{{
		"id": "minsk-commitment", "topic": "Russian position", "question": "Is Moscow committed to the Minsk Agreements?", "answer": "According to Peskov, yes.",
		"citations": []any{map[string]any{"source_id": "hngn-2022-01-10", "quote": "staying committed to the Normandy Four arrangement and the Minsk Agreements"}},
		"as_of":     "2022-01-10", "attributed_to": "Kremlin spokesman Dmitry Peskov",
	}}})
	opt, resolved := attachmentOpt(fake, "kb.json", file)
	body := h.interact(t, "slash_ask", both(mod, kbCommand("import", opt), func(m map[string]any) {
		m["data"].(map[string]any)["resolved"] = resolved
	}))
	if body["type"] != float64(4) || !strings.Contains(content(data(t, body)), "Imported 1 entries") {
		t.Fatalf("the import was not answered at once: %v", body)
	}
	if !eventually(func() bool { return strings.Contains(h.logs.String(), "could not post to the audit channel") }) {
		t.Fatal("the given-up audit post was not logged")
	}
}
