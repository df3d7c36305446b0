package commands

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"crisisbot/commands/i18n"
)

// registeredPaths are the command paths ("kb source history") members see in
// lang, from the registered definitions, and the names of /ask's options and
// of the context-menu commands.
func registeredPaths(defs []*discordgo.ApplicationCommand, lang string) (paths, askOptions, menus map[string]bool) {
	name := func(en string, locs map[discordgo.Locale]string) string {
		if n := locs[discordgo.Locale(lang)]; lang != i18n.English && n != "" {
			return n
		}
		return en
	}
	paths, askOptions, menus = map[string]bool{}, map[string]bool{}, map[string]bool{}
	var walk func(prefix string, opts []*discordgo.ApplicationCommandOption)
	walk = func(prefix string, opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			if o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
				p := prefix + " " + name(o.Name, o.NameLocalizations)
				paths[p] = true
				walk(p, o.Options)
			}
		}
	}
	for _, d := range defs {
		var locs map[discordgo.Locale]string
		if d.NameLocalizations != nil {
			locs = *d.NameLocalizations
		}
		n := name(d.Name, locs)
		if d.Type == discordgo.MessageApplicationCommand || d.Type == discordgo.UserApplicationCommand {
			menus[n] = true
			continue
		}
		paths[n] = true
		walk(n, d.Options)
		if d.Name == "ask" {
			for _, o := range d.Options {
				askOptions[name(o.Name, o.NameLocalizations)] = true
			}
		}
	}
	return paths, askOptions, menus
}

// rendered is every message of lang's file rendered with a value for each
// placeholder, by id (plural messages with Count 2).
func rendered(t *testing.T, words *i18n.Catalog, lang string) map[string]string {
	t.Helper()
	b, err := os.ReadFile("i18n/locales/active." + lang + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	ph := regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)
	out := map[string]string{}
	for id, v := range raw {
		args := []any{"Count", 2}
		for _, m := range ph.FindAllStringSubmatch(string(v), -1) {
			if m[1] != "Count" {
				args = append(args, m[1], "x")
			}
		}
		out[id] = words.For(lang).T(id, args...)
	}
	return out
}

var (
	slashRefs = regexp.MustCompile("`/([^`\n]+)`")
	codeWords = regexp.MustCompile("`(\\w+)`")
	// bareRefs' command name ends before a hyphenated compound ("/kb-Befehl").
	bareRefs = regexp.MustCompile(`(?:^|[\s(])/(\p{Ll}[\p{Ll}\d_-]*?)(?:-\p{Lu}|[^\p{Ll}\d_-]|$)`)
)

// TestMessages_NameCommandsAsMembersSeeThem checks, for every language,
// that every backticked slash-command reference in every message names a
// command path registered in that language, and that no English name of
// /ask's options or of the context-menu command is left where the language
// has its own; English is checked against the English names.
func TestMessages_NameCommandsAsMembersSeeThem(t *testing.T) {
	words := i18n.MustLoad()
	defs := allDefinitions()
	_, enOptions, enMenus := registeredPaths(defs, i18n.English)
	for _, lang := range words.Loaded() {
		t.Run(lang, func(t *testing.T) {
			paths, options, menus := registeredPaths(defs, lang)
			refs := 0
			for id, text := range rendered(t, words, lang) {
				for _, m := range slashRefs.FindAllStringSubmatch(text, -1) {
					refs++
					var path []string
					for _, w := range strings.Fields(m[1]) {
						if strings.Contains(w, ":") {
							break
						}
						path = append(path, w)
					}
					if !paths[strings.Join(path, " ")] {
						t.Errorf("%s: `/%s` is no command in %s", id, m[1], lang)
					}
				}
				for _, m := range codeWords.FindAllStringSubmatch(text, -1) {
					if enOptions[m[1]] && !options[m[1]] {
						t.Errorf("%s: /ask's option `%s` by its English name", id, m[1])
					}
				}
				for _, m := range bareRefs.FindAllStringSubmatch(text, -1) {
					refs++
					if !paths[m[1]] {
						t.Errorf("%s: /%s is no command in %s", id, m[1], lang)
					}
				}
				for menu := range enMenus {
					if !menus[menu] && strings.Contains(text, menu) {
						t.Errorf("%s: %s by its English name", id, menu)
					}
				}
			}
			if refs < 20 {
				t.Errorf("only %d command references in %s: is the pattern still right?", refs, lang)
			}
		})
	}
}

// TestLang_Commands checks references the code builds: the path and the
// options' names localized, their values kept, English untouched.
func TestLang_Commands(t *testing.T) {
	words := i18n.MustLoad()
	for _, tt := range []struct{ lang, in, want string }{
		{"uk", "`/kb history id:troops`", "`/kb історія id:troops`"},
		{"de", "`/kb source revert source:hngn version:2`", "`/kb quelle wiederherstellen quelle:hngn version:2`"},
		{"uk", "Try `/topics` or **Ask CrisisBot**, with `for`.", "Try `/теми` or **Запитати CrisisBot**, with `для`."},
		{"uk", "`/nonsense here` and `/kb nonsense`", "`/nonsense here` and `/kb nonsense`"},
		{"uk", "A file from /kb export (see /source). Try /help.", "A file from /kb експорт (see /джерела). Try /довідка."},
		{"uk", "that /kb command, https://example.com/topics", "that /kb command, https://example.com/topics"},
		{"de", "Ask CrisisBot mentions", "CrisisBot fragen mentions"},
		{"en", "`/kb history id:troops`", "`/kb history id:troops`"},
	} {
		if got := words.For(tt.lang).Commands(tt.in); got != tt.want {
			t.Errorf("%s Commands(%q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}
