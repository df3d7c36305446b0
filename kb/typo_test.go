package kb

import "testing"

// TestSpelling_Correct: a misspelling is corrected to the vocabulary word,
// but a word made of a vocabulary word and a prefix is another word.
func TestSpelling_Correct(t *testing.T) {
	vocab := map[string]bool{"presented": true, "negotiations": true, "signed": true, "elected": true}
	s := newSpelling(vocab, func(string) int { return 1 })
	for w, want := range map[string]string{
		"negotations": "negotiations",
		"presnted":    "presented",
		"represented": "", // re-presented: another word
		"reelected":   "",
		"unsigned":    "signed", // a negation: its question is answered by the word's entry
	} {
		if got := s.correct(w, nil); got != want {
			t.Errorf("correct(%q) = %q, want %q", w, got, want)
		}
	}
}
