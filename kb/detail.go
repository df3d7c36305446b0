package kb

import (
	"slices"
	"strings"
	"unicode"
)

// A question often asks for one detail about a subject the source covers:
// "how old is Wendy Sherman", "how many missiles…", "what did Sherman and
// Lacalle talk about", "what came out of the council on Wednesday". An entry
// about the subject is then only an answer if it says that detail; otherwise
// the question gets an honest partial answer (see Index.partial). The words
// here are general English; the checks are in checks.go (missesAsk).

// need is a detail a question asks for that the entry's question or answer
// must say: one of ids (none known means no entry says it).
type need struct {
	surface string // as written: "how old"
	ids     []int32
	// class is set for "which <noun>" (the noun's term): an entry that
	// speaks of the class must also name members of it (see namesMembers).
	class string
	words []string // the question's words, which name no member
	// future is set for a question about what will happen ("will
	// Russia invade?"): only an entry whose source says what will or is
	// to happen answers it (entryFacts.foretells); the others are about
	// fears, claims and plans, not an outcome.
	future bool
	// named is set for "what is X": an entry answers only if its own
	// question names X (one of ids), not one that merely mentions X ("what
	// is NATO" is not the week's schedule with its Russia-NATO council).
	named bool
	// month is set for a question that asks a date and names its month
	// ("what date in July"): the entry must give a day of that month.
	month string
	// within is set for "where in X": the last word of X, which the entry
	// must name with a finer place (see givesWithin; words are the
	// question's).
	within string
}

// givesDayOf reports whether text gives a day of month: "July 12", "12 July".
func givesDayOf(text, month string) bool {
	fields := strings.Fields(strings.ToLower(text))
	for i, f := range fields {
		if trimWord(f) != month {
			continue
		}
		for _, n := range []string{at(fields, i-1), at(fields, i+1)} {
			d := trimWord(n)
			for _, suf := range []string{"st", "nd", "rd", "th"} {
				d = strings.TrimSuffix(d, suf)
			}
			if d, _, _ = strings.Cut(d, "-"); d != "" && allDigits(d) && len(d) <= 2 {
				return true
			}
		}
	}
	return false
}

// givesWithin reports whether text names a place within the one a question
// names (its last word within): a word before it that the question does not
// have ("southern Ukraine" for "where in Ukraine"; "Western China" is no
// finer place for "where in western China").
func givesWithin(text, within string, words []string) bool {
	fields := strings.Fields(strings.ToLower(text))
	for i, f := range fields {
		if trimWord(f) != within || i == 0 || strings.ContainsAny(fields[i-1], ".,;:") {
			continue
		}
		if w := trimWord(fields[i-1]); w != "" && !stopWords[w] && !slices.Contains(words, w) {
			return true
		}
	}
	return false
}

// linkAsk is how a question about the story behind a link on the page is
// named among the details an entry does not give.
const linkAsk = "the linked story"

// futureAsk is how a question about what will happen is named among the
// details an entry does not give.
const futureAsk = "what will happen"

// asksPrediction reports whether a yes-or-no question asks what will
// happen: "is war coming", "are the Russians about to invade", "is Russia
// going to attack" ("will…?" is qu.future).
func asksPrediction(words []string) bool {
	for i, w := range words {
		if claimWords[w] {
			return false // "did Kyiv say Russia is going to invade": what was said
		}
		next := at(words, i+1)
		if w == "gonna" || w == "coming" || (w == "going" || w == "about") && next == "to" {
			return true
		}
	}
	return false
}

// withoutAlternatives returns words without the two of each "A or B": in
// "which administration, Biden or Trump" the entry names a member by
// naming Biden.
func withoutAlternatives(words []string) []string {
	if !slices.Contains(words, "or") {
		return words
	}
	out := make([]string, 0, len(words))
	for i, w := range words {
		if w == "or" || at(words, i+1) == "or" || i > 0 && words[i-1] == "or" {
			continue
		}
		out = append(out, w)
	}
	return out
}

// onlyOptions reports whether words are nothing but "A or B" offered as
// answers ("…talk about, the north or the south?"), or nothing at all.
func onlyOptions(words []string) bool {
	content := slices.DeleteFunc(slices.Clone(words), func(w string) bool { return w != "or" && stopWords[w] })
	return len(withoutAlternatives(content)) == 0
}

// wordsNeed is a detail an entry gives by saying one of words.
func (ix *Index) wordsNeed(surface string, words []string) need {
	n := need{surface: surface}
	for _, w := range words {
		if id, ok := ix.known(ix.voc.canonical(w)); ok && !slices.Contains(n.ids, id) {
			n.ids = append(n.ids, id)
		}
	}
	return n
}

// detailAsks reads the details a question asks for from its words. It
// returns the surface words that become asking words (their entry must say
// them: "talk" in "talk about"), the words naming what "how many" counts
// (the entry must say one of them), the measures it needs, and the words used
// up as markers ("old" in "how old").
func (ix *Index) detailAsks(words []string) (asks map[string]bool, counted []string, needs []need, used []string) {
	mark := func(w string) {
		if asks == nil {
			asks = map[string]bool{}
		}
		asks[w] = true
	}
	for i, w := range words {
		next := at(words, i+1)
		switch {
		case w == "how" && next == "many":
			counted = ix.countedWords(words[i+2:])
		case w == "how" && measureWords[next] != nil:
			needs = append(needs, ix.wordsNeed(w+" "+next, measureWords[next]))
			used = append(used, next)
		case (w == "what" || w == "whats" || w == "which" || w == "at") && (next == "time" || (next == "exact" || next == "precise") && at(words, i+2) == "time") && at(words, i+2) != "of":
			// "What time do the talks start" asks an hour: a day does
			// not answer it ("at what time of year" asks no hour).
			hours := hourWords
			if !slices.ContainsFunc(words, func(w string) bool {
				return slices.Contains(dayParts, w) || weekdays[w] || emphasisWords[w] || w == "exact"
			}) {
				hours = append(slices.Clip(hourWords), dayParts...)
			}
			needs = append(needs, ix.wordsNeed(w+" time", hours))
		case (w == "which" || w == "what" || w == "whats") && (next == "party" || at(words, i+2) == "party"):
			// "What political party is Lacalle from": the entry must name a party.
			needs = append(needs, ix.wordsNeed(w+" party", partyWords))
		case w == "which":
			start := i + 1
			if next == "of" {
				// "which of Russia's demands": the members of the class after "of (the)".
				start = i + 2
				if at(words, start) == "the" {
					start++
				}
			}
			if n, ok := ix.whichClass(words, start); ok {
				needs = append(needs, n)
			}
		case talkVerbs[w] && next == "about" && (onlyOptions(words[i+2:]) || at(words, i+2) == "regarding" || at(words, i+2) == "concerning") && asksWhichKind(words[:i]):
			// "which part of Ukraine did Peskov talk about": "talk about"
			// with nothing after it in a which-question only says the
			// detail was mentioned.
			used = append(used, w)
		case talkVerbs[w] && next == "about":
			mark(w)
		case w == "since" && next == "when":
			mark(w) // "since when has Peskov been…": the entry must say since when
		case w == "question" && (words[0] == "what" || words[0] == "whats") &&
			(i == 1 || at(words, i-1) == "the" || i == len(words)-1):
			// "What question was Sherman asked", "what was the press
			// conference question": the question's words, which an entry
			// that only says someone was asked a question does not give
			// ("which question" is a which-class: see whichClass).
			needs = append(needs, ix.wordsNeed("what the question was", askedWords))
		case w == "in" && counted != nil && endsWithForce(words[i+1:]):
			// "how many soldiers are in the US army" counts a whole force:
			// a figure for some of its troops somewhere does not answer it
			// ("in the Russian army near Ukraine" is some of them).
			needs = append(needs, ix.wordsNeed("the whole force", totalWords))
		}
	}
	return asks, counted, needs, used
}

// asksWhichKind reports words that ask "which" or "what" with a kind noun
// after it ("what part of Ukraine").
func asksWhichKind(words []string) bool {
	for i, w := range words {
		if _, ok := wantNouns[at(words, i+1)]; w == "which" || (w == "what" || w == "whats") && ok {
			return true
		}
	}
	return false
}

// askedWords report what someone was asked.
var askedWords = []string{"asked", "asking"}

// endsWithForce reports words that name a whole force and nothing after it
// but function words ("the US army", "Russia's military now"): within three
// words, with no place, build-up or other noun after the force.
func endsWithForce(words []string) bool {
	for i, w := range words {
		if wholeForces[w] && i < 3 {
			return !slices.ContainsFunc(words[i+1:], func(w string) bool { return !stopWords[w] })
		}
	}
	return false
}

// wholeForces name a country's whole armed force ("in the US army").
var wholeForces = setOf(`army armies military navy forces`)

// totalWords say that a figure is a whole.
var totalWords = []string{"total", "overall", "entire", "whole", "all"}

// countedWords returns the noun phrase that "how many" counts, without its
// actors: "missiles" in "how many missiles has Russia…", "military
// personnel" in "how many Russian military personnel are…", and after "of"
// the thing counted in "how many rounds of talks".
func (ix *Index) countedWords(words []string) []string {
	var phrase []string
	for i, w := range words {
		actor := false
		if id, ok := ix.known(ix.queryCanon(w)); ok && ix.isActor[id] {
			actor = true
		}
		switch {
		case (stopWords[w] || actor) && len(phrase) == 0:
			continue
		case w == "of" && len(phrase) > 0:
			if rest := ix.countedWords(words[i+1:]); len(rest) > 0 {
				return rest
			}
			return phrase
		case stopWords[w] || actor:
			return phrase
		}
		phrase = append(phrase, w)
	}
	return phrase
}

// whichClass reads the noun phrase after "which" at words[i:]: "which
// missiles does…", "which military exercises would…". A phrase with a kind
// noun ("which city", "which news agency") asks for that kind instead
// (questionKind), and an actor ("which Russian…") is no class.
func (ix *Index) whichClass(words []string, i int) (need, bool) {
	if w := at(words, i); w == "one" || w == "ones" {
		return need{}, false // "Kiev or Kyiv, which one": the choice is the alternatives
	}
	for _, w := range words[i:min(i+3, len(words))] {
		if _, ok := wantNouns[w]; ok {
			return need{}, false
		}
	}
	j := i
	for j < len(words) && j-i < 3 && !stopWords[words[j]] && (j == i || !verbLike(words[j])) {
		j++
	}
	if j == i {
		return need{}, false
	}
	class := ix.queryCanon(words[j-1])
	if id, ok := ix.known(class); ok && ix.isActor[id] {
		return need{}, false
	}
	if _, ok := ix.known(class); !ok {
		if fixed := ix.spell.correct(words[j-1], ix.isStale); fixed == "" {
			// "which congressman": a class the source never names, so no
			// entry names a member of it.
			return need{surface: "which " + strings.Join(words[i:j], " ")}, true
		}
	}
	return need{surface: "which " + strings.Join(words[i:j], " "), class: class, words: withoutAlternatives(words)}, true
}

// verbLike reports a word that ends a class's noun phrase: a verb in the
// past tense or of speech or taking place ("which president agreed…",
// "which outlet reported…").
func verbLike(w string) bool {
	return strings.HasSuffix(w, "ed") || eventVerbs[w] || claimWords[w] || speechWords[w] || talkVerbs[w]
}

// gives reports whether entry e gives the detail n.
func (ix *Index) gives(e int32, n need) bool {
	if n.class != "" {
		return ix.namesMembers(e, n)
	}
	if n.future {
		return ix.facts[e].foretells
	}
	if n.month != "" {
		return givesDayOf(ix.slots[e].Answer, n.month)
	}
	if n.within != "" {
		return givesWithin(ix.slots[e].Answer, n.within, n.words)
	}
	if n.named {
		// Its question names X, or one of its phrasings is X alone ("what is
		// the headline" for the entry about the article).
		for j, p := range ix.phrasings[e] {
			if j == 0 && slices.ContainsFunc(n.ids, func(id int32) bool { return slices.Contains(p.terms, id) }) {
				return true
			}
			if len(p.terms) > 0 && !slices.ContainsFunc(p.terms, func(id int32) bool { return !slices.Contains(n.ids, id) }) {
				return true
			}
		}
		return false
	}
	return ix.says(e, n.ids)
}

// namesMembers reports whether entry e, where its answer speaks of the class
// a "which" question asks about, names a member of it: before the noun, a
// capitalised word, a number or an ordinal that is neither in the question
// nor an actor ("the Minsk Agreements", "the 2016 US presidential
// elections", "the group's third meeting", "a Russia-NATO council meeting").
// An ordinal anywhere in the answer picks one ("the group's third").
// "European military exercises", "NATO partners" (for "which NATO
// partners") and "the deployment of missiles" name none. An answer that
// never uses the class noun names its members some other way ("which
// topics…": the exercises and the missiles) and passes.
func (ix *Index) namesMembers(e int32, n need) bool {
	fields := strings.Fields(ix.slots[e].Answer)
	mentioned := false
	for i, f := range fields {
		low := strings.ToLower(trimWord(f))
		if ordinals[low] && (!slices.Contains(n.words, low) || listedOrdinals(n.words)) {
			return true // "the group's third": an ordinal picks the member
		}
		if ix.queryCanon(low) != n.class {
			continue
		}
		if i+1 < len(fields) {
			if _, ok := ix.voc.phrases[low+" "+strings.ToLower(trimWord(fields[i+1]))]; ok {
				continue // part of a phrase: "United States" is no unit
			}
		}
		mentioned = true
		if w := trimWord(f); w != "" && unicode.IsUpper([]rune(w)[0]) && i > 0 && !strings.HasSuffix(fields[i-1], ".") {
			return true // the class word is part of a name: "the Organization for Security…"
		}
		for k := i - 1; k >= 0 && k >= i-3; k-- {
			w := trimWord(fields[k])
			low := strings.ToLower(w)
			if w == "" || stopWords[low] || strings.ContainsAny(fields[k], ".,;:") {
				break
			}
			sentenceStart := k == 0 || strings.HasSuffix(fields[k-1], ".")
			named := unicode.IsUpper([]rune(w)[0]) && !sentenceStart || allDigits(low) || ordinals[low]
			if !named || slices.Contains(n.words, low) {
				continue
			}
			if id, ok := ix.known(ix.queryCanon(low)); ok && ix.isActor[id] {
				continue
			}
			return true
		}
		// The name may follow the class: "President Vladimir Putin".
		for k := i + 1; k < len(fields) && k <= i+3 && !strings.ContainsAny(fields[k-1], ".,;:"); k++ {
			w := trimWord(fields[k])
			low := strings.ToLower(w)
			if w == "" || stopWords[low] || !unicode.IsUpper([]rune(w)[0]) {
				break
			}
			if slices.Contains(n.words, low) {
				break // the name the question gives: "which president did Biden…"
			}
			if id, ok := ix.known(ix.queryCanon(low)); ok && ix.isActor[id] {
				continue
			}
			return true
		}
	}
	return !mentioned
}

// trimWord strips the punctuation and possessive around a word of text.
func trimWord(f string) string {
	f = strings.Trim(f, "\"'“”‘’(),.;:!?")
	f = strings.TrimSuffix(strings.TrimSuffix(f, "'s"), "’s")
	return f
}

// subject returns the terms of what a "when" or "where" question asks the
// time or place of: the words after its auxiliary up to a function word,
// less the verbs of taking place ("the OSCE summit" in "where is the OSCE
// summit being held", "the russian build-up" in "when did the russian
// build-up start"). An entry gives the time or place of something else
// when it never names them: the talks start Sunday night, not the build-up.
func (ix *Index) subject(words []string, terms []queryTerm) []int32 {
	if len(words) < 3 || (words[0] != "when" && words[0] != "where") || !auxiliaries[words[1]] {
		return nil
	}
	var out []int32
	i := 2
	for i < len(words) && (words[i] == "the" || words[i] == "a" || words[i] == "an") {
		i++
	}
	for ; i < len(words) && !stopWords[words[i]]; i++ {
		if eventVerbs[words[i]] || ordinals[words[i]] || ordinals[words[i-1]] {
			continue // "when was the SSD first agreed on": the SSD; "when was the last time…": no subject yet
		}
		for _, t := range terms {
			if t.id >= 0 && !t.ask && hasWord(t.surface, words[i]) && !slices.Contains(out, t.id) {
				out = append(out, t.id)
			}
		}
	}
	return out
}

// hasWord reports whether w is one of the space-separated words of s.
func hasWord(s, w string) bool {
	for s != "" {
		var f string
		f, s, _ = strings.Cut(s, " ")
		if f == w {
			return true
		}
	}
	return false
}

// says reports whether entry e says one of ids in its question or answer.
func (ix *Index) says(e int32, ids []int32) bool {
	for _, id := range ids {
		if _, ok := slices.BinarySearch(ix.facts[e].says, id); ok {
			return true
		}
	}
	return false
}

// unranked returns the query's terms written without a rank word before
// them: "secretary" in "who is the secretary of state".
func (ix *Index) unranked(words []string, terms []queryTerm) []int32 {
	if slices.Contains(words, "or") && slices.ContainsFunc(words, func(w string) bool { return rankWords[w] }) {
		return nil // "is she the secretary or the deputy" offers the rank itself
	}
	var out []int32
	for i, w := range words {
		if i > 0 && rankWords[words[i-1]] {
			continue
		}
		for _, t := range terms {
			if t.id >= 0 && t.surface == w {
				out = append(out, t.id)
			}
		}
	}
	return out
}
