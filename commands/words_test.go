package commands

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"crisisbot/commands/i18n"
)

// usedMessageIDs returns the message ids the package's code names: the
// first argument of every .T("id", …) call, the months and the bot's
// phrases.
func usedMessageIDs(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	ids := append([]string{"bot_error", "bot_error_ref"}, monthIDs[:]...)
	for _, id := range phraseIDs {
		ids = append(ids, id)
	}
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
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "T" {
				return true
			}
			if _, ok := call.Args[0].(*ast.IndexExpr); ok {
				return true // monthIDs[…] or phraseIDs[…], listed above
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: a message id that is not a literal", fset.Position(call.Pos()))
				return true
			}
			id, _ := strconv.Unquote(lit.Value)
			ids = append(ids, id)
			return true
		})
	}
	return ids
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
