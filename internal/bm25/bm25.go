// Package bm25 is a plain Okapi BM25 ranker (k1 = 1.2, b = 0.75) with
// lower-case word tokens and an English stop-word list, and nothing more: no
// stemming, synonyms or typo correction. The evaluation uses it as the
// baseline the knowledge-base matcher must beat.
package bm25

import (
	"math"
	"sort"
	"strings"
	"unicode"
)

const (
	k1 = 1.2
	b  = 0.75
)

var stop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but if of in on at to for from by with about into is are was were
be been do does did what who whom which when where why how it its this that these those there their they them
he his she her i me my you your we our can could would should will may might has have had any some s t not no`) {
		m[w] = true
	}
	return m
}()

// Tokenize lower-cases s, splits it on anything but letters and digits and
// drops stop words.
func Tokenize(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if !stop[w] {
			out = append(out, w)
		}
	}
	return out
}

// Index is an immutable BM25 index over documents; safe for concurrent use.
type Index struct {
	docs   []map[string]int
	lens   []float64
	avgLen float64
	df     map[string]int
}

// New indexes documents; document i is scored as i.
func New(documents []string) *Index {
	ix := &Index{df: map[string]int{}}
	total := 0.0
	for _, d := range documents {
		tf := map[string]int{}
		toks := Tokenize(d)
		for _, t := range toks {
			tf[t]++
		}
		for t := range tf {
			ix.df[t]++
		}
		ix.docs = append(ix.docs, tf)
		ix.lens = append(ix.lens, float64(len(toks)))
		total += float64(len(toks))
	}
	if len(documents) > 0 {
		ix.avgLen = total / float64(len(documents))
	}
	return ix
}

// Hit is a scored document.
type Hit struct {
	Doc   int
	Score float64
}

// Search returns every document with a positive score, best first.
func (ix *Index) Search(query string) []Hit {
	n := float64(len(ix.docs))
	var hits []Hit
	q := Tokenize(query)
	for i, tf := range ix.docs {
		s := 0.0
		for _, t := range q {
			f := float64(tf[t])
			if f == 0 {
				continue
			}
			df := float64(ix.df[t])
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			s += idf * f * (k1 + 1) / (f + k1*(1-b+b*ix.lens[i]/ix.avgLen))
		}
		if s > 0 {
			hits = append(hits, Hit{Doc: i, Score: s})
		}
	}
	sort.SliceStable(hits, func(a, c int) bool { return hits[a].Score > hits[c].Score })
	return hits
}
