package i18n

import (
	"regexp"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Messages are written first in English and name commands as English
// Discord shows them: `/kb source history`, /ask's options `for` and
// `private`, the context-menu command **Ask CrisisBot**, and the same
// unquoted in prose and descriptions ("A file from /kb export"). A member whose
// Discord speaks another language sees the commands by their localized
// names (cmd_<path>_name), so when a non-English file is loaded those
// references are rewritten into the names that same file registers:
// translators translate prose, names and references can never disagree,
// and English text is never touched.

var (
	slashRef = regexp.MustCompile("`/([^`\n]+)`")
	optRef   = regexp.MustCompile("`(\\w+)`")
	// bareRef is an unquoted reference in prose or a description ("A file
	// from /kb export"): a slash after a space, a parenthesis or nothing,
	// and up to three lower-case words, of which the longest command path
	// is rewritten.
	bareRef = regexp.MustCompile(`(^|[\s(])/(\p{Ll}[\p{L}\d_-]*(?: \p{Ll}[\p{L}\d_-]*){0,2})`)
)

// askCommand is the command whose options a bare backticked name refers to.
const askCommand = "ask"

// nameID is the message id of the name of the command, subcommand or option
// at path (English names from the command down): "cmd_kb_source_history_name".
// commands builds the same ids when it registers the localizations.
func nameID(path []string) string {
	return "cmd_" + strings.ToLower(strings.ReplaceAll(strings.Join(path, "_"), " ", "_")) + "_name"
}

// commandNames maps a message id to its text, for the ids of command names.
type commandNames map[string]string

func namesOf(msgs []*goi18n.Message) commandNames {
	out := commandNames{}
	for _, m := range msgs {
		if strings.HasPrefix(m.ID, "cmd_") && strings.HasSuffix(m.ID, "_name") {
			out[m.ID] = m.Other
		}
	}
	return out
}

// localPath returns the localized names of the English command path, ok
// only when every name on it is an English command name with a translation.
func localPath(en, local commandNames, path []string) ([]string, bool) {
	out := make([]string, len(path))
	for i := range path {
		id := nameID(path[:i+1])
		name, ok := local[id]
		if en[id] != path[i] || !ok || name == "" {
			return nil, false
		}
		out[i] = name
	}
	return out, true
}

// Commands rewrites the English command references in s into the names
// l's members see; a reference that is not an English command path is left
// alone, and English returns s. For references the code builds
// (`/kb history id:x`): option:value words after the path keep their value,
// with the option's name localized.
func (l Lang) Commands(s string) string { return l.refs.apply(s) }

// apply is Commands, and what every message of a non-English file is
// passed through when it is loaded.
func (r refs) apply(s string) string {
	if r.local == nil {
		return s
	}
	if strings.ContainsAny(s, "`/") { // most messages name no command: skip the patterns
		s = r.slashRefs(s)
	}
	// Context-menu commands, named in prose or in bold.
	for _, m := range r.menus {
		s = strings.ReplaceAll(s, m[0], m[1])
	}
	return s
}

// slashRefs rewrites the references made with a slash or in backticks.
func (r refs) slashRefs(s string) string {
	s = slashRef.ReplaceAllStringFunc(s, func(m string) string {
		words := strings.Fields(m[2 : len(m)-1])
		n := 0
		for n < len(words) && !strings.Contains(words[n], ":") {
			n++
		}
		if n == 0 {
			return m
		}
		path, ok := localPath(r.en, r.local, words[:n])
		if !ok {
			return m
		}
		for _, w := range words[n:] {
			opt, val, _ := strings.Cut(w, ":")
			if name, ok := r.option(words[:n], opt); ok {
				opt = name
			}
			path = append(path, opt+":"+val)
		}
		return "`/" + strings.Join(path, " ") + "`"
	})
	s = optRef.ReplaceAllStringFunc(s, func(m string) string {
		if p, ok := localPath(r.en, r.local, []string{askCommand, m[1 : len(m)-1]}); ok {
			return "`" + p[1] + "`"
		}
		return m
	})
	s = bareRef.ReplaceAllStringFunc(s, func(m string) string {
		lead, ref, _ := strings.Cut(m, "/")
		words := strings.Split(ref, " ")
		for n := len(words); n > 0; n-- {
			if path, ok := localPath(r.en, r.local, words[:n]); ok {
				return lead + "/" + strings.Join(append(path, words[n:]...), " ")
			}
		}
		return m
	})
	return s
}

// option returns the localized name of an option of the command at path:
// its own id, or the id shared by the command's subcommands ("cmd_kb_opt_id_name").
func (r refs) option(path []string, opt string) (string, bool) {
	for _, p := range [][]string{append(append([]string{}, path...), opt), {path[0], "opt", opt}} {
		id := nameID(p)
		if name, ok := r.local[id]; ok && r.en[id] == opt {
			return name, true
		}
	}
	return "", false
}

// refs holds what apply needs: English's command names and one
// language's (nil for English, which is left as written), and the
// context-menu commands' English and local names.
type refs struct {
	en, local commandNames
	menus     [][2]string
}

// newRefs returns the refs of a language with command names local.
func newRefs(en, local commandNames) refs {
	r := refs{en: en, local: local}
	for id, name := range en {
		if l, ok := local[id]; ok && strings.Contains(name, " ") && nameID([]string{name}) == id {
			r.menus = append(r.menus, [2]string{name, l}) // the only names with a space in them
		}
	}
	return r
}

// rewrite applies Commands to every form of m.
func (r refs) rewrite(m *goi18n.Message) {
	for _, f := range []*string{&m.Zero, &m.One, &m.Two, &m.Few, &m.Many, &m.Other} {
		if *f != "" {
			*f = r.apply(*f)
		}
	}
}
