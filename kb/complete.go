package kb

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/sahilm/fuzzy"
)

// fuzzyAllLimit is the largest number of phrasings the completer scans with a
// fuzzy subsequence match on every keystroke; above it, only entries found
// through the word index are fuzzy-ranked.
const fuzzyAllLimit = 4000

// completer suggests entries for a partly typed question. It is immutable
// after newCompleter and safe for concurrent use.
type completer struct {
	ix        *Index
	words     []string // sorted surface words of all entries
	wordTerm  []int32  // term of words[i]
	texts     []string // every question, alias and topic, for fuzzy matching
	textOf    []int32  // entry of texts[i]
	textStart []int32  // texts of entry e are texts[textStart[e]:textStart[e+1]]
}

func newCompleter(ix *Index) completer {
	n := 0
	for i := range ix.slots {
		n += 2 + len(ix.slots[i].Aliases)
	}
	c := completer{ix: ix, texts: make([]string, 0, n), textOf: make([]int32, 0, n), textStart: make([]int32, len(ix.slots)+1)}
	for i := range ix.slots {
		c.textStart[i] = int32(len(c.texts))
		if ix.isDead(int32(i)) {
			continue
		}
		e := &ix.slots[i]
		c.texts = append(c.texts, e.Question, e.Topic)
		c.texts = append(c.texts, e.Aliases...)
		for len(c.textOf) < len(c.texts) {
			c.textOf = append(c.textOf, int32(i))
		}
	}
	c.textStart[len(ix.slots)] = int32(len(c.texts))
	c.words = make([]string, 0, len(ix.surfaceTerm))
	for w, id := range ix.surfaceTerm {
		if !stopWords[w] && len(ix.postings[id]) > 0 && !ix.gone[w] {
			c.words = append(c.words, w)
		}
	}
	sort.Strings(c.words)
	c.wordTerm = make([]int32, len(c.words))
	for i, w := range c.words {
		c.wordTerm[i] = ix.surfaceTerm[w]
	}
	return c
}

type textSource struct {
	texts []string
	idx   []int
}

func (s textSource) String(i int) string { return s.texts[s.idx[i]] }
func (s textSource) Len() int            { return len(s.idx) }

// Complete suggests up to limit entries for a partly typed question, best
// first. An empty query gives the first entries of the knowledge base, which
// are curated to be the most useful. Complete never blocks on anything and is
// safe for concurrent use.
func (ix *Index) Complete(query string, limit int) []Suggestion {
	if limit <= 0 {
		return nil
	}
	q := CleanQuestion(query)
	if len([]rune(q)) > MaxQuestionRunes {
		q = string([]rune(q)[:MaxQuestionRunes])
	}
	if q == "" {
		var out []Suggestion
		for i := 0; i < len(ix.kb.Entries) && i < limit; i++ {
			out = append(out, Suggestion{ID: ix.kb.Entries[i].ID, Question: ix.kb.Entries[i].Question})
		}
		return out
	}
	return ix.complete.run(q, limit)
}

func (c completer) run(q string, limit int) []Suggestion {
	ix := c.ix
	keep := limit * 4
	ranked := c.wordMatches(q, keep)
	// Fuzzy subsequence matching catches abbreviations and prefixes the word
	// index cannot ("ssd", "strat stab"); it ranks all phrasings when there
	// are few, otherwise only the word-index candidates.
	src := textSource{texts: c.texts}
	if len(c.texts) <= fuzzyAllLimit {
		src.idx = make([]int, len(c.texts))
		for i := range src.idx {
			src.idx[i] = i
		}
	} else {
		for _, r := range ranked {
			for i := c.textStart[r.entry]; i < c.textStart[r.entry+1]; i++ {
				src.idx = append(src.idx, int(i))
			}
		}
	}
	fuzzyRank := map[int32]int{}
	var fuzzyOrder []int32
	for _, m := range fuzzy.FindFrom(q, src) {
		e := c.textOf[src.idx[m.Index]]
		if _, ok := fuzzyRank[e]; !ok {
			fuzzyRank[e] = len(fuzzyOrder)
			fuzzyOrder = append(fuzzyOrder, e)
		}
	}
	sort.SliceStable(ranked, func(a, b int) bool {
		if ranked[a].score != ranked[b].score {
			return ranked[a].score > ranked[b].score
		}
		// Of equal entries, the one with the shorter question is the more
		// general ("What is the GUARD Act?" before "What does GUARD stand for?").
		if la, lb := len(ix.slots[ranked[a].entry].Question), len(ix.slots[ranked[b].entry].Question); la != lb {
			return la < lb
		}
		ra, oka := fuzzyRank[ranked[a].entry]
		rb, okb := fuzzyRank[ranked[b].entry]
		return oka && (!okb || ra < rb)
	})
	out := make([]Suggestion, 0, limit)
	used := map[int32]bool{}
	push := func(e int32) {
		if len(out) < limit && !used[e] {
			used[e] = true
			out = append(out, Suggestion{ID: ix.slots[e].ID, Question: ix.slots[e].Question})
		}
	}
	for _, r := range ranked {
		push(r.entry)
	}
	for _, e := range fuzzyOrder {
		push(e)
	}
	return out
}

// wordMatches scores entries by the idf of the query words they contain and
// returns the best keep of them, best first; the last word counts as a prefix
// since the user may still be typing it.
func (c completer) wordMatches(q string, keep int) []scored {
	ix := c.ix
	words := splitWords(q)
	partial := ""
	if len(words) > 0 && !strings.HasSuffix(q, " ") {
		partial, words = words[len(words)-1], words[:len(words)-1]
	}
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	const maxPostings = 20000 // bound the work for very common words
	visited := 0
	addTerm := func(id int32, w float64) {
		for _, p := range ix.postings[id] {
			if visited++; visited > maxPostings {
				return
			}
			if ix.isDead(p.entry) {
				continue
			}
			if sc.acc[p.entry] == 0 {
				sc.touched = append(sc.touched, p.entry)
			}
			sc.acc[p.entry] += float32(w) * p.weight
		}
	}
	for _, t := range ix.voc.analyze(strings.Join(words, " "), ix.queryCanon) {
		if id, ok := ix.known(t.text); ok {
			addTerm(id, float64(ix.idf[id]))
			continue
		}
		c.addPrefixOrFix(t.surface, addTerm)
	}
	if partial != "" && !stopWords[partial] {
		c.addPrefixOrFix(partial, addTerm)
	}
	top := make([]scored, 0, keep+1)
	for _, e := range sc.touched {
		s := float64(sc.acc[e])
		sc.acc[e] = 0
		if len(top) == keep && !better(scored{entry: e, score: s}, top[keep-1]) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return better(scored{entry: e, score: s}, top[i]) })
		top = append(top, scored{})
		copy(top[i+1:], top[i:])
		top[i] = scored{entry: e, score: s}
		if len(top) > keep {
			top = top[:keep]
		}
	}
	sc.touched = sc.touched[:0]
	return top
}

// better orders by score, then by position in the knowledge base.
func better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.entry < b.entry
}

// addPrefixOrFix adds the terms of the vocabulary words that start with w,
// or, when none does, of w's spelling correction.
func (c completer) addPrefixOrFix(w string, add func(int32, float64)) {
	ix := c.ix
	// A prefix counts for the share of the word it has typed: "tr" is more
	// likely "troops" than "treaties".
	terms := map[int32]float64{}
	for i := sort.SearchStrings(c.words, w); i < len(c.words) && strings.HasPrefix(c.words[i], w) && len(terms) < 32; i++ {
		share := float64(len(w)) / float64(len(c.words[i]))
		terms[c.wordTerm[i]] = max(terms[c.wordTerm[i]], share)
	}
	if len(terms) == 0 {
		if fixed := ix.spell.correct(w, ix.isStale); fixed != "" && !stopWords[fixed] {
			if id, ok := ix.known(ix.voc.canonical(fixed)); ok {
				terms[id] = 1
			}
		}
	}
	// In the terms' text order, not map order (nor id order, which differs
	// between an updated and a rebuilt index): sums of floats depend on
	// their order, and equal entries must rank the same way every time.
	ids := slices.SortedFunc(maps.Keys(terms), func(a, b int32) int { return strings.Compare(ix.termName[a], ix.termName[b]) })
	for _, id := range ids {
		add(id, float64(ix.idf[id])*terms[id]/float64(len(terms)))
	}
}
