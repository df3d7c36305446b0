package kb

import "slices"

// openers are chat words a question may start with before its first real
// word: "so should the US…", "ok but what should Biden do".
var openers = setOf(`so ok okay but and well like lol hey yo then now also hmm honestly`)

// determiners are skipped in reading what a question is about.
var determiners = setOf(`the a an this that these those its their his her our`)

// prepositions end the subject of "what should X …" ("what should the US
// say at the talks": the US, not the talks).
var prepositions = setOf(`at in on for to about with from into during after before by of`)

// planNouns are things that have a purpose or a schedule rather than a
// view: "what should the talks achieve" asks their aim.
var planNouns = setOf(`talks negotiations meeting meetings summit dialogue ssd council bill treaties treaty session sessions`)

// asksAdvice reports a question that asks what someone should do ("should
// the US pull its troops out of Europe?", "what should Biden do"): advice
// the article does not give. Not when someone is said to hold the view
// ("according to", "per", "in Sherman's view"; "did Kyiv say NATO
// should…" does not start with "should"), when it checks a schedule ("should the talks start on Sunday"),
// when what should do something is a plan ("what should the GUARD Act do":
// its aim), or in "what should I know about X" (tell me about X).
func asksAdvice(words []string) bool {
	i := 0
	for i < len(words) && openers[words[i]] {
		i++
	}
	words = words[i:]
	if len(words) < 3 {
		return false
	}
	yesno := words[0] == "should" || words[0] == "shouldnt"
	var subject []string // the words after "should" up to its verb or a preposition, roughly
	switch {
	case yesno:
	case (words[0] == "what" || words[0] == "whats") && words[1] == "should":
		if s, v := at(words, 2), at(words, 3); (s == "i" || s == "we" || s == "u" || s == "you") && (v == "know" || v == "learn") {
			return false // "what should I know about Peskov"
		}
		if at(words, 2) == "happen" {
			return false // "what should happen for the talks to work": a condition, the plan's own words
		}
		for _, w := range words[2:] {
			if w == "do" || w == "be" || auxiliaries[w] || prepositions[w] || len(subject) == 4 {
				break
			}
			if !determiners[w] {
				subject = append(subject, w)
			}
		}
	default:
		return false
	}
	if len(subject) > 0 && (subject[0] == "i" || subject[0] == "we" || subject[0] == "you" || subject[0] == "u") {
		return true // "what should we expect from the talks": advice to the asker
	}
	if slices.ContainsFunc(subject, func(w string) bool { return planNouns[w] }) ||
		slices.Contains(subject, "act") && slices.Contains(subject, "guard") {
		return false // "what should the talks achieve", "what should the GUARD Act do"
	}
	return !slices.ContainsFunc(words, func(w string) bool {
		return w == "according" || w == "per" || w == "view" || w == "views" ||
			weekdays[w] || monthNames[w] || w == "date" || slices.Contains(dayParts, w) ||
			yesno && w == "week" // "should there be three meetings this week" checks the schedule; "what should the US do this week" asks advice
	})
}

// asksOpinion reports a question that asks the bot's opinion ("do you think
// the talks will work", "in your opinion…"): the article has none to give.
func asksOpinion(words []string) bool {
	if asksAdvice(words) {
		return true
	}
	for i, w := range words {
		next := at(words, i+1)
		if w == "you" && (next == "think" || next == "reckon" || next == "believe" || next == "expect") ||
			(w == "your" || w == "ur") && (next == "opinion" || next == "view" || next == "take" || next == "guess") {
			return true
		}
		if (w == "right" || w == "wrong" || w == "justified" || w == "fair") && i >= 2 && (next == "to" || next == "that") &&
			(words[0] == "was" || words[0] == "is" || words[0] == "are" || words[0] == "were") {
			return true // "was Putin right to mass troops": a judgement the article does not make
		}
		if (w == "right" || w == "wrong") && (words[0] == "who" || words[0] == "whos" || words[0] == "which") && i <= 3 {
			return true // "who's right, Russia or the West?"
		}
	}
	return false
}
