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
