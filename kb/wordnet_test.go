package kb

import "testing"

// TestIsNonNoun checks the WordNet table: adjectives and adverbs that are
// never nouns or verbs, in any form that reaches it, and not the nouns and
// verbs that stem like them.
func TestIsNonNoun(t *testing.T) {
	for w, want := range map[string]bool{
		"significant":   true,
		"significantly": true,
		"significance":  false, // a noun that stems like "significant"
		"stability":     false,
		"personally":    false, // stems to the noun "person"
		"appointed":     false, // stems to the verb "appoint"
		"refugees":      false,
		"candidates":    false, // stems to "candid", an adjective as written
		"fatalities":    false,
		"weakness":      false,
		"candid":        true,
		"troops":        false,
	} {
		if got := isNonNoun(w); got != want {
			t.Errorf("isNonNoun(%q) = %v, want %v", w, got, want)
		}
	}
}

// TestVerbBase checks the irregular verb table: a form is its verb, and a
// form that is also a common noun or verb stays as written.
func TestVerbBase(t *testing.T) {
	for w, want := range map[string]string{
		"told":   "tell",
		"met":    "meet",
		"begun":  "begin",
		"sought": "seek",
		"left":   "left",  // a common noun and adjective too
		"found":  "found", // a verb of its own
		"talked": "talked",
		"troops": "troops",
	} {
		if got := verbBase(w); got != want {
			t.Errorf("verbBase(%q) = %q, want %q", w, got, want)
		}
	}
}
