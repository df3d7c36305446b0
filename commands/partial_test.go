package commands

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"crisisbot/kb"
)

// A question whose topic the article covers but whose ask it does not gets a
// partial answer: clearly not an answer, then the closest sourced fact.
func TestAsk_Partial(t *testing.T) {
	const q = "Did the GUARD Act become law?"
	t.Run("Discord", func(t *testing.T) {
		f := newFixture(t)
		d := f.respond(t, payload(t, "slash_ask", question(q)))
		if len(d.Embeds) != 1 {
			t.Fatalf("got %+v", d)
		}
		e := d.Embeds[0]
		if e.Title != "Not in the source" || e.Color == colorAnswer || e.Color == colorDecline {
			t.Fatalf("title %q colour %#x: could pass for an answer or a plain refusal", e.Title, e.Color)
		}
		if !strings.Contains(e.Description, "What the article does say") || !strings.Contains(e.Description, "House Republicans presented legislation") {
			t.Fatalf("description %q", e.Description)
		}
		if len(e.Fields) < 2 || e.Fields[len(e.Fields)-1].Name != "Sources" || !strings.Contains(e.Footer.Text, "Not an answer") {
			t.Fatalf("fields %+v footer %+v", e.Fields, e.Footer)
		}
		for _, row := range d.Components {
			for _, c := range row.(discordgo.ActionsRow).Components {
				if b, ok := c.(discordgo.Button); ok && strings.HasPrefix(b.CustomID, "/fb/") {
					t.Fatalf("a partial answer offers feedback buttons as if it were an answer: %+v", b)
				}
			}
		}
	})
	t.Run("JSON", func(t *testing.T) {
		var buf bytes.Buffer
		if err := Ask(defaultIndex(t), q, true, &buf); err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		related, _ := v["related"].(map[string]any)
		if v["answered"] != false || v["entry"] != nil || related == nil || related["id"] != "guard-act" || v["reason"] == "" {
			t.Fatalf("got %s", buf.String())
		}
	})
	t.Run("Terminal", func(t *testing.T) {
		var buf bytes.Buffer
		if err := Ask(defaultIndex(t), q, false, &buf); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.HasPrefix(out, "NOT IN THE SOURCE.") || !strings.Contains(out, "What the article does say (What is the GUARD Act?)") || !strings.Contains(out, "(entry guard-act)") {
			t.Fatalf("got:\n%s", out)
		}
	})
	t.Run("OffTopicStaysARefusal", func(t *testing.T) {
		var buf bytes.Buffer
		if err := Ask(defaultIndex(t), "What is the best pizza in Naples?", true, &buf); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), `"related"`) || !strings.Contains(buf.String(), `"answered":false`) {
			t.Fatalf("got %s", buf.String())
		}
	})
}

func defaultIndex(t *testing.T) *kb.Index {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	return kb.NewIndex(k, kb.Options{})
}
