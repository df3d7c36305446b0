// Package synth generates deterministic synthetic knowledge bases of any size
// for benchmarks: pronounceable made-up words with a Zipf-like frequency, so
// some words are common across entries and most are rare, as in real text.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"crisisbot/kb"
)

var syllables = strings.Fields("ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zi zo zu")

// Generator makes entries and questions from one seeded vocabulary.
type Generator struct {
	words []string
	rng   *rand.Rand
	zipf  *rand.Zipf
}

// New returns a generator with a vocabulary of vocab words. The same seed and
// size always give the same output.
func New(seed uint64, vocab int) *Generator {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	seen := map[string]bool{}
	g := &Generator{rng: rng}
	for len(g.words) < vocab {
		var b strings.Builder
		for n := 2 + rng.IntN(3); n > 0; n-- {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			g.words = append(g.words, w)
		}
	}
	g.zipf = rand.NewZipf(rng, 1.1, 2, uint64(vocab-1))
	return g
}

func (g *Generator) phrase(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.words[g.zipf.Uint64()]
	}
	return strings.Join(ws, " ")
}

// KB returns a valid knowledge base of n entries: questions and aliases are
// unique, and the one source's text holds every quote.
func (g *Generator) KB(n int) *kb.KB {
	k := &kb.KB{}
	k.Entries = make([]kb.Entry, n)
	used := map[string]bool{}
	unique := func(words int) string {
		for {
			p := g.phrase(words)
			if !used[p] {
				used[p] = true
				return p
			}
		}
	}
	var text strings.Builder
	for i := range k.Entries {
		e := &k.Entries[i]
		e.ID = fmt.Sprintf("e%d", i)
		e.Topic = g.phrase(2)
		e.Question = unique(5+g.rng.IntN(5)) + "?"
		for a := 0; a < 3; a++ {
			e.Aliases = append(e.Aliases, unique(3+g.rng.IntN(3)))
		}
		e.Answer = g.phrase(30)
		e.Citations = []kb.Citation{{SourceID: "synthetic", Quote: g.phrase(12)}}
		e.AsOf = "2022-01-10"
		e.AttributedTo = "synth"
		text.WriteString(e.Citations[0].Quote)
		text.WriteString(". ")
	}
	k.Sources = []kb.Source{{ID: "synthetic", Title: "Synthetic", Outlet: "synth", URL: "https://example.invalid/", Published: "2022-01-10", Text: text.String()}}
	return k
}

// Questions returns n questions about random entries of k, each with one
// word dropped and one typo, as people type.
func (g *Generator) Questions(k *kb.KB, n int) []string {
	out := make([]string, n)
	for i := range out {
		ws := strings.Fields(strings.TrimSuffix(k.Entries[g.rng.IntN(len(k.Entries))].Question, "?"))
		ws = append(ws[:1], ws[2:]...)
		j := g.rng.IntN(len(ws))
		if w := []rune(ws[j]); len(w) > 3 {
			w[1], w[2] = w[2], w[1]
			ws[j] = string(w)
		}
		out[i] = strings.Join(ws, " ")
	}
	return out
}
