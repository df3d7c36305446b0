// Package discordspec validates request bodies against Discord's official
// OpenAPI specification (testdata/discord-api/openapi.json, MIT) with a JSON
// Schema 2020-12 validator, and against the documented limits where the docs
// are stricter than the spec. Test support only.
package discordspec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const docURL = "file:///discord-openapi.json"

// Spec is a loaded specification. Safe for concurrent use.
type Spec struct {
	compiler *jsonschema.Compiler
	paths    []string // spec path templates, e.g. /channels/{channel_id}/messages
	doc      map[string]any
	mu       sync.Mutex
	cache    map[string]*jsonschema.Schema
	locales  map[string]bool // AvailableLocalesEnum
}

// Load reads the spec file.
func Load(path string) (*Spec, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parse spec: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(docURL, doc); err != nil {
		return nil, fmt.Errorf("add spec: %w", err)
	}
	m, _ := doc.(map[string]any)
	paths, _ := m["paths"].(map[string]any)
	s := &Spec{compiler: c, doc: m, cache: map[string]*jsonschema.Schema{}, locales: locales(m)}
	for p := range paths {
		s.paths = append(s.paths, p)
	}
	return s, nil
}

// template finds the spec path matching a request path such as
// /api/v9/channels/123/messages.
func (s *Spec) template(path string) (string, bool) {
	path = strings.TrimPrefix(path, "/api")
	if rest, ok := strings.CutPrefix(path, "/v"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			path = rest[i:]
		}
	}
	got := strings.Split(strings.Trim(path, "/"), "/")
	best, bestLiterals := "", -1
	for _, p := range s.paths {
		want := strings.Split(strings.Trim(p, "/"), "/")
		if len(want) != len(got) {
			continue
		}
		literals, ok := 0, true
		for i := range want {
			if strings.HasPrefix(want[i], "{") {
				continue
			}
			if want[i] != got[i] {
				ok = false
				break
			}
			literals++
		}
		if ok && literals > bestLiterals {
			best, bestLiterals = p, literals
		}
	}
	return best, best != ""
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// Validate checks a JSON request body for method and path against the spec's
// request schema, then against the documented limits.
func (s *Spec) Validate(method, path string, body []byte) error {
	tmpl, ok := s.template(path)
	if !ok {
		return fmt.Errorf("%s %s: no such path in the spec", method, path)
	}
	loc := fmt.Sprintf("%s#/paths/%s/%s/requestBody/content/application~1json/schema", docURL, escapePointer(tmpl), strings.ToLower(method))
	s.mu.Lock()
	sch, ok := s.cache[loc]
	if !ok {
		var err error
		sch, err = s.compiler.Compile(loc)
		if err != nil {
			s.mu.Unlock()
			return fmt.Errorf("%s %s: compile schema: %w", method, tmpl, err)
		}
		s.cache[loc] = sch
	}
	s.mu.Unlock()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s %s: body is not JSON: %w", method, tmpl, err)
	}
	docsOverSpec(inst)
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("%s %s: %s\nbody: %s", method, tmpl, err, body)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	if err := checkLimits(tmpl, v); err != nil {
		return fmt.Errorf("%s %s: %w\nbody: %s", method, tmpl, err, body)
	}
	if err := checkCommands(tmpl, v, s.locales); err != nil {
		return fmt.Errorf("%s %s: %w\nbody: %s", method, tmpl, err, body)
	}
	return nil
}

// docsOverSpec adjusts the one place found where the spec and the docs
// disagree on a request the bot sends; the spec's README says the docs win.
// default_member_permissions: the docs (application-commands.mdx) say "a
// permission bitset as a string", the spec says integer or null; discordgo
// sends the string. It is checked here as the docs say: a string of digits,
// then validated as the number it spells.
func docsOverSpec(inst any) {
	var cmds []any
	switch v := inst.(type) {
	case []any:
		cmds = v
	case map[string]any:
		cmds = []any{v}
	}
	for _, c := range cmds {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		if p, ok := m["default_member_permissions"].(string); ok {
			if n, err := json.Number(p).Int64(); err == nil {
				m["default_member_permissions"] = json.Number(fmt.Sprint(n))
			}
		}
	}
}
