package discordspec

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// commandName is Discord's rule for the names of chat-input commands and
// options, localized or not (API docs, "Application Command Naming"); Go's
// regexp names the scripts Devanagari and Thai instead of sc=Deva, sc=Thai.
var commandName = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// locales lists the locale codes the spec allows (AvailableLocalesEnum).
func locales(doc map[string]any) map[string]bool {
	out := map[string]bool{}
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	enum, _ := schemas["AvailableLocalesEnum"].(map[string]any)
	oneOf, _ := enum["oneOf"].([]any)
	for _, o := range oneOf {
		if m, ok := o.(map[string]any); ok {
			if c, ok := m["const"].(string); ok {
				out[c] = true
			}
		}
	}
	return out
}

// checkCommands applies the documented rules for registered commands that
// the spec does not carry: names (and their localizations) match Discord's
// name pattern and are lower case where they must be, description
// localizations fit 100 characters, and localizations are keyed by a locale
// Discord knows.
func checkCommands(tmpl string, body any, known map[string]bool) error {
	if !strings.HasSuffix(tmpl, "/commands") && !strings.HasSuffix(tmpl, "/commands/{command_id}") {
		return nil
	}
	var cmds []any
	switch v := body.(type) {
	case []any:
		cmds = v
	case map[string]any:
		cmds = []any{v}
	}
	for _, c := range cmds {
		m, _ := c.(map[string]any)
		t, _ := m["type"].(float64)
		chat := t == 0 || t == 1
		if err := checkNode(m, chat, known, "/"+fmt.Sprint(m["name"])); err != nil {
			return err
		}
	}
	return nil
}

func checkNode(m map[string]any, chat bool, known map[string]bool, where string) error {
	names := []any{m["name"]}
	nl, _ := m["name_localizations"].(map[string]any)
	dl, _ := m["description_localizations"].(map[string]any)
	for k, v := range nl {
		if !known[k] {
			return fmt.Errorf("%s: name_localizations has unknown locale %q", where, k)
		}
		names = append(names, v)
	}
	for k, v := range dl {
		if !known[k] {
			return fmt.Errorf("%s: description_localizations has unknown locale %q", where, k)
		}
		if s, _ := v.(string); s == "" || utf8.RuneCountInString(s) > 100 {
			return fmt.Errorf("%s: description for %s is %d characters (1-100)", where, k, utf8.RuneCountInString(s))
		}
	}
	for _, n := range names {
		s, _ := n.(string)
		if !chat {
			if s == "" || utf8.RuneCountInString(s) > 32 {
				return fmt.Errorf("%s: name %q is not 1-32 characters", where, s)
			}
			continue
		}
		if !commandName.MatchString(s) || strings.ToLower(s) != s {
			return fmt.Errorf("%s: name %q does not match Discord's lower-case name pattern", where, s)
		}
	}
	opts, _ := m["options"].([]any)
	for _, o := range opts {
		om, _ := o.(map[string]any)
		if err := checkNode(om, true, known, where+" "+fmt.Sprint(om["name"])); err != nil {
			return err
		}
		chs, _ := om["choices"].([]any)
		for _, ch := range chs {
			cm, _ := ch.(map[string]any)
			cl, _ := cm["name_localizations"].(map[string]any)
			for k, v := range cl {
				if s, _ := v.(string); !known[k] || s == "" || utf8.RuneCountInString(s) > 100 {
					return fmt.Errorf("%s: choice %v localization %s=%q", where, cm["name"], k, s)
				}
			}
		}
	}
	return nil
}
