package kb_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"crisisbot/kb"
)

// TestLibrary_ParallelBuilds checks the indexes built in parallel: every
// server's at startup against indexes kept up to date one edit at a time,
// and after a global edit (which rebuilds every server's) against a library
// opened afresh: the same entries and the same answers.
func TestLibrary_ParallelBuilds(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	curated := defaultKB(t)
	incremental, _ := openLibrary(t, path, curated)
	const servers = 12
	scopes := []string{kb.GlobalScope}
	edit := func(l *kb.Library, scope, id, answer string) {
		t.Helper()
		e, base, ok := l.Entry(scope, id)
		if !ok {
			t.Fatalf("%s: no entry %s", scope, id)
		}
		e.Answer = answer
		if _, err := l.Apply(ctx, []kb.Change{{Scope: scope, EntryID: id, Entry: &e, Action: kb.ActionEdit, Author: "mod", Base: base}}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range servers {
		sc := fmt.Sprint("g", i)
		scopes = append(scopes, sc)
		edit(incremental, sc, "who-is-peskov", fmt.Sprintf("Dmitry Peskov is the Kremlin spokesman (server %d).", i))
		if i%3 == 0 {
			if _, err := incremental.Apply(ctx, []kb.Change{{Scope: sc, EntryID: "guard-act", Action: kb.ActionRemove, Author: "mod"}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	questions := []string{"who is peskov", "what is the guard act", "who is sherman", "what did the osce summit agree"}
	same := func(when string, a, b *kb.Library) {
		t.Helper()
		for _, sc := range scopes {
			for _, id := range []string{"who-is-peskov", "guard-act", "who-is-sherman"} {
				ea, oka := a.Index(sc).Entry(id)
				eb, okb := b.Index(sc).Entry(id)
				if oka != okb || oka && !reflect.DeepEqual(*ea, *eb) {
					t.Errorf("%s, %s: entry %s differs: %v %v", when, sc, id, oka, okb)
				}
			}
			for _, q := range questions {
				ra, erra := a.Index(sc).Ask(q)
				rb, errb := b.Index(sc).Ask(q)
				if !reflect.DeepEqual(ra, rb) || (erra == nil) != (errb == nil) {
					t.Errorf("%s, %s: %q answered differently:\n%+v\n%+v", when, sc, q, ra, rb)
				}
			}
		}
	}
	// Every server's index is built in parallel when a library opens.
	rebuilt, _ := openLibrary(t, path, curated)
	same("after opening", incremental, rebuilt)
	for i := range servers {
		e, _ := rebuilt.Index(fmt.Sprint("g", i)).Entry("who-is-peskov")
		if !strings.Contains(e.Answer, fmt.Sprintf("(server %d)", i)) {
			t.Fatalf("g%d serves %q", i, e.Answer)
		}
	}
	// A global edit rebuilds every server's index, in parallel; each keeps
	// its own edits on top.
	answer := "William Tecumseh Sherman was a Union general (edited globally)."
	edit(rebuilt, kb.GlobalScope, "who-is-sherman", answer)
	reopened, _ := openLibrary(t, path, curated)
	same("after a global edit", reopened, rebuilt)
	for i, sc := range scopes {
		e, _ := rebuilt.Index(sc).Entry("who-is-sherman")
		own, _ := rebuilt.Index(sc).Entry("who-is-peskov")
		if e.Answer != answer || i > 0 && !strings.Contains(own.Answer, fmt.Sprintf("(server %d)", i-1)) {
			t.Fatalf("%s serves %q and %q after the global edit", sc, e.Answer, own.Answer)
		}
	}
}
