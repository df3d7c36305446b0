package kb

import (
	"slices"
	"strings"
)

// AnswerKinds are the kinds of answer an entry can declare in Entry.Answers.
// "other" declares that the entry answers none of the others: a question
// asking for a person, date, place... is then not answered by it. "link"
// declares an entry that only reports a link on the page to another story
// (its headline): it answers questions about the link ("is Kazakhstan
// mentioned", "what is the related article"), not about the story's
// subject ("what's the Kazakhstan crisis about" gets it as a partial
// answer).
var AnswerKinds = []string{"person", "date", "place", "number", "source", "reason", "name", "definition", "other", "link"}

// kindSet is a set of answer kinds as bits, in AnswerKinds order.
type kindSet uint16

func kindsOf(names []string) kindSet {
	var k kindSet
	for _, n := range names {
		for i, a := range AnswerKinds {
			if a == n {
				k |= 1 << i
			}
		}
	}
	return k
}

var (
	kindPerson = kindsOf([]string{"person"})
	kindDate   = kindsOf([]string{"date"})
	kindPlace  = kindsOf([]string{"place"})
	kindNumber = kindsOf([]string{"number"})
	kindSource = kindsOf([]string{"source"})
	kindReason = kindsOf([]string{"reason"})
	kindName   = kindsOf([]string{"name"})
	kindDefine = kindsOf([]string{"definition"})
	kindOther  = kindsOf([]string{"other"})
	kindLink   = kindsOf([]string{"link"})
)

// entryKinds returns the kinds of answer an entry gives: those it declares
// or, when it declares none (an entry added by a moderator), those its
// question and aliases ask for ("When is…" gives a date). 0 means unknown:
// the entry is then neither preferred nor passed over for a kind.
func entryKinds(e *Entry) kindSet {
	if len(e.Answers) > 0 {
		return kindsOf(e.Answers)
	}
	var k kindSet
	for i := -1; i < len(e.Aliases); i++ {
		p := e.Question
		if i >= 0 {
			p = e.Aliases[i]
		}
		if mayAskKind(p) {
			pk, _ := questionKind(splitWords(p))
			k |= pk
		}
	}
	return k
}

// mayAskKind is a cheap test that a phrasing can ask for a kind of answer:
// it starts with a question word or a kind noun, or ends with one.
func mayAskKind(p string) bool {
	first, _, _ := strings.Cut(strings.TrimSpace(p), " ")
	last := p[strings.LastIndexByte(p, ' ')+1:]
	first = strings.ToLower(strings.Trim(first, "?!.,'’"))
	last = strings.ToLower(strings.Trim(last, "?!.,'’"))
	_, firstNoun := phraseNouns[first]
	_, lastNoun := phraseNouns[last]
	return kindStarts[first] || firstNoun || lastNoun || last == "for" || strings.Contains(p, "acronym")
}

// takeVerbs make "place" an idiom: "taking place" is happening.
var takeVerbs = setOf(`take takes taking took taken`)

// kindStarts begin a question that may ask for a kind of answer.
var kindStarts = setOf(`who whom whose when where why how what whats which`)

// wantNouns are the nouns that, after "which" or "what", say what kind of
// answer a question wants ("which city", "what day"). They are general
// English; the question's kind replaces them as terms.
var wantNouns = map[string]kindSet{
	"day": kindDate, "date": kindDate, "time": kindDate, "month": kindDate, "year": kindDate, "week": kindDate,
	"city": kindPlace, "place": kindPlace, "location": kindPlace, "building": kindPlace,
	"capital": kindPlace, "town": kindPlace, "country": kindPlace, "countries": kindPlace, "nation": kindPlace, "nations": kindPlace,
	"outlet": kindSource, "outlets": kindSource, "newspaper": kindSource, "paper": kindSource, "publication": kindSource,
	"agency": kindSource, "service": kindSource, "media": kindSource, "site": kindSource, "website": kindSource, "magazine": kindSource,
	"wire": kindSource, "wires": kindSource, // "which (news) wire"
	"party": kindPerson, "group": kindPerson, "person": kindPerson, "people": kindPerson, "official": kindPerson,
	"officials": kindPerson, "politician": kindPerson, "lawmakers": kindPerson,
	"reason": kindReason, "number": kindNumber, "bill": kindName, "legislation": kindName, "acronym": kindName,
	"region": kindPlace, "area": kindPlace, "part": kindPlace, "province": kindPlace,
}

// aimNouns ask a reason after "what is the".
var aimNouns = setOf(`aim aims goal goals purpose point objective objectives intent`)

// dateNouns ask a date after "what's the".
var dateNouns = setOf(`date day year month`)

// subordinate reports a "when" that opens a clause inside a question that
// another question word already opened ("where did they meet when they
// set it up"), not a second ask ("where and when did they meet").
func subordinate(words []string, i int) bool {
	if i < 2 || words[i-1] == "and" || words[i-1] == "or" {
		return false
	}
	return slices.ContainsFunc(words[:i], func(w string) bool { return kindStarts[w] })
}

// phraseNouns say a question's kind at either end of a noun phrase.
var phraseNouns = map[string]kindSet{
	"date": kindDate, "day": kindDate, "year": kindDate, "month": kindDate,
	"city": kindPlace, "location": kindPlace, "place": kindPlace, "venue": kindPlace,
	"name": kindPerson | kindName, "names": kindPerson | kindName,
	"count": kindNumber, "number": kindNumber, "size": kindNumber,
	"reason": kindReason, "purpose": kindReason, "meaning": kindName | kindDefine,
	"contents": kindDefine, "content": kindDefine,
	"source": kindSource, "sources": kindSource, // "source for what Peskov said?"
}

// questionKind reads what kind of answer a question asks for from its
// question words: "who" a person (or the outlet that reported something),
// "when" a date, "where" a place, "how many" a number, "why" a reason,
// "stand for" a name; "which"/"what" followed by a noun of wantNouns that
// noun's kind. It returns 0 when the question does not say, and the surface
// words it used up as kind markers.
func questionKind(words []string) (kindSet, map[string]bool) {
	var k kindSet
	var used map[string]bool
	use := func(w string) {
		if used == nil {
			used = map[string]bool{}
		}
		used[w] = true
	}
	for i, w := range words {
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		switch w {
		case "who", "whom", "whose":
			if i > 1 && words[i-2] == "according" && words[i-1] == "to" || speechWords[next] && !reportVerbs[next] {
				// "According to whom…", "who said…" ask whose claim it is:
				// every entry names that (attribution), whatever it answers.
				use(w)
				continue
			}
			switch {
			case w == "whose" && !speechWords[next]:
				// "whose defense", "whose border": the owner may be a
				// person, a country, a city or a bill's beneficiary: no
				// particular kind.
				use(w)
			case reportVerbs[next]:
				k |= kindSource // "who reported that…" asks for the outlet
			case slices.ContainsFunc(words[i+1:], func(w string) bool { return quotedWords[w] }) && !quotedWords[next]:
				k |= kindPerson // "who's the Kremlin spokesman quoted": the one quoted, not the outlet quoting
			default:
				k |= kindPerson | kindSource
			}
		case "when":
			if subordinate(words, i) {
				use(w) // "where did they meet when they set up the dialogue": a clause, not a second ask
				continue
			}
			if i > 0 && words[i-1] == "since" {
				use(w) // "since when" asks for what the entry dates "since"
				continue
			}
			k |= kindDate
		case "where":
			k |= kindPlace | kindSource
		case "why":
			k |= kindReason
		case "how":
			if next == "many" || next == "much" {
				k |= kindNumber
			}
		case "stand", "stands":
			if next == "for" {
				k |= kindName
			}
		case "acronym", "abbreviation":
			k |= kindName
		case "which", "what", "whats":
			if i > 1 && words[i-2] == "according" && words[i-1] == "to" {
				// "according to which official" asks whose claim it is,
				// like "according to whom".
				if _, ok := wantNouns[next]; ok {
					use(next)
				}
				continue
			}
			// "which political party": look past one word, unless it is a
			// function word ("what did Time report" asks no time), and past
			// two ("which US intelligence agency").
			look := []string{next}
			if (w == "whats" || w == "what") && (next == "the" && aimNouns[at(words, i+2)] || (next == "is" || next == "was") && at(words, i+2) == "the" && aimNouns[at(words, i+3)]) {
				k |= kindReason // "what is the aim of the talks starting Sunday": why, not when
				continue
			}
			if (w == "whats" || w == "what") && next == "the" && (dateNouns[at(words, i+2)] || dateNouns[at(words, i+3)]) {
				// "what's the (calendar) date of…": past the article, for
				// a date ("what's the bill called" keeps "bill" a topic).
				look = []string{at(words, i+2), at(words, i+3)}
			} else if next == "news" {
				look = []string{at(words, i+2), at(words, i+3)} // "which news agency"
			} else if !stopWords[next] {
				look = append(look, at(words, i+2))
				if !stopWords[at(words, i+2)] {
					look = append(look, at(words, i+3))
				}
			}
			if w != "which" && next == "the" && (at(words, i+2) == "name" || at(words, i+2) == "names") && at(words, i+3) == "of" {
				k |= kindPerson | kindName // "what's the name of the reporter"
				use(at(words, i+2))
				continue
			}
			for j, n := range look {
				if n == "place" && takeVerbs[at(words, i+j)] {
					break // "what talks are taking place": the idiom, not a place
				}
				if kn, ok := wantNouns[n]; ok {
					k |= kn
					use(n)
					if j == 1 {
						use(next) // "political" in "which political party" describes the kind
					}
					// Another noun of the same kind restates it: "which
					// photo agency / wire", "which city or town".
					for _, o := range words[min(i+j+1, len(words)):] {
						if ko, ok := wantNouns[o]; ok && ko == kn {
							use(o)
						}
					}
					break
				}
			}
		}
	}
	if k == 0 && len(words) > 1 {
		// A question typed as a noun phrase says its kind at either end:
		// "talks start date", "photographer name", "city of the summit".
		for j, w := range []string{words[len(words)-1], words[0]} {
			if j == 0 && w == "place" && takeVerbs[words[len(words)-2]] {
				continue // "what kind of talks are taking place": the idiom
			}
			if kn, ok := phraseNouns[w]; ok && (j == 1 || kn != kindSource) {
				// "source for what Peskov said?" asks for an outlet; "what
				// is your source" asks what the bot's answers come from.
				k = kn
				if kn != kindSource {
					use(w)
				}
				break
			}
			if creditNouns[w] {
				k = kindPerson | kindSource // "photo credit" asks who took it; "credit" stays a topic word
				break
			}
		}
	}
	if k&kindSource != 0 && k&kindPerson != 0 && slices.ContainsFunc(words, func(w string) bool { return personNouns[w] }) {
		k &^= kindSource // "who is the Hill reporter…" asks for a person, not the outlet
	}
	if len(words) > 1 && (words[0] == "what" || words[0] == "whats") && causeVerbs[words[1]] {
		k |= kindReason // "what caused the unrest" asks why
	}
	if k == 0 && isDefinition(words) {
		k = kindDefine
	}
	if n := len(words); n > 2 && words[n-1] == "for" && words[n-2] != "stand" && (words[0] == "what" || words[0] == "whats") {
		k |= kindReason // "what was the summit convened for"
	}
	return k, used
}

// isDefinition reports a question asking what a thing is, does or holds:
// "what is the GUARD Act", "what would the GUARD Act do", "what are the Minsk agreements (about)", "what is in the
// draft treaties", "what does OSCE mean". The thing must be a short name, so
// "what is the US willing to discuss" or "what is the goal of the talks" are
// not.
func isDefinition(words []string) bool {
	if len(words) < 3 {
		return false
	}
	if words[0] == "what" && (words[1] == "does" || words[1] == "do") && words[len(words)-1] == "mean" {
		return true
	}
	if words[0] == "what" && len(words) <= 6 && (words[1] == "does" || words[1] == "would" || words[1] == "will") && words[len(words)-1] == "do" {
		return true // "what does the GUARD Act do", "what would it do"
	}
	if words[0] == "what" && len(words) <= 7 && (words[1] == "does" || words[1] == "do") && contentVerbs[words[len(words)-1]] {
		return true // "what does the video show", "what do the draft treaties contain"
	}
	var rest []string
	switch {
	case words[0] == "whats":
		rest = words[1:]
	case words[0] == "what" && (words[1] == "is" || words[1] == "are" || words[1] == "was" || words[1] == "were"):
		rest = words[2:]
	default:
		return false
	}
	if len(rest) > 0 && rest[0] == "in" {
		return true
	}
	if n := len(rest); n > 0 && rest[n-1] == "about" {
		rest = rest[:n-1]
	}
	content := 0
	for _, w := range rest {
		switch {
		case w == "the" || w == "a" || w == "an":
		case stopWords[w] || strings.HasSuffix(w, "ing"):
			return false
		default:
			content++
		}
	}
	return content >= 1 && content <= 3
}

// contentVerbs end a question asking what a thing holds or shows.
var contentVerbs = setOf(`show contain include depict feature`)

// creditNouns at either end of a noun phrase ask who made or reported a thing.
var creditNouns = setOf(`credit credits byline`)

// personNouns name a person, so a "who" question with one asks for that
// person rather than an outlet.
var personNouns = setOf(`reporter reporters journalist journalists author writer correspondent editor`)

// causeVerbs after "what" ask for a reason.
var causeVerbs = setOf(`caused causes cause sparked sparks triggered triggers prompted prompts`)

// quotedWords, after the subject of a who-question, ask who was quoted.
var quotedWords = setOf(`quoted cited`)

// reportVerbs after "who" ask for the outlet that reported something.
var reportVerbs = setOf(`reported reports report published publishes wrote writes`)

// yesNoStarts begin a yes-or-no question.
var yesNoStarts = setOf(`is are was were will would could can does do did has have had should`)

func at(words []string, i int) string {
	if i >= 0 && i < len(words) {
		return words[i]
	}
	return ""
}
