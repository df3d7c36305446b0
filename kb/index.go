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
	// MaxLayerEntries is how many entries a server's layer may add, change
	// or hide (see Library). Default DefaultMaxLayerEntries. The matcher
	// does not use it.
	MaxLayerEntries int
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
	terms []int32
}

// Index answers questions from one knowledge base. It is immutable once built
// and safe for concurrent use; to change the knowledge base, build a new Index
// (NewIndex, or With for a few changes) and swap it in (see Library).
//
// Entries live in slots; With keeps a changed entry in its slot, appends new
// ones and marks removed ones dead, so unchanged structure is shared with the
// index it came from.
type Index struct {
	kb          *KB     // the live entries
	slots       []Entry // every slot, dead ones included
	dead        []bool  // nil when no slot is dead
	opts        Options
	tune        tuning
	byID        map[string]int32
	terms       map[string]int32
	surfaceTerm map[string]int32 // every surface word of the entries -> its term
	idf         []float32
	postings    [][]posting
	entryTerms  [][]posting // per slot, its terms (in posting.entry) and weights, sorted by term
	phrasings   [][]phrasing
	unknown     float32
	isActor     map[int32]bool
	spell       *spelling
	complete    completer
	scratch     sync.Pool // *scratch
}

// NewIndex builds an index over k. k must not be modified afterwards.
func NewIndex(k *KB, opts Options) *Index {
	return newIndex(k, opts, defaultTuning)
}

func newIndex(k *KB, opts Options, tune tuning) *Index {
	ix := &Index{
		kb:          k,
		slots:       k.Entries,
		tune:        tune,
		opts:        opts.withDefaults(),
		byID:        make(map[string]int32, len(k.Entries)),
		terms:       map[string]int32{},
		surfaceTerm: map[string]int32{},
		phrasings:   make([][]phrasing, len(k.Entries)),
		entryTerms:  make([][]posting, len(k.Entries)),
		isActor:     map[int32]bool{},
	}
	var a analyzer
	df := []int32{}
	for i := range k.Entries {
		ix.byID[k.Entries[i].ID] = int32(i)
		own, phr := a.entry(ix, &k.Entries[i])
		ix.entryTerms[i], ix.phrasings[i] = own, phr
		for _, t := range own {
			for int(t.entry) >= len(df) {
				df = append(df, 0)
			}
			df[t.entry]++
		}
	}
	// Postings are filled in a second pass so each list is allocated once.
	for id := range ix.postings {
		n := 0
		if id < len(df) {
			n = int(df[id])
		}
		ix.postings[id] = make([]posting, 0, n)
	}
	for i, own := range ix.entryTerms {
		for _, t := range own {
			ix.postings[t.entry] = append(ix.postings[t.entry], posting{entry: int32(i), weight: t.weight})
		}
	}
	ix.spell = newSpelling(spellingVocab(ix.surfaceTerm), ix.surfaceDF)
	ix.finish()
	return ix
}

// spellingVocab is every word the spelling corrector knows: the lexicon's
// and the entries' surface words. It is the one place that list is built.
func spellingVocab(surface map[string]int32) map[string]bool {
	vocab := make(map[string]bool, len(surface)+len(stopWords)+len(synonyms))
	for w := range stopWords {
		vocab[w] = true
	}
	for w := range synonyms {
		vocab[w] = true
	}
	for w := range surface {
		vocab[w] = true
	}
	return vocab
}

// surfaceDF is how many entries contain a word, for spelling ties.
func (ix *Index) surfaceDF(w string) int {
	if id, ok := ix.surfaceTerm[w]; ok {
		return len(ix.postings[id])
	}
	return 0
}

// finish computes what depends on every entry: idf, actors, the completer
// and the scratch pool.
func (ix *Index) finish() {
	n := float64(len(ix.kb.Entries))
	ix.idf = make([]float32, len(ix.postings))
	for id, ps := range ix.postings {
		df := float64(len(ps))
		ix.idf[id] = float32(math.Log(1+(n-df+0.5)/(df+0.5)) + ix.tune.smooth)
	}
	ix.unknown = float32(ix.tune.unknown * (math.Log(1+(n+0.5)/0.5) + ix.tune.smooth))
	for t, id := range ix.terms {
		if actors[t] {
			ix.isActor[id] = true
		}
	}
	ix.complete = newCompleter(ix)
	size := len(ix.slots)
	ix.scratch.New = func() any { return &scratch{acc: make([]float32, size)} }
}

// analyzer turns entries into terms; it reuses its buffers between entries.
type analyzer struct {
	weights []float32 // per term id: its weight in the current entry
	touched []int32
}

// entry analyses one entry: its terms with weights (sorted by term) and its
// phrasings. New words and terms are added to ix.
func (a *analyzer) entry(ix *Index, e *Entry) ([]posting, []phrasing) {
	addText := func(s string, w float32) []int32 {
		var ids []int32
		walkTerms(s, func(surface []byte, phrase string) {
			id, ok := ix.surfaceTerm[string(surface)]
			switch {
			case phrase != "":
				id = ix.termID(phrase)
			case !ok:
				word := string(surface)
				id = ix.termID(canonical(word))
				ix.surfaceTerm[word] = id
			}
			for int(id) >= len(a.weights) {
				a.weights = append(a.weights, 0)
			}
			if a.weights[id] == 0 {
				a.touched = append(a.touched, id)
			}
			a.weights[id] = max(a.weights[id], w)
			ids = append(ids, id)
		})
		return ids
	}
	phr := make([]phrasing, 0, len(e.Aliases)+1)
	phr = append(phr, phrasing{terms: dedupe(addText(e.Question, weightPhrasing))})
	for _, al := range e.Aliases {
		phr = append(phr, phrasing{terms: dedupe(addText(al, weightPhrasing))})
	}
	addText(e.Answer, weightSecondary)
	addText(e.Topic, weightSecondary)
	addText(e.AttributedTo, weightSecondary)
	slices.Sort(a.touched)
	own := make([]posting, len(a.touched))
	for j, id := range a.touched {
		own[j] = posting{entry: id, weight: a.weights[id]}
		a.weights[id] = 0
	}
	a.touched = a.touched[:0]
	return own, phr
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

// Entry returns a copy of the entry with the given id: changing it does not
// change the index.
func (ix *Index) Entry(id string) (*Entry, bool) {
	i, ok := ix.byID[strings.TrimSpace(id)]
	if !ok {
		return nil, false
	}
	e := ix.slots[i].clone()
	return &e, true
}

func (ix *Index) isDead(slot int32) bool { return ix.dead != nil && ix.dead[slot] }

// isStale reports a word that only removed entries had (and that is not in
// the lexicon, whose words are always in the spelling vocabulary).
func (ix *Index) isStale(w string) bool {
	id, ok := ix.surfaceTerm[w]
	if !ok || len(ix.postings[id]) > 0 || stopWords[w] {
		return false
	}
	_, lexicon := synonyms[w]
	return !lexicon
}

// known returns the term id of a canonical term that some live entry has.
func (ix *Index) known(term string) (int32, bool) {
	id, ok := ix.terms[term]
	if !ok || len(ix.postings[id]) == 0 {
		return 0, false
	}
	return id, true
}
