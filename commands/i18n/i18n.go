// Package i18n holds CrisisBot's own words (replies, buttons, forms, errors,
// help, command names and descriptions) in every language it speaks, from
// message files embedded in the binary (locales/active.<lang>.json, read by
// github.com/nicksnyder/go-i18n/v2). The knowledge base's content is not
// here: entries and quotes stay in the language of their source.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var files embed.FS

// English is the language used when no other fits, and the one every message
// is written in first.
const English = "en"

// Languages are the languages CrisisBot speaks, by base code, English first:
// each must have a complete message file (TestCatalog_EveryLanguageComplete).
// Discord's locales map onto them by their base: en-US and en-GB are "en",
// "uk" is Ukrainian. A file for another language is loaded too.
func Languages() []string { return []string{"en", "uk", "ru", "pl", "de", "fr"} }

// Catalog is every language's messages, loaded once. Safe for concurrent
// use; it never changes after Load.
type Catalog struct {
	bundle *goi18n.Bundle
	langs  map[string]Lang // by base language code, only those with a file
}

// Load reads the embedded message files.
func Load() (*Catalog, error) {
	return load(files)
}

// MustLoad is Load for callers that cannot fail: the embedded files are
// checked by the package's tests, so an error here is a build mistake.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

func load(fsys fs.FS) (*Catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	names, err := fs.Glob(fsys, "locales/active.*.json")
	if err != nil {
		return nil, fmt.Errorf("list message files: %w", err)
	}
	c := &Catalog{bundle: b, langs: map[string]Lang{}}
	parsed := make([]*goi18n.MessageFile, 0, len(names))
	var en commandNames
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("message file %s: %w", path.Base(name), err)
		}
		f, err := goi18n.ParseMessageFileBytes(buf, name, map[string]goi18n.UnmarshalFunc{"json": json.Unmarshal})
		if err != nil {
			return nil, fmt.Errorf("message file %s: %w", path.Base(name), err)
		}
		if code(name) == English {
			en = namesOf(f.Messages)
		}
		parsed = append(parsed, f)
	}
	for _, f := range parsed {
		lang := code(f.Path)
		var r refs
		if lang != English {
			r = newRefs(en, namesOf(f.Messages))
			for _, m := range f.Messages {
				r.rewrite(m)
			}
		}
		if err := b.AddMessages(f.Tag, f.Messages...); err != nil {
			return nil, fmt.Errorf("message file %s: %w", path.Base(f.Path), err)
		}
		simple := map[string][]piece{}
		for _, m := range f.Messages {
			if m.Zero == "" && m.One == "" && m.Two == "" && m.Few == "" && m.Many == "" {
				if ps, ok := pieces(m.Other); ok {
					simple[m.ID] = ps
				}
			}
		}
		c.langs[lang] = Lang{code: lang, loc: goi18n.NewLocalizer(b, lang, English), simple: simple, refs: r}
	}
	if _, ok := c.langs[English]; !ok {
		return nil, fmt.Errorf("no English message file")
	}
	return c, nil
}

// code is the language code of a message file: "uk" for locales/active.uk.json.
func code(file string) string {
	return strings.TrimSuffix(strings.TrimPrefix(path.Base(file), "active."), ".json")
}

// For returns the language to answer in: the member's Discord locale if the
// bot speaks it, else the server's, else English. Locales are Discord's codes
// ("uk", "en-US", "pt-BR"); "" means unknown.
func (c *Catalog) For(locales ...string) Lang {
	for _, l := range locales {
		base, _, _ := strings.Cut(strings.ToLower(l), "-")
		if lang, ok := c.langs[base]; ok {
			return lang
		}
	}
	return c.langs[English]
}

// Loaded returns the base codes of the languages with a message file, sorted.
func (c *Catalog) Loaded() []string {
	var out []string
	for code := range c.langs {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// Lang is one language's words. The zero Lang is not usable; get one from
// Catalog.For. Safe for concurrent use.
type Lang struct {
	code   string
	loc    *goi18n.Localizer
	simple map[string][]piece // its messages without plural forms whose only template actions are {{.Name}}
	refs   refs               // its command names, for Commands
}

// piece is a run of a simple message: literal text, or a placeholder's name.
type piece struct {
	text        string
	placeholder bool
}

var simplePlaceholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// pieces splits a message whose only template actions are placeholders
// ({{.Name}}) into literal runs and placeholders; ok is false for any other
// template, which go-i18n then runs.
func pieces(s string) (out []piece, ok bool) {
	at := 0
	for _, m := range simplePlaceholder.FindAllStringSubmatchIndex(s, -1) {
		if m[0] > at {
			out = append(out, piece{text: s[at:m[0]]})
		}
		out = append(out, piece{text: s[m[2]:m[3]], placeholder: true})
		at = m[1]
	}
	if at < len(s) {
		out = append(out, piece{text: s[at:]})
	}
	for _, p := range out {
		if !p.placeholder && (strings.Contains(p.text, "{{") || strings.Contains(p.text, "}}")) {
			return nil, false
		}
	}
	return out, true
}

// fill renders simple pieces with args (name, value pairs); ok is false when
// a placeholder has no value.
func fill(ps []piece, args []any) (string, bool) {
	if len(ps) == 1 && !ps[0].placeholder {
		return ps[0].text, true
	}
	var b strings.Builder
	for _, p := range ps {
		if !p.placeholder {
			b.WriteString(p.text)
			continue
		}
		found := false
		for i := 0; i+1 < len(args); i += 2 {
			if name, _ := args[i].(string); name == p.text {
				if s, ok := args[i+1].(string); ok {
					b.WriteString(s)
				} else {
					fmt.Fprint(&b, args[i+1])
				}
				found = true
				break
			}
		}
		if !found {
			return "", false
		}
	}
	return b.String(), true
}

// Code returns the language's base code, e.g. "uk".
func (l Lang) Code() string { return l.code }

// English reports whether l is English.
func (l Lang) English() bool { return l.code == English }

// T returns the message id in l (or in English when l lacks it), with the
// placeholders filled from args, given as name, value pairs: T("ago_seconds",
// "N", 5). A "Count" argument also chooses the plural form. An id missing everywhere returns the id itself, which the
// package's tests rule out for the ids in the code.
func (l Lang) T(id string, args ...any) string {
	if ps, ok := l.simple[id]; ok {
		if s, ok := fill(ps, args); ok {
			return s // most of the bot's words: no template to run
		}
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
		cfg.TemplateData = data
		if n, ok := data["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := l.loc.Localize(cfg)
	if err != nil && s == "" {
		return id // not even in English
	}
	return s // err alone means English stood in for a missing translation
}

// Has reports whether l has a message id of its own (not English's).
func (l Lang) Has(id string) bool {
	_, tag, err := l.loc.LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: id})
	return err == nil && tag.String() == l.code
}

// Translations returns the message id in every loaded language other than
// English, keyed by language code, for Discord's name and description
// localizations. Languages whose file lacks the id are left out.
func (c *Catalog) Translations(id string) map[string]string {
	out := map[string]string{}
	for code, l := range c.langs {
		if code == English {
			continue
		}
		if l.Has(id) {
			out[code] = l.T(id)
		}
	}
	return out
}
