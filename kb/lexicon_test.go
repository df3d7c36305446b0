package kb_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"crisisbot/kb"
)

func TestParse_Lexicon(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		k := defaultKB(t)
		if k.Lexicon == nil || len(k.Lexicon.Synonyms) == 0 || len(k.Lexicon.Actors) == 0 {
			t.Fatal("the shipped knowledge base has no lexicon")
		}
		out, err := json.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), `"lexicon":{"synonyms":[{"term":"troop"`) {
			t.Errorf("the export does not carry the lexicon: %.200s", out)
		}
	})
	for _, c := range []struct {
		name, field, msg string
		f                func(lex map[string]any)
	}{
		{"WordInTwoGroups", "lexicon.synonyms[1].words[0]", `"soldier" is also in the group of "troop"`, func(lex map[string]any) {
			g := lex["synonyms"].([]any)[1].(map[string]any)
			g["words"] = append([]any{"soldier"}, g["words"].([]any)...)
		}},
		{"NotAWord", "lexicon.synonyms[0].words[0]", "is not one lower-case word", func(lex map[string]any) {
			g := lex["synonyms"].([]any)[0].(map[string]any)
			g["words"] = append([]any{"Two Words"}, g["words"].([]any)...)
		}},
		{"PhraseOfOneWord", "lexicon.phrases[0].phrase", "is not two lower-case words", func(lex map[string]any) {
			lex["phrases"].([]any)[0].(map[string]any)["phrase"] = "unitedstates"
		}},
		{"BadActor", "lexicon.actors[0]", "is not one lower-case word", func(lex map[string]any) {
			lex["actors"].([]any)[0] = ""
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := mutate(t, func(doc map[string]any) { c.f(doc["lexicon"].(map[string]any)) })
			var verr *kb.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("want a validation error, got %v", err)
			}
			for _, p := range verr.Problems {
				if p.Field == c.field && strings.Contains(p.Msg, c.msg) {
					return
				}
			}
			t.Errorf("no problem at %s saying %q: %v", c.field, c.msg, err)
		})
	}
}

// TestIndex_LexiconIsData checks that the crisis vocabulary comes from the
// knowledge base: without the lexicon, "soldiers" no longer finds an entry
// written with "troops".
func TestIndex_LexiconIsData(t *testing.T) {
	k := defaultKB(t)
	ask := func(ix *kb.Index, q string) string {
		t.Helper()
		res, err := ix.Ask(q)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Answered {
			return ""
		}
		return res.Entry.ID
	}
	entries := []kb.Entry{{ID: "e", Topic: "t", Question: "How many troops are there?", Answer: "Many.",
		Citations: k.Entries[0].Citations, AsOf: "2022-01-10"}, {ID: "f", Topic: "t", Question: "Who is the spokesman?", Answer: "Someone.",
		Citations: k.Entries[0].Citations, AsOf: "2022-01-10"}}
	with := kb.NewIndex(&kb.KB{Sources: k.Sources, Entries: entries, Lexicon: k.Lexicon}, kb.Options{})
	if got := ask(with, "how many soldiers are there"); got != "e" {
		t.Errorf("with the lexicon: got %q, want e", got)
	}
	empty := &kb.Lexicon{Synonyms: []kb.SynonymGroup{{Term: "unrelated", Words: []string{"words"}}}}
	without := kb.NewIndex(&kb.KB{Sources: k.Sources, Entries: entries}, kb.Options{Lexicon: empty})
	if got := ask(without, "how many soldiers are there"); got != "" {
		t.Errorf("without the lexicon: got %q, want a refusal", got)
	}
}
