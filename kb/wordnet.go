package kb

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run ../internal/cmd/wordnetgen -dir /usr/share/wordnet -out data/wordnet-nonnouns.txt -verbs data/wordnet-verbforms.txt

// wordnetNonNouns is the table of general English words that are only
// adjectives or adverbs (never nouns or verbs), as written, their irregular
// forms, and (marked "~") their Porter2 stems that no noun or verb shares,
// generated from WordNet 3.0 (see internal/cmd/wordnetgen; licence in
// data/WORDNET-LICENSE).
//
//go:embed data/wordnet-nonnouns.txt
var wordnetNonNouns string

var nonNouns = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, 5000)
	for line := range strings.Lines(wordnetNonNouns) {
		if line = strings.TrimSpace(line); line != "" && line[0] != '#' {
			m[line] = true
		}
	}
	return m
})

// wordnetVerbForms is the table of irregular verb forms and their base
// verbs ("told tell"), generated from WordNet 3.0's verb.exc (see
// internal/cmd/wordnetgen).
//
//go:embed data/wordnet-verbforms.txt
var wordnetVerbForms string

var verbBases = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, 500)
	for line := range strings.Lines(wordnetVerbForms) {
		if form, base, ok := strings.Cut(strings.TrimSpace(line), " "); ok && form[0] != '#' {
			m[form] = base
		}
	}
	return m
})

// verbBase returns the base verb of an irregular form ("told": "tell"), or
// w itself.
func verbBase(w string) string {
	if b, ok := verbBases()[w]; ok {
		return b
	}
	return w
}

// nonNounWeight is the share of an unknown word's weight that a word WordNet
// knows only as an adjective or adverb keeps in a question that is not a
// yes-or-no one: "how significant is the build-up" is about the build-up,
// while in "how many Ukrainian refugees" the unknown noun is what is asked
// about. Verbs keep their weight: "did Russia accept…" asks the acceptance.
const nonNounWeight = 0.3

// isNonNoun reports whether a lower-case word is only an adjective or adverb
// in WordNet.
func isNonNoun(w string) bool {
	m := nonNouns()
	return m[w] || m["~"+stem(w)]
}
