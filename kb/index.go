package kb

import (
	"math"
	"slices"
	"strconv"
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
	// OnChange, when set, is called by a Library after entries changed in
	// a scope: through its Apply, or found by Refresh (another process).
	// It is called with the library locked, so it must return quickly and
	// must not call Apply or Refresh (queue the work instead). The matcher
	// does not use it.
	OnChange func(scope string, entryIDs []string)
	// Lexicon is the crisis vocabulary to analyse with. Nil means the
	// knowledge base's own (KB.Lexicon) or, when it has none (entries read
	// from a store), the lexicon of the knowledge base embedded in the binary.
	Lexicon *Lexicon

	// names, when set, shares the names found in the sources between the
	// indexes built with these options (a Library sets it).
	names *nameCache
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
	both    float64 // weight of the query side in phrasing coverage (0: only the phrasing's side)
	kind    float64 // factor on an entry that does not declare the kind of answer asked for
	yesno   float64 // factor on an entry that answers with a name, date, place or number, for a yes-or-no question
	speaker float64 // factor on an entry not attributed to the speaker a question names ("what does the Kremlin say")
	// specific is the least idf mass of known words (a kind of answer
	// counts 1) a question needs to be answered: "will there be more
	// talks?" says too little to pick one entry.
	specific float64
	role     float64 // factor on an entry about another actor's thing ("Russian troops" for "Ukrainian troops")
	ask      float64 // factor on an entry that does not cover an asking word of the question ("pass", "after")
	// partialLift is how far above the threshold the question without its
	// unknown and asking words must score for a partial answer.
	partialLift float64
}

var defaultTuning = tuning{smooth: 1, unknown: 1.3, phrase: 0.7, power: 1.5, clash: 0.5, both: 0.5, kind: 0.35, yesno: 0.85, speaker: 0.35, specific: 2.6, role: 0.3, ask: 0.35, partialLift: 0.1}

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
	termName    []string         // term id -> its canonical text
	surfaceTerm map[string]int32 // every surface word of the entries -> its term
	gone        map[string]bool  // surface words of surfaceTerm that no live entry has any more (With)
	idf         []float32
	postings    [][]posting
	entryTerms  [][]posting // per slot, its terms (in posting.entry) and weights, sorted by term
	phrasings   [][]phrasing
	phrMass     []float32 // idf mass of each phrasing, flat: entry e's at phrOff[e]…
	phrOff      []int32   // per slot, where its phrasings' masses start in phrMass
	facts       []entryFacts
	unknown     float32
	isActor     []bool // per term id
	isName      []bool // per term id: a proper name in the sources (see sourceNames)
	isSpeaker   []bool // per term id: a word of some entry's attribution ("analysts", "Kremlin")
	names       map[string]bool
	voc         *vocab
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
		facts:       make([]entryFacts, len(k.Entries)),
		entryTerms:  make([][]posting, len(k.Entries)),
	}
	lex := opts.Lexicon
	if lex == nil {
		lex = k.Lexicon
	}
	if lex == nil {
		lex = defaultLexicon()
	}
	ix.voc = lex.compiled()
	a := analyzer{sources: k.Sources}
	df := []int32{}
	for i := range k.Entries {
		ix.byID[k.Entries[i].ID] = int32(i)
		own, phr, facts := a.entry(ix, &k.Entries[i])
		ix.entryTerms[i], ix.phrasings[i], ix.facts[i] = own, phr, facts
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
	ix.spell = newSpelling(ix.spellingVocab(), ix.surfaceDF)
	ix.finish()
	return ix
}

// spellingVocab is every word the spelling corrector knows: the stop words,
// the lexicon's and the entries' surface words. It is the one place that
// list is built.
func (ix *Index) spellingVocab() map[string]bool {
	vocab := make(map[string]bool, len(ix.surfaceTerm)+len(stopWords)+len(ix.voc.synonyms))
	for w := range stopWords {
		vocab[w] = true
	}
	for w := range ix.voc.synonyms {
		vocab[w] = true
	}
	for w := range ix.surfaceTerm {
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
	// Each phrasing's idf mass, once per index rather than once per question.
	total := 0
	for _, ps := range ix.phrasings {
		total += len(ps)
	}
	ix.phrMass, ix.phrOff = make([]float32, 0, total), make([]int32, len(ix.phrasings))
	for e, ps := range ix.phrasings {
		ix.phrOff[e] = int32(len(ix.phrMass))
		for _, p := range ps {
			var mass float32
			for _, t := range p.terms {
				mass += ix.idf[t]
			}
			ix.phrMass = append(ix.phrMass, mass)
		}
	}
	ix.isActor = make([]bool, len(ix.postings))
	for a := range ix.voc.actors {
		if id, ok := ix.terms[a]; ok {
			ix.isActor[id] = true
		}
	}
	if ix.names == nil {
		ix.names = ix.opts.names.names(ix.voc, ix.kb.Sources)
	}
	ix.isSpeaker = make([]bool, len(ix.postings))
	for i, f := range ix.facts {
		if !ix.isDead(int32(i)) {
			for _, t := range f.by {
				ix.isSpeaker[t] = true
			}
		}
	}
	ix.isName = make([]bool, len(ix.postings))
	for n := range ix.names {
		if id, ok := ix.terms[n]; ok && !ix.isActor[id] {
			ix.isName[id] = true
		}
	}
	ix.complete = newCompleter(ix)
	size := len(ix.slots)
	terms := len(ix.postings)
	ix.scratch.New = func() any {
		return &scratch{acc: make([]float32, size), qconf: make([]float32, terms), qweight: make([]float32, terms)}
	}
}

// analyzer turns entries into terms; it reuses its buffers between entries.
type analyzer struct {
	weights []float32 // per term id: its weight in the current entry
	touched []int32
	ids     []int32 // the term ids of the text being added (addText)
	says    []int32 // the terms of the entry's question and answer, before dedupe
	ranked  []int32 // terms of the entry written right after a rank word (see rankWords)
	bare    []int32 // terms of the entry written without one
	words   wordBufs
	sources []Source                 // the sources the entries quote
	starts  map[string]*sourceStarts // per source id (see sentence); built on first use
}

// entry analyses one entry: its terms with weights (sorted by term), its
// phrasings and its actor-noun pairs. New words and terms are added to ix.
func (a *analyzer) entry(ix *Index, e *Entry) ([]posting, []phrasing, entryFacts) {
	// addText returns the text's term ids in a.ids: valid until the next
	// call, so a caller keeps them by copying (appending) them.
	addText := func(s string, w float32) []int32 {
		ids := a.ids[:0]
		ranked := false // the word before was a rank word ("deputy")
		ix.voc.walkTerms(s, &a.words, func(surface []byte, phrase string) {
			var id int32
			if phrase != "" {
				id = ix.termID(phrase)
			} else {
				id = ix.wordTerm(surface)
			}
			if ranked {
				a.ranked = append(a.ranked, id)
			} else {
				a.bare = append(a.bare, id)
			}
			ranked = phrase == "" && rankWords[string(surface)]
			for int(id) >= len(a.weights) {
				a.weights = append(a.weights, 0)
			}
			if a.weights[id] == 0 {
				a.touched = append(a.touched, id)
			}
			a.weights[id] = max(a.weights[id], w)
			ids = append(ids, id)
		})
		a.ids = ids
		return ids
	}
	f := entryFacts{kinds: entryKinds(e)}
	// pairs finds the actor-noun pairs of a text, which only a text naming
	// an actor can have.
	pairs := func(s string, ids []int32) {
		for _, id := range ids {
			if ix.voc.actors[ix.termName[id]] {
				ix.voc.actorPairs(splitWords(s), ix.buildCanon, func(actor, noun, _ string) {
					f.pairs = append(f.pairs, pairKey(ix.termID(actor), ix.termID(noun)))
				})
				return
			}
		}
	}
	phr := make([]phrasing, 0, len(e.Aliases)+1)
	q := addText(e.Question, weightPhrasing)
	pairs(e.Question, q)
	says := append(a.says[:0], q...)
	phr = append(phr, phrasing{terms: dedupeCopy(q)})
	for _, al := range e.Aliases {
		ids := addText(al, weightPhrasing)
		pairs(al, ids)
		phr = append(phr, phrasing{terms: dedupeCopy(ids)})
	}
	ans := addText(e.Answer, weightSecondary)
	pairs(e.Answer, ans)
	says = append(says, ans...)
	a.says = says
	addText(e.Topic, weightSecondary)
	f.by = slices.Clone(addText(e.AttributedTo, weightSecondary))
	if len(e.Answers) == 0 {
		// An entry a moderator added names its speaker in its own words
		// ("What did Ryabkov say…"), while its attribution is the source's
		// outlet: it answers what they said.
		f.by = append(f.by, says...) // its question's and answer's terms
	}
	f.by = dedupe(f.by)
	f.says = dedupeCopy(says)
	f.ranked = a.rankedOnly()
	slices.Sort(f.pairs)
	f.pairs = slices.Compact(f.pairs)
	if asOf, err := strconv.Atoi(strings.SplitN(e.AsOf, "-", 2)[0]); err == nil {
		for _, id := range f.says {
			if t := ix.termName[id]; len(t) == 4 && allDigits(t) {
				if y, _ := strconv.Atoi(t); y >= 1000 && y < asOf {
					f.past = true
				}
			}
		}
	}
	for _, c := range e.Citations {
		a.words.word = scanWords(a.sentence(c), a.words.word, func(w []byte) {
			f.foretells = f.foretells || futureWords[string(w)]
			f.sequenced = f.sequenced || sequenceWords[string(w)]
		})
		f.quotes = append(f.quotes, quoteFacts{source: c.SourceID, quote: c.Quote, norm: NormalizeQuote(c.Quote)})
	}
	slices.Sort(a.touched)
	own := make([]posting, len(a.touched))
	for j, id := range a.touched {
		own[j] = posting{entry: id, weight: a.weights[id]}
		a.weights[id] = 0
	}
	a.touched = a.touched[:0]
	return own, phr, f
}

// rankedOnly returns the entry's terms written only right after a rank word,
// sorted, and resets the lists for the next entry.
func (a *analyzer) rankedOnly() []int32 {
	var out []int32
	if len(a.ranked) > 0 {
		bare := dedupe(a.bare)
		for _, id := range dedupe(a.ranked) {
			if _, ok := slices.BinarySearch(bare, id); !ok {
				out = append(out, id)
			}
		}
	}
	a.ranked, a.bare = a.ranked[:0], a.bare[:0]
	return out
}

func (ix *Index) termID(t string) int32 {
	if id, ok := ix.terms[t]; ok {
		return id
	}
	id := int32(len(ix.postings))
	ix.terms[t] = id
	ix.termName = append(ix.termName, t)
	ix.postings = append(ix.postings, nil)
	return id
}

// wordTerm returns the term of an entry's word, analysing (stemming) each
// distinct word once. Only while building.
func (ix *Index) wordTerm(surface []byte) int32 {
	if id, ok := ix.surfaceTerm[string(surface)]; ok {
		return id
	}
	word := string(surface)
	id := ix.termID(ix.voc.canonical(word))
	ix.surfaceTerm[word] = id
	return id
}

// buildCanon is canonical for an entry's word, through wordTerm.
func (ix *Index) buildCanon(w string) string { return ix.termName[ix.wordTerm([]byte(w))] }

// queryCanon is canonical for a question's word: a word the entries have is
// looked up, only a new one is analysed. Safe for concurrent use.
func (ix *Index) queryCanon(w string) string {
	if id, ok := ix.surfaceTerm[w]; ok {
		return ix.termName[id]
	}
	return ix.voc.canonical(w)
}

// dedupe sorts ids and removes repeats, in place.
func dedupe(ids []int32) []int32 {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// dedupeCopy is dedupe into a new slice of exactly the right size, leaving
// ids (a reused buffer) free for the next text.
func dedupeCopy(ids []int32) []int32 {
	return slices.Clip(slices.Clone(dedupe(ids)))
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
	if ix.gone[w] {
		return true
	}
	id, ok := ix.surfaceTerm[w]
	if !ok || len(ix.postings[id]) > 0 || stopWords[w] {
		return false
	}
	_, lexicon := ix.voc.synonyms[w]
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
