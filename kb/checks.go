package kb

import (
	"slices"
	"strconv"
	"strings"
)

// The checks below compare what a question asks with what an entry says;
// the ranking applies them as penalties and partial answers explain them.

// entryFacts is what the matcher checks an entry's claims against.
type entryFacts struct {
	pairs []uint64 // actor-noun pairs of its question, answer and aliases (see actorPairs), sorted
	says  []int32  // terms of its question and answer (not its aliases), sorted
	by    []int32  // terms of its attribution (who made the claim), sorted
	kinds kindSet  // the kinds of answer it gives (see entryKinds)
	past  bool     // it dates what it says by a year before its as_of: history, not what is to come
	// foretells: one of its quotes says what will or is to happen ("will
	// meet", "is expected to", "next week"), so it can answer "will…?".
	foretells bool
	// sequenced: a source sentence it quotes relates two events in time
	// ("When … discovered…, talks were further stifled"), so it can answer
	// "what happened after…" about them.
	sequenced bool
	// ranked are the terms its texts say only after a rank
	// word ("secretary" in "Deputy Secretary of State"), sorted: the entry
	// is not about "the Secretary of State".
	ranked []int32
	quotes []quoteFacts // its citations, for ties between entries quoting the same words
}

// quoteFacts is one citation's quote as the tie-break compares it.
type quoteFacts struct {
	source string
	quote  string // as cited
	norm   string // NormalizeQuote of the quote
}

// partial fills res.Related when the question's topic is covered but not
// what it asks: the best entry before penalties would have been the answer
// but names another actor or misses an asking word, or the question minus
// its unknown and asking words is answered confidently.
func (ix *Index) partial(res *Result, qu query, ranked []scored) {
	// The closest fact is the best entry before penalties, preferring one
	// that speaks of the question's actor's thing: for "How many American
	// troops are in Ukraine?" the American troops, not the Russian ones.
	top, topPairs := ranked[0], ix.hasPairs(ranked[0].entry, qu)
	for _, r := range ranked[1:] {
		p := ix.hasPairs(r.entry, qu)
		if p && !topPairs && r.base >= ix.opts.Threshold || p == topPairs && r.base > top.base {
			top, topPairs = r, p
		}
	}
	if top.base >= ix.opts.Threshold && (top.clash || top.miss) {
		res.Related = &ix.slots[top.entry]
		if clash := ix.otherActor(top.entry, qu); clash != "" {
			res.Reason = "The article doesn't say that: it has nothing on “" + clash + "”."
		} else {
			res.Reason = missingReason(ix.missingAsks(top.entry, qu))
		}
		return
	}
	var kept []queryTerm
	var keptMass, offTopic float32
	for _, t := range qu.terms {
		if t.id < 0 || t.ask {
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
	if len(kept) == len(qu.terms) && len(qu.needs) == 0 || len(kept) < 2 || keptMass <= offTopic {
		return
	}
	sub := qu
	sub.terms, sub.needs = kept, nil
	r := ix.rank(sub, 2)
	if len(r) == 0 || !ix.confident(r) || r[0].clash || r[0].score < ix.opts.Threshold+ix.tune.partialLift {
		return
	}
	// The reason names only what that entry does not say: a question
	// declined for being close to two entries is not a partial answer.
	miss := ix.missingAsks(r[0].entry, qu)
	for _, t := range qu.terms {
		if t.id < 0 && !t.ask {
			miss = append(miss, t.surface)
		}
	}
	if len(miss) == 0 {
		return
	}
	res.Related, res.Reason = &ix.slots[r[0].entry], missingReason(miss)
}

// missingReason says in one sentence that the source does not answer the
// question's words miss.
func missingReason(miss []string) string {
	if slices.Contains(miss, linkAsk) {
		return "The article only links to that story; it doesn't tell it."
	}
	if slices.Contains(miss, futureAsk) {
		rest := slices.DeleteFunc(slices.Clone(miss), func(w string) bool { return w == futureAsk })
		if len(rest) == 0 {
			return "The article doesn't say what will happen."
		}
		return "The article doesn't say what will happen, and nothing in it answers " + quoteList(rest) + " here."
	}
	return "The article doesn't say that: nothing in it answers " + quoteList(miss) + " here."
}

// quoteList joins words as “a”, “b” or “c”.
func quoteList(miss []string) string {
	quoted := make([]string, len(miss))
	for i, w := range miss {
		quoted[i] = "“" + w + "”"
	}
	list := strings.Join(quoted, ", ")
	if n := len(quoted); n > 1 {
		list = strings.Join(quoted[:n-1], ", ") + " or " + quoted[n-1]
	}
	return list
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

// hasPairs reports whether entry e has every actor-noun pair of the query
// (false when the query has none).
func (ix *Index) hasPairs(e int32, qu query) bool {
	for _, qp := range qu.pairs {
		if _, ok := slices.BinarySearch(ix.facts[e].pairs, qp); !ok {
			return false
		}
	}
	return len(qu.pairs) > 0
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

// inPerson reports whether the entry's attribution names a speaker of the
// question as a person: not as an office or government named after them
// ("The Biden Administration" is not Biden in person; "Kremlin spokesman
// Dmitry Peskov" is the spokesman and Peskov).
func (ix *Index) inPerson(e int32, qu query) bool {
	words := splitWords(ix.slots[e].AttributedTo)
	for i, w := range words {
		if !officeNouns[at(words, i+1)] {
			continue
		}
		if id, ok := ix.surfaceTerm[w]; ok && slices.Contains(qu.speakers, id) {
			return false
		}
	}
	return true
}

// givesFigureFor reports whether a yes-or-no question's checked value q (a
// figure, year, weekday, month or rank: see checkedValue) is answered by
// the entry's own value of that class: "is it true Russia has 70k troops at
// the border?" by the entry that counts them (nearly 100,000).
func (ix *Index) givesFigureFor(e int32, q queryTerm, qu query) bool {
	if !qu.yesno {
		return false
	}
	f := &ix.facts[e]
	class := int(q.value)
	switch {
	case class == 0:
		return false
	case class == valueFigure && f.kinds&kindNumber == 0, (class == valueYear || class == valueWeekday || class == valueMonth) && f.kinds&kindDate == 0:
		return false
	}
	return slices.ContainsFunc(f.says, func(id int32) bool { return valueClass(ix.termName[id]) == class })
}

// Classes of a value a yes-or-no question checks, each answered by an
// entry's own value of the class: "is it 50k troops?" by "nearly 100,000",
// "did Putin invade Ukraine in 2015?" by "in 2014", "is the OSCE summit on
// Friday?" by "Thursday", "was the photo taken in December?" by "November".
const (
	valueFigure = 1 + iota
	valueYear
	valueWeekday
	valueMonth
	valueOrdinal
)

// valueStems are the weekdays', months' and ranks' names and their stems
// (the terms an entry says are stemmed), each with its class.
var valueStems = func() map[string]int {
	m := map[string]int{}
	for w := range weekdays {
		if w != "today" && w != "tomorrow" {
			m[w], m[stem(w)] = valueWeekday, valueWeekday
		}
	}
	for w := range monthNames {
		if w != "may" && w != "march" { // also a verb
			m[w], m[stem(w)] = valueMonth, valueMonth
		}
	}
	for _, w := range []string{"second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"} {
		m[w], m[stem(w)] = valueOrdinal, valueOrdinal // "is this the second meeting?" ("first" and "last" say more than a rank)
	}
	return m
}()

// valueClass returns the class of value t is (a word or a term), or 0.
func valueClass(t string) int {
	if isFigure(t) {
		return valueFigure
	}
	if len(t) != 4 || !allDigits(t) {
		return valueStems[t]
	}
	if n, err := strconv.Atoi(t); err == nil && n >= 1900 && n <= 2100 {
		return valueYear
	}
	return valueStems[t]
}

// isFigure reports a count written in figures: 1,000 or more and not a
// year ("70000", not "2014").
func isFigure(t string) bool {
	if !allDigits(t) {
		return false // not parsed: a failed parse allocates its error
	}
	n, err := strconv.Atoi(t)
	return err == nil && n >= 1000 && (n < 1900 || n > 2100)
}

// missesAsk reports whether missingAsks would return anything, without
// building the list.
func (ix *Index) missesAsk(e int32, qu query) bool {
	if ix.facts[e].kinds&kindLink != 0 && qu.asksStory {
		return true
	}
	for _, n := range qu.needs {
		if !ix.gives(e, n) {
			return true
		}
	}
	for _, id := range qu.unranked {
		if _, ok := slices.BinarySearch(ix.facts[e].ranked, id); ok {
			return true
		}
	}
	for _, id := range qu.subject {
		if _, ok := ix.entryWeight(e, id); !ok {
			return true
		}
	}
	for _, q := range qu.terms {
		switch {
		case q.id >= 0 && ix.isName[q.id] && !q.common:
			if _, ok := ix.entryWeight(e, q.id); !ok && !ix.hasAlternative(e, q) && !ix.givesFigureFor(e, q, qu) {
				return true
			}
		case !q.ask:
		case q.id < 0 && ix.givesFigureFor(e, q, qu):
		case q.id < 0:
			return true
		default:
			if !ix.saysAsk(e, q, qu) {
				return true
			}
		}
	}
	return false
}

// saysAsk reports whether entry e says the asking word q (a known term): in
// its question or answer, or the other of "A or B"; "after" is also said by
// an entry that relates events in time ("when…").
func (ix *Index) saysAsk(e int32, q queryTerm, qu query) bool {
	f := &ix.facts[e]
	if _, ok := slices.BinarySearch(f.says, q.id); ok {
		return true
	}
	for _, alt := range q.alts {
		if _, ok := slices.BinarySearch(f.says, alt); ok {
			return true
		}
	}
	if ix.givesFigureFor(e, q, qu) {
		return true
	}
	if ix.termName[q.id] == "succeed" {
		// "Were the negotiations a success?" is judged by an outcome: a
		// deal, an agreement, a result.
		for _, t := range []string{"deal", "agre", "outcome"} {
			if id, ok := ix.terms[t]; ok {
				if _, ok := slices.BinarySearch(f.says, id); ok {
					return true
				}
			}
		}
	}
	if !f.sequenced {
		return false
	}
	switch ix.termName[q.id] {
	case "after":
		return true
	case "happen":
		// "What happened to the talks after (when)…": a sentence relating
		// events in time says what followed.
		return qu.relates
	}
	return false
}

// missingAsks returns the details (see detailAsks) and the asking words of
// the query ("pass", "after", "agreement") that the entry does not say: not in its question or answer
// (which restates its quotes; aliases do not count: they are how people
// ask, not what the source says), and the proper names of the query that
// the entry never mentions.
func (ix *Index) missingAsks(e int32, qu query) []string {
	var miss []string
	if ix.facts[e].kinds&kindLink != 0 && qu.asksStory {
		miss = append(miss, linkAsk) // the page only links to it
	}
	for _, n := range qu.needs {
		if !ix.gives(e, n) {
			miss = append(miss, n.surface) // "how old"
		}
	}
	for _, id := range qu.unranked {
		if _, ok := slices.BinarySearch(ix.facts[e].ranked, id); ok {
			for _, t := range qu.terms {
				if t.id == id {
					miss = append(miss, t.surface) // "the secretary of state": the entry has a deputy
					break
				}
			}
		}
	}
	for _, q := range qu.terms {
		if q.id >= 0 && (ix.isName[q.id] && !q.common || slices.Contains(qu.subject, q.id)) {
			if _, ok := ix.entryWeight(e, q.id); !ok && !ix.hasAlternative(e, q) {
				miss = append(miss, q.surface) // "what did Tass say about the GUARD Act", "where is the OSCE summit held"
			}
			continue
		}
		if !q.ask {
			continue
		}
		if q.id >= 0 && ix.saysAsk(e, q, qu) {
			continue
		}
		miss = append(miss, q.surface)
	}
	return miss
}

// hasAlternative reports whether entry e has one of the others of the
// alternatives q is one of ("Getty or Reuters").
func (ix *Index) hasAlternative(e int32, q queryTerm) bool {
	for _, alt := range q.alts {
		if _, ok := ix.entryWeight(e, alt); ok {
			return true
		}
	}
	return false
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
