package kb

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Options tune the matcher. The zero value means the defaults, which were
// chosen on the labelled question set in testdata (see README).
type Options struct {
	// Threshold is the lowest confidence (0..1) at which an entry is given as
	// the answer. Default 0.40.
	Threshold float64
	// Margin is how far the best entry must lead the runner-up. Default 0.05.
	Margin float64
	// Suggestions is how many entries to offer when declining. Default 3.
	Suggestions int
}

func (o Options) withDefaults() Options {
	if o.Threshold == 0 {
		o.Threshold = 0.40
	}
	if o.Margin == 0 {
		o.Margin = 0.05
	}
	if o.Suggestions == 0 {
		o.Suggestions = 3
	}
	return o
}

// Weights of where a term occurs in an entry, and of what a query word is.
const (
	weightPhrasing  = 1.0  // in the question or an alias
	weightSecondary = 0.5  // only in the answer, topic or attribution
	weightCorrected = 0.85 // a query word that was a typo
)

// tuning holds the scoring constants; see DESIGN in the README. They are
// fields, not constants, so the evaluation can sweep them.
type tuning struct {
	smooth  float64 // added to every idf, so common words still count when missing
	unknown float64 // an unknown query word weighs this times the idf of an unseen term
	phrase  float64 // share of the score that depends on covering a whole question or alias
	power   float64 // exponent on query coverage: >1 punishes unmatched words harder
	clash   float64 // factor on a phrasing that names an actor the question does not, when the question names one
}

var defaultTuning = tuning{smooth: 1, unknown: 1.3, phrase: 0.7, power: 1.5, clash: 0.5}

type posting struct {
	entry  int32
	weight float32
}

type phrasing struct {
	terms  []int32
	actors []int32 // the terms that name actors
	mass   float32 // sum of the terms' idf
}

// Index answers questions from one knowledge base. It is immutable once built
// and safe for concurrent use; to change the knowledge base, build a new Index
// and swap it in (see Live).
type Index struct {
	kb         *KB
	opts       Options
	tune       tuning
	byID       map[string]int32
	terms      map[string]int32
	idf        []float32
	postings   [][]posting
	entryTerms [][]posting // per entry, its terms (in posting.entry) and weights, sorted by term
	phrasings  [][]phrasing
	unknown    float32
	isActor    map[int32]bool
	spell      *spelling
	complete   completer
	scratch    sync.Pool // *scratch
}

// NewIndex builds an index over k. k must not be modified afterwards.
func NewIndex(k *KB, opts Options) *Index {
	return newIndex(k, opts, defaultTuning)
}

func newIndex(k *KB, opts Options, tune tuning) *Index {
	ix := &Index{
		kb:        k,
		tune:      tune,
		opts:      opts.withDefaults(),
		byID:      make(map[string]int32, len(k.Entries)),
		terms:     map[string]int32{},
		phrasings: make([][]phrasing, len(k.Entries)),
		isActor:   map[int32]bool{},
	}
	surfaceTerm := map[string]int32{} // every surface word of the entries -> its term
	var weights []float32             // per term id: its weight in the current entry
	var touched []int32
	var df []int32 // per term id: entries containing it
	ix.entryTerms = make([][]posting, len(k.Entries))
	for i := range k.Entries {
		e := &k.Entries[i]
		ix.byID[e.ID] = int32(i)
		addText := func(s string, w float32) []int32 {
			var ids []int32
			walkTerms(s, func(surface []byte, phrase string) {
				id, ok := surfaceTerm[string(surface)]
				switch {
				case phrase != "":
					id = ix.termID(phrase)
				case !ok:
					w := string(surface)
					id = ix.termID(canonical(w))
					surfaceTerm[w] = id
				}
				for int(id) >= len(weights) {
					weights = append(weights, 0)
					df = append(df, 0)
				}
				if weights[id] == 0 {
					touched = append(touched, id)
				}
				weights[id] = max(weights[id], w)
				ids = append(ids, id)
			})
			return ids
		}
		phr := make([][]int32, 0, len(e.Aliases)+1)
		phr = append(phr, addText(e.Question, weightPhrasing))
		for _, a := range e.Aliases {
			phr = append(phr, addText(a, weightPhrasing))
		}
		addText(e.Answer, weightSecondary)
		addText(e.Topic, weightSecondary)
		addText(e.AttributedTo, weightSecondary)
		slices.Sort(touched)
		own := make([]posting, len(touched))
		for j, id := range touched {
			own[j] = posting{entry: id, weight: weights[id]}
			weights[id] = 0
			df[id]++
		}
		touched = touched[:0]
		ix.entryTerms[i] = own
		ix.phrasings[i] = make([]phrasing, len(phr))
		for j, p := range phr {
			ix.phrasings[i][j] = phrasing{terms: dedupe(p)}
		}
	}
	// Postings are filled in a second pass so each list is allocated once.
	for id := range ix.postings {
		ix.postings[id] = make([]posting, 0, df[id])
	}
	for i, own := range ix.entryTerms {
		for _, t := range own {
			ix.postings[t.entry] = append(ix.postings[t.entry], posting{entry: int32(i), weight: t.weight})
		}
	}
	n := float64(len(k.Entries))
	ix.idf = make([]float32, len(ix.postings))
	for id, ps := range ix.postings {
		df := float64(len(ps))
		ix.idf[id] = float32(math.Log(1+(n-df+0.5)/(df+0.5)) + tune.smooth)
	}
	ix.unknown = float32(tune.unknown * (math.Log(1+(n+0.5)/0.5) + tune.smooth))
	for i := range ix.phrasings {
		for j := range ix.phrasings[i] {
			p := &ix.phrasings[i][j]
			for _, t := range p.terms {
				p.mass += ix.idf[t]
			}
		}
	}
	for t, id := range ix.terms {
		if actors[t] {
			ix.isActor[id] = true
		}
	}
	for i := range ix.phrasings {
		for j := range ix.phrasings[i] {
			p := &ix.phrasings[i][j]
			for _, t := range p.terms {
				if ix.isActor[t] {
					p.actors = append(p.actors, t)
				}
			}
		}
	}
	vocab := make(map[string]bool, len(surfaceTerm)+len(stopWords)+len(synonyms))
	for w := range stopWords {
		vocab[w] = true
	}
	for w := range synonyms {
		vocab[w] = true
	}
	for w := range surfaceTerm {
		vocab[w] = true
	}
	ix.spell = newSpelling(vocab, func(w string) int {
		if id, ok := surfaceTerm[w]; ok {
			return len(ix.postings[id])
		}
		return 0
	})
	ix.complete = newCompleter(ix, surfaceTerm)
	size := len(k.Entries)
	ix.scratch.New = func() any { return &scratch{acc: make([]float32, size)} }
	return ix
}

func (ix *Index) termID(t string) int32 {
	if id, ok := ix.terms[t]; ok {
		return id
	}
	id := int32(len(ix.postings))
	ix.terms[t] = id
	ix.postings = append(ix.postings, nil)
	return id
}

func dedupe(ids []int32) []int32 {
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

// KB returns the knowledge base the index was built from.
func (ix *Index) KB() *KB { return ix.kb }

// Len returns the number of entries.
func (ix *Index) Len() int { return len(ix.kb.Entries) }

// Entry returns the entry with the given id.
func (ix *Index) Entry(id string) (*Entry, bool) {
	i, ok := ix.byID[strings.TrimSpace(id)]
	if !ok {
		return nil, false
	}
	return &ix.kb.Entries[i], true
}
