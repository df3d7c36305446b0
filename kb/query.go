package kb

import (
	"slices"
	"strings"
)

type queryTerm struct {
	id      int32 // -1 when unknown
	weight  float32
	conf    float32
	ask     bool    // a word that asks for something specific (askWords)
	common  bool    // written as a common noun ("the first time"), even if it is a name ("Time")
	surface string  // as written
	alts    []int32 // the term ids of the others of "A or B (or C…)" (see alternatives)
	// value is the class of value a yes-or-no question checks with this
	// word (see valueClass), or 0: a figure, a weekday, a month, or a
	// year said as a time ("in 2015", not "the 2020 election").
	value int8
}

// query is an analysed question.
type query struct {
	terms []queryTerm
	kind  kindSet // the kind of answer asked for; 0 when the question does not say
	yesno bool    // a yes-or-no question ("Is…", "Did…")
	// relates is set for a question that relates events in time ("after",
	// or a "when" clause): "what happened to the talks when the meddling
	// was found" is answered by a sentence relating the two.
	relates bool
	// asksStory is set for a question about the story behind a link on
	// the page ("what's the Kazakhstan crisis about"), which an entry of
	// kind "link" does not tell.
	asksStory bool
	future    bool     // "will…?", "when will…", "when is … going to…": what is still to come
	speakers  []int32  // actors and names of a question that asks what someone says
	personal  bool     // the speaker is asked for in person ("Biden himself"; see reflexives)
	namesLink bool     // the question names a link on the page ("per the related link")
	pairs     []uint64 // actor-noun pairs (see actorPairs)
	unranked  []int32  // terms written without a rank word ("secretary", not "deputy secretary")
	needs     []need   // details the entry must say ("how old": an age; see detailAsks)
	subject   []int32  // what a when/where question asks the time or place of (see subject)
	pairText  map[uint64]string
}

// listedOrdinals reports a question that lists ranks as the options to
// choose from ("first second third?"): two ordinals or more.
func listedOrdinals(words []string) bool {
	n := 0
	for _, w := range words {
		if ordinals[w] {
			n++
		}
	}
	return n >= 2
}

// respell replaces chat spellings and three-letter swaps of common function
// words in words, reporting whether it changed any.
func respell(words []string) bool {
	changed := false
	for i, w := range words {
		if w == "wed" {
			// "on wed", "wed or thu": Wednesday; "is Sherman wed": married.
			prev, next := "", at(words, i+1)
			if i > 0 {
				prev = words[i-1]
			}
			if prev == "on" || prev == "by" || prev == "until" || prev == "til" || prev == "next" || prev == "this" || prev == "or" ||
				next == "or" || weekdays[prev] || weekdays[next] || weekdays[chatSpellings[prev]] || weekdays[chatSpellings[next]] {
				words[i], changed = "wednesday", true
			}
			continue
		}
		if c, ok := chatSpellings[w]; ok {
			words[i], changed = c, true
			continue
		}
		if (w == "came" || w == "come" || w == "comes") && at(words, i+1) == "out" && at(words, i+2) != "of" && i > 0 && !whWords[words[i-1]] &&
			slices.ContainsFunc(words[1:i], func(w string) bool { return w == "after" || w == "when" || w == "once" }) {
			// "after the meddling came out": became known; "what came out
			// of the council" is its outcome.
			words[i], words[i+1], changed = "discovered", "then", true
			continue
		}
		if (w == "open" || w == "opens" || w == "opened") && at(words, i+1) != "to" && at(words, i+1) != "about" && i > 0 && !auxiliaries[words[i-1]] {
			words[i], changed = "start", true // "the discussions that open this week"; "open to" is willing
			continue
		}
		if (w == "acc" || w == "acording" || w == "accdg") && at(words, i+1) == "to" {
			words[i], changed = "according", true // "acc to Peskov"
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
	q = optionList(q)
	words := splitWords(q)
	if respelled := respell(words); respelled {
		q = strings.Join(words, " ")
	}
	if n := politeRequest(words); n > 0 {
		// "Could you please tell me which individual serves as spokesman":
		// the question is the one asked inside the request.
		words = words[n:]
		q = strings.Join(words, " ")
	}
	kindWords := words
	if slices.ContainsFunc(words, func(w string) bool { return emphasisWords[w] || softeners[w] }) {
		// "what's actually in the draft treaties" asks what "what's in…" asks.
		kindWords = slices.DeleteFunc(slices.Clone(words), func(w string) bool { return emphasisWords[w] || softeners[w] })
	}
	kind, used := questionKind(kindWords)
	for i, w := range kindWords {
		if used[w] && memberNouns[at(kindWords, i+1)] && ix.voc.actors[ix.queryCanon(w)] {
			delete(used, w) // "which NATO countries": the bloc names which ones, it is no kind word
		}
	}
	use := func(w string) { // w is a marker, not a topic word
		if used == nil {
			used = map[string]bool{}
		}
		used[w] = true
	}
	asks, counted, needs, markers := ix.detailAsks(words)
	for _, w := range markers {
		use(w)
	}
	tag := kind == 0 && tagQuestion(words)
	if tag {
		use(words[len(words)-1]) // "…, correct?": the tag asks yes or no, it is no topic
	}
	qu := query{kind: kind, yesno: kind == 0 && len(words) > 0 && (yesNoStarts[words[0]] || tag), needs: needs}
	// "According to the related article, who…": the link's headline says
	// it, whatever kind of answer is asked.
	qu.namesLink = namesLink(words)
	when := slices.Index(words, "when")
	qu.relates = slices.Contains(words, "after") || when > 0 && subordinate(words, when)
	// A link's headline answers what it says ("what collapsed in the
	// quake"); "what's the Kazakhstan crisis about", "what's going on in
	// Kazakhstan" ask for the story behind it.
	qu.asksStory = len(words) > 0 && !slices.ContainsFunc(words, func(w string) bool { return pageWords[w] || linkWords[w] || speechWords[w] }) &&
		(words[len(words)-1] == "about" || slices.Contains(words, "going") && slices.Contains(words, "on"))
	qu.future = len(words) > 0 && words[0] == "will" ||
		slices.Contains(words, "when") && (slices.Contains(words, "will") || slices.Contains(words, "going"))
	if slices.ContainsFunc(words, func(w string) bool { return emphasisWords[w] || w == "actually" || w == "specifically" }) &&
		(words[0] == "how" && at(words, 1) != "many" && at(words, 1) != "much" ||
			(words[0] == "what" || words[0] == "whats") && slices.ContainsFunc(words, func(w string) bool { return speechWords[w] })) {
		// "How did Russia interfere exactly", "what did Time say exactly":
		// the manner or the words in detail, which no entry's summary gives.
		qu.needs = append(qu.needs, need{surface: "exactly " + words[0]})
	}
	if w := at(words, 0); (w == "where" || w == "wheres") && slices.ContainsFunc(words, func(w string) bool { return emphasisWords[w] }) &&
		(at(words, 1) == "in" || emphasisWords[at(words, 1)] && at(words, 2) == "in") {
		// "where exactly in western China was the quake" knows the region
		// and asks a finer place: the entry must name one ("southern
		// Ukraine" for "where in Ukraine").
		i := slices.Index(words, "in") + 1
		j := i
		for j < len(words) && !stopWords[words[j]] && !auxiliaries[words[j]] {
			j++
		}
		if j > i {
			qu.needs = append(qu.needs, need{surface: "where in " + strings.Join(words[i:j], " "), within: words[j-1], words: words})
		}
	}
	if asksOpinion(words) {
		qu.needs = append(qu.needs, need{surface: "an opinion"}) // no entry gives one
	}
	if qu.future || qu.yesno && asksPrediction(words) {
		qu.needs = append(qu.needs, need{surface: futureAsk, future: true})
	}
	if kind == kindDate {
		if i := slices.IndexFunc(words, func(w string) bool { return monthNames[w] && w != "may" && w != "march" }); i >= 0 {
			qu.needs = append(qu.needs, need{surface: "which day of " + words[i], month: words[i]})
		} else if i := slices.IndexFunc(words, func(w string) bool { return weekdays[w] }); i >= 0 && slices.ContainsFunc(words, func(w string) bool { return w == "date" || w == "calendar" }) {
			// "what's the calendar date of Monday's talks" knows the day
			// of the week: the entry must give a month.
			n := need{surface: "the date of " + words[i]}
			for m := range monthNames {
				if id, ok := ix.known(ix.queryCanon(m)); ok {
					n.ids = append(n.ids, id)
				}
			}
			qu.needs = append(qu.needs, n)
		}
	}
	if i := slices.Index(words, "before"); i >= 0 && slices.ContainsFunc(words, func(w string) bool { return careerWords[w] }) {
		// "what was Sherman's job before deputy secretary": an earlier
		// post, which an entry must say was earlier.
		n := need{surface: "the earlier post"}
		if id, ok := ix.known(ix.queryCanon("previously")); ok {
			n.ids = append(n.ids, id)
		}
		qu.needs = append(qu.needs, n)
	}
	hasYear := false // "what happened in 2008" asks what the entry for 2008 says
	var common map[string]bool
	for i, w := range words {
		hasYear = hasYear || allDigits(w)
		if i > 0 && ordinals[words[i-1]] {
			if common == nil {
				common = map[string]bool{}
			}
			common[w] = true // a name takes no ordinal: "the first time" is not Time
		}
		if (w == "kind" || w == "type" || w == "sort") && i > 0 && (words[i-1] == "what" || words[i-1] == "which") && at(words, i+1) == "of" {
			use(w) // "what kind of operation" asks what operation
		}
		if kind&kindPlace == 0 && (w == "place" || takeVerbs[w] && at(words, i+1) == "place") && (w != "place" || i > 0 && takeVerbs[words[i-1]]) {
			use(w) // "which summit takes place on Thursday": happens; "where will it take place" asks a place
		}
		if w == "hearing" && progressive[at(words, i-1)] {
			use(w) // "I keep hearing about a bill": the verb; "the hearing" is a noun
		}
		if (w == "round" || w == "rounds") && at(words, i+1) == "of" && at(words, i-1) != "which" && at(words, i-1) != "what" {
			use(w) // "monday's round of talks" is the talks; "which round of the dialogue" asks a member
		}
		if qu.kind&kindDate != 0 && qu.kind&kindPlace == 0 && w == "held" && slices.ContainsFunc(words[:i], func(w string) bool { return passiveBe[w] }) {
			use(w) // "when are the talks held": their time ("where … held" keeps it: the venue's phrasings say it)
		}
		if qu.kind&(kindPlace|kindDate) != 0 && happenVerbs[w] {
			// "where are the talks happening", "when did the attack occur":
			// the place or time of the event, and no outlet ("where did
			// the meddling happen" is not who reported it).
			use(w)
			qu.kind &^= kindSource
		}
		if w == "again" && (words[0] == "what" || words[0] == "whats" || words[0] == "who" || words[0] == "whos") || w == "deal" && i > 1 && words[i-1] == "the" && (words[i-2] == "what" || words[i-2] == "whats") {
			use(w) // "what's her title again", "what's the deal with Kyiv": idioms, not asks
		}
		if (w == "one" || w == "ones") && i > 0 && pointerWords[words[i-1]] ||
			(w == "top" || w == "bottom") && i > 1 && words[i-1] == "the" && (words[i-2] == "at" || words[i-2] == "on" || words[i-2] == "near") {
			use(w) // "which one", "this one": a pointer; "at the top" of the page: a position
		}
		if (w == "header" || w == "lead" || w == "main") && photoWords[at(words, i+1)] {
			use(w) // "the header image": the photo at the top
		}
		if (w == "first" || w == "last") && (at(words, i+1) == "name" || at(words, i+1) == "names") {
			use(w) // "Sherman's first name": her name, no rank
		}
		if (w == "serve" || w == "serves" || w == "served" || w == "serving") && at(words, i+1) == "as" {
			use(w) // "who serves as Kremlin spokesman": who is it
		}
		if w == "common" && i > 0 && words[i-1] == "in" && topicAfterCommon(words[i+1:]) {
			use(w) // "what do the US and Russia have in common re nukes": the nukes are asked ("in common" alone asks nothing the article says)
		}
		if w == "living" && i > 1 && words[i-1] == "a" && words[i-2] == "for" {
			use(w) // "what does Peskov do for a living": his job
		}
		if ordinals[w] && listedOrdinals(words) {
			use(w) // "which meeting is this, first, second…": the options, not the ask
		}
		if w == "after" && i+1 < len(words) && allDigits(words[i+1]) {
			use(w) // "after 2016" is "since": the year asks, not "after"
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
		// A folded phrase asks when its term does: "came out" is "outcome".
		ask := (askWords[t.surface] || asks[t.surface] || t.phrase && askWords[t.text]) &&
			!(happenWords[t.surface] && (kind != 0 || hasYear))
		if allDigits(t.surface) || ordinals[t.surface] && t.surface != "first" && t.surface != "last" {
			ask = true // "in 2014", "the fourth meeting": a number, year or rank the entry must say
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
				w := ix.unknown
				value := 0
				if qu.yesno {
					value = checkedValue(words, t.surface)
				}
				switch {
				case value != 0:
					// A value checked in a yes-or-no question ("did Russia
					// mass 50,000 troops?", "do the talks begin on
					// Saturday?") is answered by the entry's own: it is
					// what is asked, not what the answer is about.
					w *= checkedWeight
				case !qu.yesno && isNonNoun(t.surface):
					// "how significant is the build-up": no topic of its own.
					// In "is the GUARD Act bipartisan?" it is what is asked.
					w *= nonNounWeight
				}
				qu.terms = append(qu.terms, queryTerm{id: -1, weight: w, ask: ask, surface: t.surface, value: int8(value)})
			}
			continue
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		w := ix.idf[id]
		value := 0
		if qu.yesno && (isFigure(t.surface) || !slices.Contains(words, "or")) {
			// A value checked ("did Biden and Putin agree on it in July?")
			// is answered by the entry's own even where another entry says
			// the value asked (see givesFigureFor); values offered as
			// alternatives ("November or December") are alternatives.
			if value = checkedValue(words, t.surface); value == valueFigure {
				w *= nonNounWeight
			} else if value != 0 {
				w *= checkedWeight
			}
		}
		qu.terms = append(qu.terms, queryTerm{id: id, weight: w, conf: conf, ask: ask, common: common[t.surface], surface: t.surface, value: int8(value)})
	}
	qu.terms = alternatives(words, qu.terms, func(w string) int32 {
		if id, ok := ix.known(ix.queryCanon(w)); ok {
			return id
		}
		return -1
	})
	if len(words) > 2 && words[0] == "who" && (words[1] == "is" || words[1] == "was") && qu.kind&kindPerson != 0 {
		// "Who is Peskov?" asks who the person is, not which outlet
		// reported them ("who reported what Peskov said").
		for _, t := range qu.terms {
			if t.id >= 0 && ix.isName[t.id] {
				qu.kind = kindPerson
			}
		}
	}
	if n := len(words); n > 3 && words[0] == "where" && (words[1] == "is" || words[1] == "was") && words[n-1] == "from" && qu.kind&kindPlace != 0 {
		// "Where is Peskov from?" asks where a person comes from, not
		// which outlet reported them; "where is this info from" still may.
		// It asks where they come from: a place the entry names for
		// something else (where a photo of them was taken) is no answer.
		for _, t := range qu.terms {
			if t.id >= 0 && ix.isName[t.id] && qu.kind != kindPlace {
				qu.kind = kindPlace
				qu.needs = append(qu.needs, ix.wordsNeed("where … from", originWords))
			}
		}
	}
	if qu.kind == kindDefine && len(words) > 1 && (words[0] == "whats" || words[0] == "what" && (words[1] == "is" || words[1] == "are")) {
		// "What is NATO": the entry must be about NATO.
		rest, verb := words[1:], "is"
		if words[0] == "what" {
			rest, verb = words[2:], words[1]
		}
		n := need{surface: "what " + strings.Join(rest, " ") + " " + verb, named: true}
		for _, t := range qu.terms {
			if t.id >= 0 && !t.ask {
				n.ids = append(n.ids, t.id)
			}
		}
		if len(n.ids) > 0 {
			qu.needs = append(qu.needs, n)
		}
	}
	subjectAt := 1 // "is Sherman the secretary of state?"
	if tag {
		subjectAt = 0 // "Sherman is the secretary of state, right?"
	}
	if !qu.yesno || !slices.ContainsFunc(qu.terms, func(t queryTerm) bool {
		return t.id >= 0 && ix.isName[t.id] && !t.common && t.surface == at(words, subjectAt)
	}) {
		// "Who is the secretary of state?" is not answered by the deputy;
		// "is Sherman the secretary of state?" is, by saying what she is
		// (the question's subject is a name).
		qu.unranked = ix.unranked(words, qu.terms)
	}
	qu.subject = ix.subject(words, qu.terms)
	if len(counted) > 0 {
		// "How many missiles…": the entry must say one of the counted words.
		n := need{surface: "how many " + strings.Join(counted, " ")}
		for _, t := range qu.terms {
			if t.id >= 0 && slices.Contains(counted, t.surface) {
				n.ids = append(n.ids, t.id)
			}
		}
		qu.needs = append(qu.needs, n)
	}
	if i := slices.IndexFunc(words, func(w string) bool { return speechWords[w] }); i >= 0 {
		// The speaker is the word before the verb ("what does the Kremlin
		// say", "Peskov says") or after "according to".
		var who []string
		if i > 0 {
			who = append(who, words[i-1])
			if i > 1 && speakerAdverbs[words[i-1]] {
				who = append(who, words[i-2]) // "did Kyiv also allege…"
				qu.personal = qu.personal || reflexives[words[i-1]]
			}
		}
		for j := 0; j+2 < len(words); j++ {
			if words[j] == "according" && words[j+1] == "to" {
				k := j + 2
				if words[k] == "the" && k+1 < len(words) {
					k++
				}
				if pageWords[words[k]] {
					// "what does the US tell Moscow according to the
					// headline": the page says it, whoever it quotes.
					who = nil
					break
				}
				who = append(who, words[k])
			}
		}
		if slices.ContainsFunc(words, func(w string) bool { return ownWords[w] }) {
			who = nil // "what does the US tell Moscow in the headline": the page's own words
		}
		for _, t := range qu.terms {
			if t.id >= 0 && slices.Contains(who, t.surface) && (ix.isActor[t.id] || ix.isName[t.id] || ix.isSpeaker[t.id] || titleWords[t.surface]) {
				qu.speakers = append(qu.speakers, t.id)
			}
		}
		if qu.kind == kindSource {
			qu.speakers = nil // "source for what Peskov said": the outlet reports it, whoever said it
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

// namesLink reports words that name a link on the page: "the link", "the
// related article", "read also" ("related to" and "linked" are verbs).
func namesLink(words []string) bool {
	for i, w := range words {
		next := at(words, i+1)
		if (w == "link" || w == "links") && i > 0 && (words[i-1] == "the" || words[i-1] == "related") ||
			w == "related" && (pageWords[next] || next == "link" || next == "links") || w == "read" && next == "also" {
			return true
		}
	}
	return false
}

// queryTerms analyses a question into weighted terms, correcting typos.
func (ix *Index) queryTerms(q string) []queryTerm { return ix.analyzeQuery(q).terms }
