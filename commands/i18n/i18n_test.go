package i18n

import (
	"encoding/json"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"testing"
	"testing/fstest"
)

// messages reads one language's file: message id → its texts (one for a
// plain message, one per plural form otherwise).
func messages(t testing.TB, code string) map[string]map[string]string {
	t.Helper()
	b, err := fs.ReadFile(files, "locales/active."+code+".json")
	if err != nil {
		t.Fatalf("no message file for %q: %v", code, err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("active.%s.json: %v", code, err)
	}
	out := map[string]map[string]string{}
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			out[id] = map[string]string{"other": v}
		case map[string]any:
			out[id] = map[string]string{}
			for form, s := range v {
				str, ok := s.(string)
				if !ok {
					t.Fatalf("active.%s.json: %s.%s is not text", code, id, form)
				}
				out[id][form] = str
			}
		default:
			t.Fatalf("active.%s.json: %s is neither text nor plural forms", code, id)
		}
	}
	return out
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// TestCatalog_EveryLanguageComplete checks that every language has every
// English message, nothing else, and uses exactly the English placeholders
// in every plural form (Count may be left out of a form that spells its
// number out).
func TestCatalog_EveryLanguageComplete(t *testing.T) {
	en := messages(t, English)
	for _, code := range Languages() {
		t.Run(code, func(t *testing.T) {
			got := messages(t, code)
			for _, id := range slices.Sorted(maps.Keys(en)) {
				forms, ok := got[id]
				if !ok {
					t.Errorf("%s: missing", id)
					continue
				}
				want := placeholders(en[id]["other"])
				for form, text := range forms {
					have := placeholders(text)
					if !slices.Equal(have, want) && !(form == "one" && slices.Equal(withCount(have), want)) {
						t.Errorf("%s (%s): placeholders %v, English has %v", id, form, have, want)
					}
				}
				if _, ok := forms["other"]; !ok {
					t.Errorf("%s: no \"other\" form", id)
				}
			}
			for id := range got {
				if _, ok := en[id]; !ok {
					t.Errorf("%s: not an English message", id)
				}
			}
		})
	}
}

func withCount(p []string) []string {
	out := append(slices.Clone(p), "Count")
	slices.Sort(out)
	return out
}

// TestCatalog_PluralForms renders every plural message in every language for
// counts that reach each CLDR form (go-i18n fails on a missing form).
func TestCatalog_PluralForms(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range c.Loaded() {
		l := c.For(code)
		for id, forms := range messages(t, code) {
			if len(forms) == 1 {
				continue
			}
			for _, n := range []int{0, 1, 2, 3, 5, 11, 12, 21, 22, 25, 101, 111} {
				args := []any{"Count", n}
				for _, p := range placeholders(forms["other"]) {
					if p != "Count" {
						args = append(args, p, "x")
					}
				}
				if got := l.T(id, args...); got == id || placeholder.MatchString(got) {
					t.Errorf("%s %s (%d): %q", code, id, n, got)
				}
			}
		}
	}
}

func TestCatalog_For(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		locales []string
		want    string
	}{
		{[]string{"uk", "en-US"}, "uk"},
		{[]string{"", "uk"}, "uk"},
		{[]string{"pt-BR", "uk"}, "uk"},
		{[]string{"en-GB", "uk"}, "en"},
		{[]string{"pt-BR", ""}, "en"},
		{nil, "en"},
		{[]string{"UK"}, "uk"},
	} {
		if got := c.For(tt.locales...).Code(); got != tt.want {
			t.Errorf("For(%q) = %s, want %s", tt.locales, got, tt.want)
		}
	}
	if got := c.For("uk").T("page_of", "Page", 2, "Pages", 3); got != "Сторінка 2 з 3" {
		t.Errorf("uk page_of = %q", got)
	}
	if got := c.For("uk").T("no_such_message"); got != "no_such_message" {
		t.Errorf("a missing id gave %q", got)
	}
}

// TestLang_T checks both ways a message is rendered: simple placeholders
// filled directly, anything else (conditions, plural forms, a missing value)
// by go-i18n, with English as the fallback for a missing translation.
func TestLang_T(t *testing.T) {
	c, err := load(fstest.MapFS{
		"locales/active.en.json": {Data: []byte(`{"simple": "a {{.N}} b {{ .S }}", "cond": "{{if .N}}yes{{else}}no{{end}}",
			"plural": {"one": "{{.Count}} thing", "other": "{{.Count}} things"}, "only_en": "English"}`)},
		"locales/active.uk.json": {Data: []byte(`{"simple": "а {{.N}} б {{.S}}"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	en, uk := c.For("en-US"), c.For("uk")
	for _, tt := range []struct {
		l    Lang
		id   string
		args []any
		want string
	}{
		{en, "simple", []any{"N", 3, "S", "x"}, "a 3 b x"},
		{uk, "simple", []any{"S", "x", "N", 3}, "а 3 б x"},
		{en, "simple", []any{"N", 3}, "a 3 b <no value>"},
		{en, "cond", []any{"N", 1}, "yes"},
		{en, "cond", []any{"N", 0}, "no"},
		{en, "plural", []any{"Count", 1}, "1 thing"},
		{en, "plural", []any{"Count", 2}, "2 things"},
		{uk, "only_en", nil, "English"},
	} {
		if got := tt.l.T(tt.id, tt.args...); got != tt.want {
			t.Errorf("%s %s %v = %q, want %q", tt.l.Code(), tt.id, tt.args, got, tt.want)
		}
	}
}

// BenchmarkLoad is the once-per-process cost of reading every message file,
// including rewriting the command references of the non-English ones.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}
