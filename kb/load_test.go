package kb_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"crisisbot/kb"
)

func defaultKB(tb testing.TB) *kb.KB {
	tb.Helper()
	k, err := kb.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// mutate loads the shipped kb.json, lets f change it, and parses the result.
func mutate(tb testing.TB, f func(doc map[string]any)) error {
	tb.Helper()
	raw, err := os.ReadFile("data/kb.json")
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		tb.Fatal(err)
	}
	f(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	sources, err := kb.EmbeddedSources()
	if err != nil {
		tb.Fatal(err)
	}
	_, err = kb.Parse("kb.json", out, sources)
	return err
}

func entry(doc map[string]any, i int) map[string]any {
	return doc["entries"].([]any)[i].(map[string]any)
}

func TestDefault_OK(t *testing.T) {
	k := defaultKB(t)
	if len(k.Entries) < 25 {
		t.Fatalf("only %d entries", len(k.Entries))
	}
	src, ok := k.Source("hngn-2022-01-10")
	if !ok {
		t.Fatal("the HNGN source is missing")
	}
	text := kb.NormalizeQuote(src.Text)
	for _, e := range k.Entries {
		for _, c := range e.Citations {
			if !strings.Contains(text, kb.NormalizeQuote(c.Quote)) {
				t.Errorf("%s: quote not verbatim: %q", e.ID, c.Quote)
			}
		}
		if e.AsOf == "" || e.AttributedTo == "" {
			t.Errorf("%s: missing as_of or attributed_to", e.ID)
		}
	}
}

func TestDefault_BothTroopFigures(t *testing.T) {
	k := defaultKB(t)
	for _, e := range k.Entries {
		if e.ID != "russian-troop-numbers" {
			continue
		}
		quotes := ""
		for _, c := range e.Citations {
			quotes += c.Quote + "\n"
		}
		for _, fig := range []string{"Nearly 100,000", "more than 100,000"} {
			if !strings.Contains(e.Answer, strings.ToLower(fig[:1])+fig[1:]) && !strings.Contains(e.Answer, fig) {
				t.Errorf("answer lacks %q", fig)
			}
			if !strings.Contains(quotes, fig) {
				t.Errorf("no citation carries %q", fig)
			}
		}
		return
	}
	t.Fatal("no troop-numbers entry")
}

func TestParse_TamperedQuote(t *testing.T) {
	err := mutate(t, func(doc map[string]any) {
		e := entry(doc, 0)
		c := e["citations"].([]any)[0].(map[string]any)
		c["quote"] = strings.Replace(c["quote"].(string), "100,000", "150,000", 1)
	})
	var verr *kb.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("tampered quote accepted: %v", err)
	}
	p := verr.Problems[0]
	if p.Entry != "russian-troop-numbers" || p.Field != "citations[0].quote" || !strings.Contains(p.Msg, "not found verbatim") {
		t.Fatalf("problem = %+v", p)
	}
	if !strings.Contains(p.Msg, "Nearly 100,000 Russian troops") {
		t.Errorf("the closest passage is not shown: %s", p.Msg)
	}
}

func TestParse_Errors(t *testing.T) {
	for _, c := range []struct {
		name, field, msg string
		f                func(doc map[string]any)
	}{
		{"DuplicateID", "id", "duplicate id", func(d map[string]any) { entry(d, 1)["id"] = entry(d, 0)["id"] }},
		{"BadSlug", "id", "not a slug", func(d map[string]any) { entry(d, 0)["id"] = "Troops Now" }},
		{"EmptyQuestion", "question", "is empty", func(d map[string]any) { entry(d, 0)["question"] = "  " }},
		{"LongQuestion", "question", "the limit is 100", func(d map[string]any) { entry(d, 0)["question"] = strings.Repeat("q", 101) }},
		{"SharedAlias", "aliases[0]", "also a question or alias", func(d map[string]any) {
			entry(d, 1)["aliases"] = []any{"Russian Troop Numbers"}
		}},
		{"UnknownRelated", "related[0]", "no entry has id", func(d map[string]any) { entry(d, 0)["related"] = []any{"nope"} }},
		{"SelfRelated", "related[0]", "itself", func(d map[string]any) { entry(d, 0)["related"] = []any{entry(d, 0)["id"]} }},
		{"BadDate", "as_of", "YYYY-MM-DD", func(d map[string]any) { entry(d, 0)["as_of"] = "10/01/2022" }},
		{"UnknownSource", "citations[0].source_id", "no source", func(d map[string]any) {
			entry(d, 0)["citations"].([]any)[0].(map[string]any)["source_id"] = "bbc"
		}},
		{"NoCitations", "citations", "at least one", func(d map[string]any) { entry(d, 0)["citations"] = []any{} }},
		{"ZeroWidth", "answer", "U+200B", func(d map[string]any) { entry(d, 0)["answer"] = "Nearly\u200b100,000" }},
		{"NoEntries", "entries", "no entries", func(d map[string]any) { d["entries"] = []any{} }},
		{"UnknownField", "", "unknown field", func(d map[string]any) { entry(d, 0)["colour"] = "red" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := mutate(t, c.f)
			var verr *kb.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("accepted: %v", err)
			}
			for _, p := range verr.Problems {
				if p.Field == c.field && strings.Contains(p.Msg, c.msg) {
					return
				}
			}
			t.Fatalf("no problem at %q mentioning %q in:\n%v", c.field, c.msg, err)
		})
	}
}

func TestParse_ReportsEveryProblem(t *testing.T) {
	err := mutate(t, func(d map[string]any) {
		entry(d, 0)["question"] = ""
		entry(d, 2)["as_of"] = "soon"
		entry(d, 3)["related"] = []any{"missing"}
	})
	var verr *kb.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
	if !strings.Contains(err.Error(), "kb.json: entry putin-leverage: as_of") {
		t.Errorf("locations missing from %v", err)
	}
}

func TestParse_SyntaxError(t *testing.T) {
	for _, c := range []struct{ name, data, want string }{
		{"Syntax", "{\n  \"entries\": [\n    {\"id\": }\n  ]\n}", "line 3, column"},
		{"Empty", "", "empty"},
		{"Trailing", `{"entries": []} {}`, "after the top-level"},
		{"WrongType", `{"entries": [{"id": 5}]}`, "must be string"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := kb.Parse("x.json", []byte(c.data), nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestParse_SourcesInFile(t *testing.T) {
	doc := `{"sources": [{"id": "s1", "title": "T", "outlet": "O", "url": "https://example.org/a", "published": "2022-01-10",
	  "text": "The sky is “blue”\u00a0today — officials said."}],
	 "entries": [{"id": "sky", "topic": "Weather", "question": "What colour is the sky?", "answer": "Blue, officials said.",
	  "citations": [{"source_id": "s1", "quote": "The sky is \"blue\" today - officials said."}], "as_of": "2022-01-10"}]}`
	k, err := kb.Parse("x.json", []byte(doc), nil)
	if err != nil {
		t.Fatalf("normalised quote rejected: %v", err)
	}
	if len(k.Sources) != 1 || k.Entries[0].ID != "sky" {
		t.Fatalf("got %+v", k)
	}
}

func TestNormalizeQuote(t *testing.T) {
	for in, want := range map[string]string{
		"a\u00a0 b\n\nc":              "a b c",
		"\u201cempty and false\u201d": `"empty and false"`,
		"Kremlin\u2019s":              "Kremlin's",
		"build\u2014up \u2013 x":      "build-up - x",
		"  zero\u200bwidth ":          "zerowidth",
	} {
		if got := kb.NormalizeQuote(in); got != want {
			t.Errorf("NormalizeQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
