package kb

import (
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"
)

// TestNameCache: the shared names are exactly sourceNames of the same
// texts, computed once per vocabulary and set of texts, and recomputed when
// a text differs or the set was evicted.
func TestNameCache(t *testing.T) {
	t.Parallel()
	k := shippedKB(t)
	v := defaultLexicon().compiled()
	base := k.Sources
	extra := append(slices.Clone(base), Source{ID: "extra", Text: "The envoy met Zorblatt in the morning."})
	same := func(a, b map[string]bool) bool { return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() }
	var c nameCache

	first := c.names(v, base)
	if !maps.Equal(first, sourceNames(v, base)) || len(first) == 0 {
		t.Fatalf("cached names differ from sourceNames (%d names)", len(first))
	}
	if again := c.names(v, slices.Clone(base)); !same(first, again) {
		t.Fatal("the same texts in another list were not shared")
	}
	withExtra := c.names(v, extra)
	if same(first, withExtra) || !maps.Equal(withExtra, sourceNames(v, extra)) || !withExtra[v.canonical("zorblatt")] || first[v.canonical("zorblatt")] {
		t.Fatal("a source list with one more source got the names of another")
	}
	other := compileVocab(&Lexicon{Synonyms: []SynonymGroup{{Term: "zorb", Words: []string{"zorblatt"}}}})
	if got := c.names(other, extra); same(got, withExtra) || !got["zorb"] {
		t.Fatal("another vocabulary got the names of the first")
	}
	changed := slices.Clone(extra)
	changed[len(changed)-1].Text = "The envoy met Quuxley in the morning."
	if got := c.names(v, changed); same(got, withExtra) || got[v.canonical("zorblatt")] || !got[v.canonical("quuxley")] {
		t.Fatal("a changed text got the names of the text before")
	}
	for i := range maxNameSets {
		c.names(v, []Source{{Text: "Then Name" + string(rune('a'+i)) + " spoke."}})
	}
	if got := c.names(v, base); same(got, first) || !maps.Equal(got, first) {
		t.Fatal("the least recently used set was not evicted, or came back different")
	}

	var wg sync.WaitGroup
	got := make([]map[string]bool, 8)
	var fresh nameCache
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = fresh.names(v, slices.Clone(extra))
		}()
	}
	wg.Wait()
	for _, m := range got[1:] {
		if !same(m, got[0]) {
			t.Fatal("concurrent builds of one source set did not share its names")
		}
	}
}

// TestSourceNames_CommonNouns checks that a word written in lower case
// mid-sentence somewhere in the sources is no name, though it is
// capitalised inside one ("the Cold War", "the Donbass war").
func TestSourceNames_CommonNouns(t *testing.T) {
	v := defaultLexicon().compiled()
	names := sourceNames(v, []Source{{ID: "s", Text: "It was the biggest build-up since the Cold War, near Zorblatt.\nThe Donbass war goes on.\n"}})
	for w, want := range map[string]bool{"zorblatt": true, "cold": true, "war": false, "donbass": true} {
		if got := names[v.canonical(w)]; got != want {
			t.Errorf("%q is a name: %v, want %v", w, got, want)
		}
	}
}
