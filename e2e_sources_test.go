package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"crisisbot/internal/fakediscord"
	"crisisbot/kb"
)

// kbGroupCommand is /kb GROUP SUB with options.
func kbGroupCommand(group, sub string, opts ...map[string]any) func(map[string]any) {
	return func(m map[string]any) {
		o := []any{}
		for _, x := range opts {
			o = append(o, x)
		}
		m["data"] = map[string]any{"id": "806", "name": "kb", "type": 1, "options": []any{map[string]any{"name": group, "type": 2,
			"options": []any{map[string]any{"name": sub, "type": 1, "options": o}}}}}
	}
}

const reutersPage = `<!doctype html><html><head><title>Reuters</title><style>h1{font-size:2em}</style>
<script>window.quote = "Russia will invade on Wednesday";</script></head><body>
<h1>Russia, U.S. talks end without a breakthrough</h1>
<p>GENEVA, Jan 10 (Reuters) - Deputy Foreign Minister Sergei Ryabkov said Moscow had
<em>no plans</em> to attack Ukraine.</p><p>U.S. Deputy Secretary of State Wendy Sherman called the talks a "frank and forthright discussion".</p>
</body></html>`

func TestE2E_Sources(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	mod := asMember(guildA, modA, "32")
	const id = "russia-u-s-talks-end-without-a-breakthrough"

	// A moderator adds a source from an HTML attachment; the bot downloads it
	// from the CDN only.
	url := fake.Attach("reuters.html", []byte(reutersPage))
	const attID = "990000000000000002"
	added := data(t, h.interact(t, "slash_ask", both(mod, kbGroupCommand("source", "add",
		map[string]any{"name": "file", "type": 11, "value": attID},
		strOpt("title", "Russia, U.S. talks end without a breakthrough"), strOpt("outlet", "Reuters"),
		strOpt("url", "https://www.reuters.com/world/europe/russia-us-talks"), strOpt("published", "2022-01-10")),
		func(m map[string]any) {
			m["data"].(map[string]any)["resolved"] = map[string]any{"attachments": map[string]any{attID: map[string]any{
				"id": attID, "filename": "reuters.html", "size": len(reutersPage), "url": url, "proxy_url": url, "content_type": "text/html; charset=utf-8"}}}
		})))
	if !strings.Contains(content(added), "Added the source `"+id+"`") {
		t.Fatalf("source add: %v", added)
	}
	if cdn := fake.CDNRequests(); len(cdn) != 1 || cdn[0].Auth != "" {
		t.Fatalf("CDN requests %+v", cdn)
	}

	// An entry quoting it: a forged quote is refused with the closest
	// passage, a verbatim one is saved.
	entry := map[string]string{"question": "What did Ryabkov say after the Geneva talks?", "answer": "According to Reuters, Ryabkov said Moscow had no plans to attack Ukraine.",
		"quote": "Moscow had plans to attack Ukraine", "source": id}
	forged := data(t, h.interact(t, "slash_ask", both(mod, modalSubmit("/kbsave/"+guildA+"/new/0", entry))))
	if c := content(forged); !strings.Contains(c, "Nothing was saved") || !strings.Contains(c, "closest passage") || !strings.Contains(c, "no plans") {
		t.Fatalf("forged quote: %v", forged)
	}
	entry["quote"] = "Sergei Ryabkov said Moscow had no plans to attack Ukraine"
	saved := data(t, h.interact(t, "slash_ask", both(mod, modalSubmit("/kbsave/"+guildA+"/new/0", entry))))
	if !strings.Contains(content(saved), "Saved `what-did-ryabkov-say-after-the-geneva-talks`") {
		t.Fatalf("verbatim quote: %v", saved)
	}
	// Members of that server are answered from it, with its citation.
	ans := data(t, h.interact(t, "slash_ask", both(asMember(guildA, "500000000000000099", "0"), setQuestion("What did Ryabkov say after the Geneva talks?"))))
	if raw, _ := json.Marshal(ans); !strings.Contains(string(raw), "Reuters") || !strings.Contains(string(raw), "no plans to attack Ukraine") {
		t.Fatalf("answer: %s", raw)
	}

	// /source lists it with its date and count; another server does not see it.
	listed := func(guild string) string {
		d := data(t, h.interact(t, "slash_ask", both(asMember(guild, "500000000000000099", "0"), func(m map[string]any) {
			m["data"] = map[string]any{"id": "805", "name": "source", "type": 1}
		})))
		raw, _ := json.Marshal(d["embeds"])
		return string(raw)
	}
	if l := listed(guildA); !strings.Contains(l, "source id: "+id) || !strings.Contains(l, fmt.Sprintf("1 of %d entries", curatedEntries(t)+1)) || !strings.Contains(l, "10 January 2022") {
		t.Fatalf("/source in server A: %s", l)
	}
	if l := listed(guildB); strings.Contains(l, id) {
		t.Fatalf("/source in server B lists A's source: %s", l)
	}

	// A cited source cannot be removed; the refusal names the entry.
	from := len(fake.Requests())
	rm := data(t, h.interact(t, "slash_ask", both(mod, kbGroupCommand("source", "remove", strOpt("source", id)))))
	if c := content(rm); !strings.Contains(c, "was not removed") || !strings.Contains(c, "what-did-ryabkov-say-after-the-geneva-talks") {
		t.Fatalf("removing a cited source: %v", rm)
	}
	if n := countWhere(fake.Requests()[from:], fakediscord.Path("POST", "/channels/")); n != 0 {
		t.Fatalf("a refused removal was posted %d times", n)
	}
}

// curatedEntries is how many entries the shipped knowledge base has.
func curatedEntries(t *testing.T) int {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	return len(k.Entries)
}
