package commands

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
)

// call is one .T("id", "Name", value, …) call in the code.
type call struct {
	where string
	id    string
	args  []string // the placeholder names it fills
}

// usedMessageIDs returns the message ids the package's code names: the
// first argument of every .T("id", …) call, the months and the bot's
// phrases.
func usedMessageIDs(t testing.TB) []string {
	ids := append([]string{"bot_error", "bot_error_ref"}, monthIDs[:]...)
	for p := bot.PhraseBusy; p <= bot.PhraseError; p++ {
		if id := phraseID(p); id != "" {
			ids = append(ids, id)
		} else if p != bot.PhraseError {
			t.Errorf("phrase %d has no message id", p)
		}
	}
	for _, c := range messageCalls(t) {
		ids = append(ids, c.id)
	}
	return ids
}

// messageCalls returns every .T call with a literal id in the package.
func messageCalls(t testing.TB) []call {
	t.Helper()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var calls []call
	fset := token.NewFileSet()
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ce, ok := n.(*ast.CallExpr)
			if !ok || len(ce.Args) == 0 {
				return true
			}
			if sel, ok := ce.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "T" {
				return true
			}
			if _, ok := ce.Args[0].(*ast.IndexExpr); ok {
				return true // monthIDs[…], listed above
			}
			if c, ok := ce.Args[0].(*ast.CallExpr); ok {
				if f, ok := c.Fun.(*ast.Ident); ok && f.Name == "phraseID" {
					return true // listed above
				}
			}
			lit, ok := ce.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: a message id that is not a literal", fset.Position(ce.Pos()))
				return true
			}
			c := call{where: fset.Position(ce.Pos()).String()}
			c.id, _ = strconv.Unquote(lit.Value)
			for i := 1; i < len(ce.Args); i += 2 {
				name, ok := ce.Args[i].(*ast.BasicLit)
				if !ok || name.Kind != token.STRING {
					t.Errorf("%s: a placeholder name that is not a literal", c.where)
					continue
				}
				n, _ := strconv.Unquote(name.Value)
				c.args = append(c.args, n)
			}
			calls = append(calls, c)
			return true
		})
	}
	return calls
}

// TestWords_EveryIDInEnglish checks that every message id the code uses has
// an English text (a missing one would show its id to members).
func TestWords_EveryIDInEnglish(t *testing.T) {
	en := i18n.MustLoad().For(i18n.English)
	ids := usedMessageIDs(t)
	if len(ids) < 50 {
		t.Fatalf("found only %d message ids in the code", len(ids))
	}
	for _, id := range ids {
		if en.T(id) == id {
			t.Errorf("message id %q has no English text", id)
		}
	}
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// TestWords_EveryPlaceholderFilled checks that each call fills exactly the
// placeholders its English message uses (in any plural form): a missing one
// would show members "<no value>", an extra one is a mistake in the text.
func TestWords_EveryPlaceholderFilled(t *testing.T) {
	raw, err := os.ReadFile("i18n/locales/active.en.json")
	if err != nil {
		t.Fatal(err)
	}
	var msgs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &msgs); err != nil {
		t.Fatal(err)
	}
	for _, c := range messageCalls(t) {
		var want []string
		for _, m := range placeholder.FindAllStringSubmatch(string(msgs[c.id]), -1) {
			if !slices.Contains(want, m[1]) {
				want = append(want, m[1])
			}
		}
		got := slices.Clone(c.args)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %s is given %v, its English text uses %v", c.where, c.id, got, want)
		}
	}
}
