package kb

import (
	"math"
	"sort"
	"unicode/utf8"
)

// Result is the matcher's verdict on one question.
type Result struct {
	Question    string       // the question as cleaned for matching
	Answered    bool         // an entry was confident enough to be the answer
	Confidence  float64      // 0..1: the best entry's score
	Entry       *Entry       // a copy of the answer; nil when declined
	Suggestions []Suggestion // when declined: the closest entries, best first
}

// Suggestion is an entry offered instead of an answer.
type Suggestion struct {
	ID       string  `json:"id"`
	Question string  `json:"question"`
	Score    float64 `json:"-"`
}

type scratch struct {
	acc     []float32
	touched []int32
}

type queryTerm struct {
	id     int32 // -1 when unknown
	weight float32
	conf   float32
}

// minSuggestion is the lowest score an entry needs to be offered when the
// question is declined: below it the entry shares only a stray word.
const minSuggestion = 0.08

// maxQueryTerms bounds the work one question can cause.
const maxQueryTerms = 64

type scored struct {
	entry int32
	score float64
}

// Ask matches a question. It returns ErrEmptyQuestion or ErrQuestionTooLong
// for unusable input; otherwise a Result, answered or declined. Safe for
// concurrent use.
func (ix *Index) Ask(question string) (Result, error) {
	q := CleanQuestion(question)
	if q == "" {
		return Result{}, ErrEmptyQuestion
	}
	if utf8.RuneCountInString(q) > MaxQuestionRunes {
		return Result{Question: q}, ErrQuestionTooLong
	}
	res := Result{Question: q}
	ranked := ix.rank(ix.queryTerms(q), 8)
	if len(ranked) == 0 {
		return res, nil
	}
	res.Confidence = ranked[0].score
	second := 0.0
	if len(ranked) > 1 {
		second = ranked[1].score
	}
	if ranked[0].score >= ix.opts.Threshold && ranked[0].score-second >= ix.opts.Margin {
		res.Answered = true
		e := ix.slots[ranked[0].entry].clone() // a copy: the index stays immutable
		res.Entry = &e
		return res, nil
	}
	for _, r := range ranked {
		if len(res.Suggestions) == ix.opts.Suggestions || r.score < minSuggestion {
			break
		}
		e := &ix.slots[r.entry]
		res.Suggestions = append(res.Suggestions, Suggestion{ID: e.ID, Question: e.Question, Score: r.score})
	}
	return res, nil
}

// queryTerms analyses a question into weighted terms, correcting typos.
func (ix *Index) queryTerms(q string) []queryTerm {
	var out []queryTerm
	seen := map[int32]bool{}
	unknown := map[string]bool{}
	for _, t := range analyze(q) {
		if len(out) == maxQueryTerms {
			break
		}
		id, ok := ix.known(t.text)
		conf := float32(1)
		if !ok {
			fixed := ix.spell.correct(t.surface, ix.isStale)
			if fixed != "" && stopWords[fixed] {
				if isTransposition([]rune(t.surface), []rune(fixed)) {
					continue // "waht" is "what"
				}
				fixed = "" // "tanks" is not "thanks"
			}
			if fixed != "" {
				id, ok = ix.known(canonical(fixed))
				conf = weightCorrected
			}
		}
		if !ok {
			if !unknown[t.text] {
				unknown[t.text] = true
				out = append(out, queryTerm{id: -1, weight: ix.unknown})
			}
			continue
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, queryTerm{id: id, weight: ix.idf[id], conf: conf})
	}
	return out
}

// rank scores every entry that shares a term with the query and returns the
// best k, best first.
func (ix *Index) rank(qt []queryTerm, k int) []scored {
	var total float32
	for _, t := range qt {
		total += t.weight
	}
	if total == 0 {
		return nil
	}
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	// Rare terms walk their postings. Common terms, when a rare one is
	// present, only add to entries the rare ones found: an entry that shares
	// nothing but common words with the question cannot win. This keeps a
	// question's cost near-constant as the knowledge base grows.
	common := max(256, len(ix.slots)/32)
	anyRare := false
	for _, t := range qt {
		anyRare = anyRare || (t.id >= 0 && len(ix.postings[t.id]) <= common)
	}
	for _, t := range qt {
		if t.id < 0 || (anyRare && len(ix.postings[t.id]) > common) {
			continue
		}
		w := t.weight * t.conf
		for _, p := range ix.postings[t.id] {
			if ix.isDead(p.entry) {
				continue
			}
			if sc.acc[p.entry] == 0 {
				sc.touched = append(sc.touched, p.entry)
			}
			sc.acc[p.entry] += w * p.weight
		}
	}
	if anyRare {
		for _, t := range qt {
			if t.id < 0 || len(ix.postings[t.id]) <= common {
				continue
			}
			w := t.weight * t.conf
			for _, e := range sc.touched {
				if pw, ok := ix.entryWeight(e, t.id); ok {
					sc.acc[e] += w * pw
				}
			}
		}
	}
	// Keep the best few by query coverage, then refine with phrasing coverage.
	const pool = 16
	top := make([]scored, 0, pool+1)
	for _, e := range sc.touched {
		cov := math.Pow(float64(sc.acc[e]/total), ix.tune.power)
		sc.acc[e] = 0
		if len(top) == pool && cov <= top[pool-1].score {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return top[i].score < cov })
		top = append(top, scored{})
		copy(top[i+1:], top[i:])
		top[i] = scored{entry: e, score: cov}
		if len(top) > pool {
			top = top[:pool]
		}
	}
	sc.touched = sc.touched[:0]
	for i := range top {
		top[i].score *= 1 - ix.tune.phrase + ix.tune.phrase*ix.phrasingCoverage(top[i].entry, qt)
	}
	sort.SliceStable(top, func(a, b int) bool { return top[a].score > top[b].score })
	if len(top) > k {
		top = top[:k]
	}
	return top
}

// phrasingCoverage is how much of the entry's closest question or alias the
// query covers, weighted by idf. A phrasing that names an actor (a country or
// bloc) the query does not, while the query names one, counts for less: "Who
// is the Ukrainian president?" is not "Who is the Russian president?".
func (ix *Index) phrasingCoverage(e int32, qt []queryTerm) float64 {
	queryActor := false
	for _, q := range qt {
		queryActor = queryActor || ix.isActor[q.id]
	}
	best := 0.0
	for _, p := range ix.phrasings[e] {
		var got, mass float32
		for _, t := range p.terms {
			mass += ix.idf[t]
			for _, q := range qt {
				if q.id == t {
					got += ix.idf[t] * q.conf
					break
				}
			}
		}
		if mass == 0 {
			continue
		}
		c := float64(got / mass)
		if queryActor && ix.namesOtherActor(p, qt) {
			c *= ix.tune.clash
		}
		if c > best {
			best = c
		}
	}
	return best
}

// namesOtherActor reports whether the phrasing names an actor the query does not.
func (ix *Index) namesOtherActor(p phrasing, qt []queryTerm) bool {
	for _, a := range p.terms {
		if !ix.isActor[a] {
			continue
		}
		found := false
		for _, q := range qt {
			if q.id == a {
				found = true
				break
			}
		}
		if !found {
			return true
		}
	}
	return false
}

// entryWeight returns how term occurs in entry e, by binary search.
func (ix *Index) entryWeight(e, term int32) (float32, bool) {
	ts := ix.entryTerms[e]
	i := sort.Search(len(ts), func(i int) bool { return ts[i].entry >= term })
	if i < len(ts) && ts[i].entry == term {
		return ts[i].weight, true
	}
	return 0, false
}
