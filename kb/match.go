package kb

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Result is the matcher's verdict on one question: an answer, a partial
// answer (Related), or a refusal with suggestions.
type Result struct {
	Question    string       // the question as cleaned for matching
	Answered    bool         // an entry was confident enough to be the answer
	Confidence  float64      // 0..1: the best entry's score
	Entry       *Entry       // the answer; nil when declined
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

type queryTerm struct {
	id      int32 // -1 when unknown
	weight  float32
	conf    float32
	ask     bool   // a word that asks for something specific (askWords)
	surface string // as written
}

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

// query is an analysed question.
type query struct {
	terms    []queryTerm
	kind     kindSet  // the kind of answer asked for; 0 when the question does not say
	yesno    bool     // a yes-or-no question ("Is…", "Did…")
	future   bool     // "will…?", "when will…", "when is … going to…": what is still to come
	speakers []int32  // actors and names of a question that asks what someone says
	pairs    []uint64 // actor-noun pairs (see actorPairs)
	pairText map[uint64]string
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
	if ix.confident(ranked) && ix.specific(qu) {
		res.Answered = true
		res.Entry = &ix.slots[ranked[0].entry]
		return res, nil
	}
	ix.partial(&res, qu, ranked)
	for _, r := range ranked {
		if len(res.Suggestions) == ix.opts.Suggestions || r.score < minSuggestion {
			break
		}
		e := &ix.slots[r.entry]
		res.Suggestions = append(res.Suggestions, Suggestion{ID: e.ID, Question: e.Question, Score: r.score})
	}
	return res, nil
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
		case ix.isName[t.id]:
			return true // a name alone says what it is about: "sherman"
		default:
			mass += float64(t.weight * t.conf)
		}
	}
	return mass >= ix.tune.specific
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

// partial fills res.Related when the question's topic is covered but not
// what it asks: the best entry before penalties would have been the answer
// but names another actor or misses an asking word, or the question minus
// its unknown and asking words is answered confidently.
func (ix *Index) partial(res *Result, qu query, ranked []scored) {
	top := ranked[0]
	for _, r := range ranked[1:] {
		if r.base > top.base {
			top = r
		}
	}
	if top.base >= ix.opts.Threshold && (top.clash || top.miss) {
		res.Related = &ix.slots[top.entry]
		if clash := ix.otherActor(top.entry, qu); clash != "" {
			res.Reason = "The article doesn't say that: it has nothing on “" + clash + "”."
		} else {
			res.Reason = missingReason(ix.missingAsks(top.entry, qu.terms))
		}
		return
	}
	var kept []queryTerm
	var dropped []string
	var keptMass, offTopic float32
	for _, t := range qu.terms {
		if t.id < 0 || t.ask {
			dropped = append(dropped, t.surface)
			if !t.ask {
				offTopic += t.weight
			}
			continue
		}
		kept = append(kept, t)
		keptMass += t.weight
	}
	// The question must be mostly about the topic: "How many Ukrainian
	// refugees…" is about refugees, which the source never mentions.
	if len(dropped) == 0 || len(kept) < 2 || keptMass <= offTopic {
		return
	}
	sub := qu
	sub.terms = kept
	r := ix.rank(sub, 2)
	if len(r) == 0 || !ix.confident(r) || r[0].clash || r[0].score < ix.opts.Threshold+ix.tune.partialLift {
		return
	}
	res.Related, res.Reason = &ix.slots[r[0].entry], missingReason(dropped)
}

// missingReason says in one sentence that the source does not answer the
// question's words miss.
func missingReason(miss []string) string {
	quoted := make([]string, len(miss))
	for i, w := range miss {
		quoted[i] = "“" + w + "”"
	}
	list := strings.Join(quoted, ", ")
	if n := len(quoted); n > 1 {
		list = strings.Join(quoted[:n-1], ", ") + " or " + quoted[n-1]
	}
	return "The article doesn't say that: nothing in it answers " + list + " here."
}

// chatSpellings are the chat spellings of question words, which are too
// short for the typo corrector: "wen do the talks start".
var chatSpellings = map[string]string{
	"wen": "when", "whn": "when", "wat": "what", "wut": "what", "wht": "what", "wher": "where", "whr": "where",
	"hw": "how", "y": "why", "abt": "about", "bc": "because",
}

// swappable are the three-letter function words whose swapped-letter typos
// ("teh", "hte", "nad") are respelled; only these, so that "won" is not
// read as "own".
var swappable = setOf(`the and for are how who why was has did its can you not`)

// respell replaces chat spellings and three-letter swaps of common function
// words in words, reporting whether it changed any.
func respell(words []string) bool {
	changed := false
	for i, w := range words {
		if c, ok := chatSpellings[w]; ok {
			words[i], changed = c, true
			continue
		}
		if len(w) == 3 && !stopWords[w] && !swappable[w] {
			for _, sw := range []string{w[1:2] + w[0:1] + w[2:], w[0:1] + w[2:3] + w[1:2]} {
				if swappable[sw] {
					words[i], changed = sw, true
					break
				}
			}
		}
	}
	return changed
}

// analyzeQuery analyses a question into weighted terms (correcting typos),
// the kind of answer it asks for and the actors it names.
func (ix *Index) analyzeQuery(q string) query {
	words := splitWords(q)
	if respelled := respell(words); respelled {
		q = strings.Join(words, " ")
	}
	kind, used := questionKind(words)
	qu := query{kind: kind, yesno: kind == 0 && len(words) > 0 && yesNoStarts[words[0]]}
	qu.future = len(words) > 0 && words[0] == "will" ||
		slices.Contains(words, "when") && (slices.Contains(words, "will") || slices.Contains(words, "going"))
	hasYear := false // "what happened in 2008" asks what the entry for 2008 says
	for i, w := range words {
		hasYear = hasYear || allDigits(w)
		if w == "after" && i+1 < len(words) && allDigits(words[i+1]) {
			if used == nil {
				used = map[string]bool{}
			}
			used[w] = true // "after 2016" is "since": the year asks, not "after"
		}
	}
	seen := map[int32]bool{}
	unknown := map[string]bool{}
	for _, t := range ix.voc.analyze(q, ix.queryCanon) {
		if len(qu.terms) == maxQueryTerms {
			break
		}
		if used[t.surface] {
			continue // "which city": the kind, not a topic
		}
		ask := askWords[t.surface] && !(happenWords[t.surface] && (kind != 0 || hasYear))
		if allDigits(t.surface) {
			ask = true // "in 2014": a number or year the entry must say
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
				id, ok = ix.known(ix.voc.canonical(fixed))
				conf = weightCorrected
				ask = ask || askWords[fixed]
			}
		}
		if !ok {
			if !unknown[t.text] {
				unknown[t.text] = true
				qu.terms = append(qu.terms, queryTerm{id: -1, weight: ix.unknown, ask: ask, surface: t.surface})
			}
			continue
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		qu.terms = append(qu.terms, queryTerm{id: id, weight: ix.idf[id], conf: conf, ask: ask, surface: t.surface})
	}
	if i := slices.IndexFunc(words, func(w string) bool { return speechWords[w] }); i >= 0 {
		// The speaker is the word before the verb ("what does the Kremlin
		// say", "Peskov says") or after "according to".
		var who []string
		if i > 0 {
			who = append(who, words[i-1])
		}
		for j := 0; j+2 < len(words); j++ {
			if words[j] == "according" && words[j+1] == "to" {
				who = append(who, words[j+2])
			}
		}
		for _, t := range qu.terms {
			if t.id >= 0 && slices.Contains(who, t.surface) && (ix.isActor[t.id] || ix.isName[t.id] || ix.isSpeaker[t.id]) {
				qu.speakers = append(qu.speakers, t.id)
			}
		}
		if len(qu.speakers) == 0 && qu.kind == 0 && words[0] == "what" && !slices.Contains(words[i:], "about") {
			qu.kind = kindDefine // "what do the draft treaties say" asks what they hold
			qu.yesno = false
		}
	}
	ix.voc.actorPairs(words, ix.queryCanon, func(actor, noun, surface string) {
		a, ok1 := ix.known(actor)
		n, ok2 := ix.known(noun)
		if ok1 && ok2 {
			k := pairKey(a, n)
			qu.pairs = append(qu.pairs, k)
			if qu.pairText == nil {
				qu.pairText = map[uint64]string{}
			}
			qu.pairText[k] = surface
		}
	})
	return qu
}

// queryTerms analyses a question into weighted terms, correcting typos.
func (ix *Index) queryTerms(q string) []queryTerm { return ix.analyzeQuery(q).terms }

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
		s.score *= 1 - ix.tune.phrase + ix.tune.phrase*ix.phrasingCoverage(s.entry, sc, queryActor, total)
		s.base = s.score
		switch ek := ix.facts[s.entry].kinds; {
		case qu.kind != 0 && ek != 0 && ek&qu.kind == 0:
			s.score *= ix.tune.kind
		case qu.future && ix.facts[s.entry].past:
			s.score *= ix.tune.kind // "when will Russia invade", "will Russia attack" are not answered by 2014
		case qu.yesno && ek&^kindOther != 0 && ek&kindReason == 0:
			s.score *= ix.tune.yesno // a yes-or-no question is not asking for a name or a date
		}
		if len(qu.speakers) > 0 && !ix.attributedTo(s.entry, qu.speakers) {
			s.score *= ix.tune.speaker
		}
		s.base = s.score
		if s.clash = ix.otherActor(s.entry, qu) != ""; s.clash {
			s.score *= ix.tune.role
		}
		if s.miss = ix.missesAsk(s.entry, qt); s.miss {
			s.score *= ix.tune.ask
		}
	}
	slices.SortStableFunc(top, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
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
	for _, p := range ix.phrasings[e] {
		var got, mass, qgot float32
		for _, t := range p.terms {
			mass += ix.idf[t]
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

// otherActor returns the question's actor, or actor phrase ("ukrainian
// troops"), when the entry never names that actor, or speaks of the same
// thing for another actor ("Russian troops") and never for the question's;
// "" otherwise.
func (ix *Index) otherActor(e int32, qu query) string {
	for _, q := range qu.terms {
		if q.id >= 0 && ix.isActor[q.id] {
			if _, ok := ix.entryWeight(e, q.id); !ok {
				return q.surface // "American troops in Ukraine": the entry never names Ukraine
			}
		}
	}
	have := ix.facts[e].pairs
	for _, qp := range qu.pairs {
		if _, ok := slices.BinarySearch(have, qp); ok {
			continue
		}
		noun := uint32(qp)
		for _, p := range have {
			if uint32(p) == noun {
				return qu.pairText[qp]
			}
		}
	}
	return ""
}

// attributedTo reports whether the entry's claim is attributed to one of
// the speakers.
func (ix *Index) attributedTo(e int32, speakers []int32) bool {
	for _, s := range speakers {
		if _, ok := slices.BinarySearch(ix.facts[e].by, s); ok {
			return true
		}
	}
	return false
}

// missesAsk reports whether missingAsks would return anything, without
// building the list.
func (ix *Index) missesAsk(e int32, qt []queryTerm) bool {
	for _, q := range qt {
		switch {
		case q.id >= 0 && ix.isName[q.id]:
			if _, ok := ix.entryWeight(e, q.id); !ok {
				return true
			}
		case !q.ask:
		case q.id < 0:
			return true
		default:
			if _, ok := slices.BinarySearch(ix.facts[e].says, q.id); !ok {
				return true
			}
		}
	}
	return false
}

// missingAsks returns the asking words of the query ("pass", "after",
// "agreement") that the entry does not say: not in its question or answer
// (which restates its quotes; aliases do not count: they are how people
// ask, not what the source says), and the proper names of the query that
// the entry never mentions.
func (ix *Index) missingAsks(e int32, qt []queryTerm) []string {
	var miss []string
	for _, q := range qt {
		if q.id >= 0 && ix.isName[q.id] {
			if _, ok := ix.entryWeight(e, q.id); !ok {
				miss = append(miss, q.surface) // "what did Tass say about the GUARD Act"
			}
			continue
		}
		if !q.ask {
			continue
		}
		if q.id >= 0 {
			if _, ok := slices.BinarySearch(ix.facts[e].says, q.id); ok {
				continue
			}
		}
		miss = append(miss, q.surface)
	}
	return miss
}

// namesOtherActor reports whether the phrasing names an actor the query does not.
func (ix *Index) namesOtherActor(p phrasing, sc *scratch) bool {
	for _, a := range p.terms {
		if ix.isActor[a] && sc.qconf[a] == 0 {
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
