package kb

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"unicode/utf8"
)

// Result is the matcher's verdict on one question: an answer, a partial
// answer (Related), or a refusal with suggestions.
type Result struct {
	Question    string       // the question as cleaned for matching
	Answered    bool         // an entry was confident enough to be the answer
	Confidence  float64      // 0..1: the best entry's score
	Entry       *Entry       // a copy of the answer; nil when declined
	Suggestions []Suggestion // when declined: the closest entries, best first
	// Related is set when the question is declined although the knowledge
	// base covers its topic: the source does not say what was asked, and
	// Related is the closest sourced fact about that topic. Reason says in
	// one sentence what the source does not say. Both are empty when the
	// question is answered or off-topic.
	Related *Entry
	Reason  string
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
	// qconf and qweight hold, per term id, the query term's confidence and
	// weight while a question is ranked (0 for terms not in it).
	qconf, qweight []float32
}

// extraKinds is the factor on an entry that declares more kinds of answer
// than the question asks for.
const extraKinds = 0.93

// minSuggestion is the lowest score an entry needs to be offered when the
// question is declined: below it the entry shares only a stray word.
const minSuggestion = 0.08

// maxQueryTerms bounds the work one question can cause.
const maxQueryTerms = 64

// scored is one entry's score for a question. base is before the penalties
// for a different actor and for uncovered asking words and names. It is kept
// small: the ranking moves and sorts it.
type scored struct {
	entry int32
	score float64
	base  float64
	clash bool // the question names an actor the entry does not (otherActor)
	miss  bool // the entry does not say an asking word or name of the question (missingAsks)
}

// Ask matches a question. It returns ErrEmptyQuestion or ErrQuestionTooLong
// for unusable input; otherwise a Result, answered, partial or declined.
// Safe for concurrent use.
func (ix *Index) Ask(question string) (Result, error) {
	q := CleanQuestion(question)
	if q == "" {
		return Result{}, ErrEmptyQuestion
	}
	if utf8.RuneCountInString(q) > MaxQuestionRunes {
		return Result{Question: q}, ErrQuestionTooLong
	}
	res := Result{Question: q}
	qu := ix.analyzeQuery(q)
	ranked := ix.rank(qu, 8)
	if len(ranked) == 0 {
		return res, nil
	}
	res.Confidence = ranked[0].score
	best, ok := ix.pick(ranked, qu)
	if !ok {
		best, ok = ix.tieBreak(q, qu, ranked)
	}
	if ok && ix.specific(qu) && !ix.outranked(best, ranked, qu) {
		res.Answered = true
		e := ix.slots[best].clone() // a copy: the index stays immutable
		res.Entry = &e
		return res, nil
	}
	ix.partial(&res, qu, ranked)
	for _, r := range ranked {
		if len(res.Suggestions) == ix.opts.Suggestions {
			break
		}
		if r.base < minSuggestion {
			// Close in topic is judged before the penalties for a detail
			// the entry does not give: "How many Ukrainian refugees…"
			// still offers the troop figures.
			continue
		}
		e := &ix.slots[r.entry]
		res.Suggestions = append(res.Suggestions, Suggestion{ID: e.ID, Question: e.Question, Score: r.score})
	}
	return res, nil
}

// outranked reports whether an entry closer to the question than best, before
// the checks, was set back by them (another actor, a detail it does not
// give): best then wins only because the closer one cannot answer, and is
// no answer either ("are the Russians about to invade" is not answered by
// a warning of provocations because the invasion entry cannot say what will
// happen).
func (ix *Index) outranked(best int32, ranked []scored, qu query) bool {
	var own float64
	for _, r := range ranked {
		if r.entry == best {
			own = r.base
		}
	}
	for _, r := range ranked {
		if (r.clash || r.miss) && r.base-own >= ix.opts.Margin && !ix.lacksOnlyMember(r, qu) {
			return true
		}
	}
	return false
}

// lacksOnlyMember reports whether r was set back only for not naming a
// member of the class a "which" question asks for: the entry that names
// one is then the answer, not a stand-in ("which war is mentioned in
// Ukraine": the Donbass war, though the invasion fears mention Ukraine more).
func (ix *Index) lacksOnlyMember(r scored, qu query) bool {
	if r.clash {
		return false
	}
	miss := ix.missingAsks(r.entry, qu)
	for _, m := range miss {
		if !slices.ContainsFunc(qu.needs, func(n need) bool { return n.class != "" && n.surface == m }) {
			return false
		}
	}
	return len(miss) > 0
}

// specific reports whether the question says enough to pick one entry.
func (ix *Index) specific(qu query) bool {
	mass := 0.0
	if qu.kind != 0 {
		mass++
	}
	for _, t := range qu.terms {
		switch {
		case t.id < 0:
		case ix.isName[t.id] && !t.common:
			return true // a name alone says what it is about: "sherman"
		default:
			mass += float64(t.weight * t.conf)
		}
	}
	return mass >= ix.tune.specific
}

// pick returns the entry that answers: the best of ranked when it is
// confident. When several entries on one subject tie for a question that
// names only the subject ("the GUARD Act"), the question asks what the
// subject is: the one of them that defines it answers.
func (ix *Index) pick(ranked []scored, qu query) (int32, bool) {
	if ix.confident(ranked) {
		return ranked[0].entry, true
	}
	if qu.kind != 0 || qu.yesno || len(qu.needs) > 0 || ranked[0].score < ix.opts.Threshold {
		return 0, false
	}
	for _, t := range qu.terms {
		if t.ask || t.id < 0 {
			return 0, false
		}
	}
	found, n := int32(0), 0
	for _, r := range ranked {
		if ranked[0].score-r.score >= ix.opts.Margin {
			break
		}
		if r.clash || r.miss {
			return 0, false
		}
		if ix.facts[r.entry].kinds&kindDefine != 0 {
			found, n = r.entry, n+1
		}
	}
	return found, n == 1
}

// confident reports whether the best of ranked is the answer: above the
// threshold and clear of the runner-up.
func (ix *Index) confident(ranked []scored) bool {
	second := 0.0
	if len(ranked) > 1 {
		second = ranked[1].score
	}
	return ranked[0].score >= ix.opts.Threshold && ranked[0].score-second >= ix.opts.Margin
}

// rank scores every entry that shares a term with the query and returns the
// best k, best first.
func (ix *Index) rank(qu query, k int) []scored {
	qt := qu.terms
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
		cov := float64(sc.acc[e] / total)
		if ix.tune.power == 1.5 {
			cov *= math.Sqrt(cov)
		} else {
			cov = math.Pow(cov, ix.tune.power)
		}
		sc.acc[e] = 0
		// Ties go to the earlier slot, so the pool does not depend on the
		// order of the postings (which an edit changes).
		ahead := func(s scored) bool { return s.score < cov || (s.score == cov && s.entry > e) }
		if len(top) == pool && !ahead(top[pool-1]) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return ahead(top[i]) })
		top = append(top, scored{})
		copy(top[i+1:], top[i:])
		top[i] = scored{entry: e, score: cov}
		if len(top) > pool {
			top = top[:pool]
		}
	}
	sc.touched = sc.touched[:0]
	queryActor := false
	for _, q := range qt {
		if q.id >= 0 {
			sc.qconf[q.id], sc.qweight[q.id] = q.conf, q.weight
			queryActor = queryActor || ix.isActor[q.id]
		}
	}
	defer func() {
		for _, q := range qt {
			if q.id >= 0 {
				sc.qconf[q.id], sc.qweight[q.id] = 0, 0
			}
		}
	}()
	for i := range top {
		s := &top[i]
		// An entry whose coverage alone keeps it below a suggestion cannot
		// be answered, offered or related: its phrasings are not worth
		// comparing (it scores as if none matched).
		if s.score >= minSuggestion {
			s.score *= 1 - ix.tune.phrase + ix.tune.phrase*ix.phrasingCoverage(s.entry, sc, queryActor, total)
		} else {
			s.score *= 1 - ix.tune.phrase
		}
		s.base = s.score
		switch ek := ix.facts[s.entry].kinds; {
		case qu.kind != 0 && ek != 0 && ek&qu.kind == 0 && !(qu.namesLink && ek&kindLink != 0 && qu.kind&(kindDate|kindNumber) == 0):
			s.score *= ix.tune.kind

		case qu.future && ix.facts[s.entry].past:
			s.score *= ix.tune.kind // "when will Russia invade", "will Russia attack" are not answered by 2014
		case qu.yesno && ek&^kindOther != 0 && ek&kindReason == 0:
			s.score *= ix.tune.yesno // a yes-or-no question is not asking for a name or a date
		}
		if len(qu.speakers) > 0 && (!ix.attributedTo(s.entry, qu.speakers) || qu.personal && !ix.inPerson(s.entry, qu)) {
			s.score *= ix.tune.speaker
		}
		s.base = s.score
		if s.clash = ix.otherActor(s.entry, qu) != ""; s.clash {
			s.score *= ix.tune.role
		}
		if s.miss = ix.missesAsk(s.entry, qu); s.miss {
			s.score *= ix.tune.ask
		}
	}
	slices.SortStableFunc(top, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	if qu.kind != 0 && len(top) > 1 && top[0].score-top[1].score < 2*ix.opts.Margin {
		// Close entries that give the kind asked, some with other kinds
		// besides: one that gives only that kind is the closer answer ("what
		// city are the talks in": the place, not who takes part, though the
		// participants are countries too).
		for i := range top {
			if ek := ix.facts[top[i].entry].kinds; ek&^(qu.kind|kindOther|kindDefine) != 0 {
				top[i].score *= extraKinds
			}
		}
		slices.SortStableFunc(top, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	}
	if len(top) > k {
		top = top[:k]
	}
	return top
}

// phrasingCoverage is how closely the entry's closest question or alias
// matches the query, both ways: the share of the phrasing the query covers
// times the share of the query the phrasing covers (geometric mean), weighted
// by idf. A short alias that the query merely contains ("photographer") does
// not match as well as a phrasing of the whole question. A phrasing that
// names an actor (a country or bloc) the query does not, while the query
// names one, counts for less: "Who is the Ukrainian president?" is not "Who
// is the Russian president?".
func (ix *Index) phrasingCoverage(e int32, sc *scratch, queryActor bool, total float32) float64 {
	best := 0.0
	masses := ix.phrMass[ix.phrOff[e]:]
	for j, p := range ix.phrasings[e] {
		var got, qgot float32
		mass := masses[j]
		for _, t := range p.terms {
			if c := sc.qconf[t]; c > 0 {
				got += ix.idf[t] * c
				qgot += sc.qweight[t] * c
			}
		}
		if mass == 0 {
			continue
		}
		var c float64
		if ix.tune.both == 0.5 {
			c = math.Sqrt(float64(got / mass * qgot / total))
		} else {
			c = math.Pow(float64(got/mass), 1-ix.tune.both) * math.Pow(float64(qgot/total), ix.tune.both)
		}
		if queryActor && ix.namesOtherActor(p, sc) {
			c *= ix.tune.clash
		}
		if c > best {
			best = c
		}
	}
	return best
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
