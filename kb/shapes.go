package kb

import (
	"regexp"
	"slices"
	"strings"
)

// The shapes a question comes in besides its words: a polite request around
// it, a tag turning a statement into a yes-or-no question, options listed at
// its end, values it checks, "in common" before its topic.

// topicAfterCommon reports whether the words after "in common" name the
// topic it is asked about: "re nukes", "regarding weapons", "when it comes
// to nukes", "in terms of nukes", "nuclear-wise". Not what is left out
// ("besides nukes") or the other party ("with Russia").
func topicAfterCommon(rest []string) bool {
	for i, w := range rest {
		switch {
		case w == "besides" || w == "apart" || w == "other" || w == "except" || w == "aside" || w == "with" || w == "between" || w == "beyond":
			return false
		case w == "wise":
			return i > 0 // "nuclear-wise"
		case w == "re" || w == "regarding" || w == "concerning" ||
			w == "comes" && at(rest, i+1) == "to" || w == "terms" && at(rest, i+1) == "of":
			return i+1 < len(rest)
		}
	}
	return false
}

// checkedWeight is the factor on the weight of a value a yes-or-no
// question checks that no entry says (see checkedValue).
const checkedWeight = 0.1

// checkedValue returns the class of value w checks in a yes-or-no question
// (see valueClass): a year only when said as a time ("did Putin invade
// Ukraine in 2015?"), not when it names an event ("the 2020 election"); a
// rank only of what "this" or "it" is.
func checkedValue(words []string, w string) int {
	c := valueClass(w)
	if c == valueOrdinal {
		// A rank is checked in "is this the second meeting?", "is it the
		// fifth time…", not in "is the second subheading about…" or "is the
		// third meeting this week" (which meeting is meant).
		if s := at(words, 1); s == "this" || s == "it" || s == "that" || s == "its" {
			return c
		}
		return 0
	}
	if c != valueYear {
		return c
	}
	for i, x := range words {
		if x == w && i > 0 {
			switch words[i-1] {
			case "in", "during", "since", "until", "by", "before", "after":
				return c
			}
		}
	}
	return 0
}

// tagQuestion reports a statement turned into a yes-or-no question by a tag
// at its end: "the talks begin on Saturday, right?", "…, correct?".
func tagQuestion(words []string) bool {
	if len(words) < 4 {
		return false
	}
	switch words[len(words)-1] {
	case "right", "correct", "innit", "yeah", "true":
		return !slices.ContainsFunc(words[:len(words)-1], func(w string) bool { return kindStarts[w] })
	}
	return false
}

// politeRequest returns how many words at the start of a question only
// wrap the question asked inside them ("could you please tell me which…",
// "do you know who…", "I'd like to know when…"), or 0.
func politeRequest(words []string) int {
	i := 0
	skip := func(set ...string) bool {
		if i < len(words) && slices.Contains(set, words[i]) {
			i++
			return true
		}
		return false
	}
	skip("hi", "hey", "hello", "so", "ok", "okay")
	switch {
	case skip("can", "could", "would", "will"):
		if !skip("you", "u") {
			return 0
		}
		skip("please", "pls", "plz", "kindly")
		if !skip("tell", "explain", "say", "show") {
			return 0
		}
		skip("me", "us")
	case skip("do", "does"):
		if !skip("you", "u", "anyone", "anybody", "someone", "somebody") || !skip("know") {
			return 0
		}
	case skip("please", "pls", "plz"):
		if !skip("tell") {
			return 0
		}
		skip("me", "us")
	case skip("i", "id", "im"):
		skip("would", "d")
		if !skip("like", "want", "wanna", "wonder", "wondering", "need") {
			return 0
		}
		skip("to")
		skip("know")
	default:
		return 0
	}
	if i < len(words)-1 && kindStarts[words[i]] {
		return i
	}
	return 0
}

// thousands matches a figure's thousands separator.
var thousands = regexp.MustCompile(`(\d),(\d{3})`)

// optionList rewrites a list of options offered at the end of a question
// as "A or B or C", which alternatives reads: "which of these did Putin
// attack: Georgia, Moldova or Crimea", "Time, CNN, Tass, BBC?". A list
// without "or" counts only after a colon ("in Geneva, Brussels and Vienna"
// lists places, it offers none). Each option is at most three words.
func optionList(q string) string {
	if !strings.Contains(q, ",") {
		return q
	}
	orig := q
	q = thousands.ReplaceAllString(q, "$1$2") // "50,000, 100,000 or 200,000"
	head, tail := "", q
	colon := strings.LastIndexByte(q, ':')
	if dash := max(strings.LastIndex(q, " - "), strings.LastIndex(q, " – ")); dash > colon {
		colon = dash + 1 // "which day is the OSCE summit - mon, wed or thu"
	}
	if colon >= 0 {
		head, tail = q[:colon+1], q[colon+1:]
	}
	end := strings.TrimRight(tail, "?!. ")
	items := strings.Split(end, ",")
	if len(items) < 2 {
		return orig
	}
	last := strings.TrimSpace(items[len(items)-1])
	hasOr := false
	if rest, ok := strings.CutPrefix(last, "or "); ok {
		last, hasOr = rest, true
	} else if a, b, ok := strings.Cut(last, " or "); ok {
		items = append(items[:len(items)-1], a, b)
		hasOr = true
	}
	if !hasOr && colon < 0 {
		return orig
	}
	if colon < 0 && strings.Count(strings.TrimSpace(items[0]), " ") > 1 {
		// Without a colon a longer first part is the question, and the
		// comma after it starts the options: "which city are the talks in,
		// Geneva, Vienna or Brussels".
		head, items = items[0]+",", items[1:]
	}
	opts := make([]string, 0, len(items))
	for i, it := range items {
		it = strings.TrimSpace(it)
		if i == len(items)-1 && hasOr {
			it = strings.TrimPrefix(it, "or ")
		}
		if it == "" || strings.Count(it, " ") > 2 {
			return orig
		}
		opts = append(opts, it)
	}
	return head + " " + strings.Join(opts, " or ") + "?"
}
