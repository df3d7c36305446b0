package kb

import (
	"slices"
	"strings"
)

// A question can tie between entries whose phrasings differ only in words
// the ranking ignores: "who is in the photo" and "who took the photo" share
// every content word. The ranking declines such a tie; tieBreak then looks at
// the question as written, small words included, and answers with the entry
// one of whose phrasings is clearly closer to it, word for word.

// tieLead is how much closer (in the share of words in common) the winner's
// phrasing must be than every other tied entry's. 0.09 rather than 0.15 won
// three more answers on the read sets ("who's the woman in the photo": 0.67
// against "who took the photo in the article", 0.57) and no wrong one; 0.05
// added a wrong answer.
const tieLead = 0.09

// tieBreak returns the entry that wins a tie among the ranked entries within
// the margin of the best, or false. Every tied entry must be free of the
// checks' penalties (an actor it lacks, an asking word it does not say).
func (ix *Index) tieBreak(q string, qu query, ranked []scored) (int32, bool) {
	if len(ranked) < 2 || ranked[0].score < ix.opts.Threshold {
		return 0, false
	}
	tied := 0
	for _, r := range ranked {
		if ranked[0].score-r.score >= ix.opts.Margin {
			break
		}
		if r.clash || r.miss {
			return 0, false
		}
		tied++
	}
	// First what the entries say (question and answer, not how people ask
	// them): "why are people worried about the build-up" is answered by the
	// entry that says the build-up raises concerns.
	var total float32
	for _, t := range qu.terms {
		total += t.weight
	}
	if e, ok := lead(ranked[:tied], tieLead, func(e int32) float64 {
		var got float32
		for _, t := range qu.terms {
			if t.id < 0 || askingTerms[ix.termName[t.id]] {
				continue // "who" in "who took the photo" asks; it is no content
			}
			if _, ok := slices.BinarySearch(ix.facts[e].says, t.id); ok {
				got += t.weight
			}
		}
		return float64(got / max(total, 1e-9))
	}); ok {
		return e, true
	}
	words := splitWords(q)
	respell(words)
	if e, ok := lead(ranked[:tied], tieLead, func(e int32) float64 { return ix.literal(e, words) }); ok {
		return e, true
	}
	// Last, entries that quote the same words answer alike, and the best
	// ranked of them answers: when one's quotes hold every other tied
	// entry's quotes ("is Biden willing to talk about the 70,000 troops":
	// the entry on the US offer quotes the whole sentence, the one on the
	// troops a part of it), or when each one's quote closest to the
	// question is one passage, whole or cut short ("who is meeting to
	// address the Kremlin's security demands": the entries on the demands
	// and on the participants both quote that sentence).
	if ix.quotesAll(ranked[:tied]) || ix.sameBestQuote(ranked[:tied], qu) {
		return ranked[0].entry, true
	}
	return 0, false
}

// quotesAll reports whether one of tied has citations that contain every
// tied entry's quotes (same source, normalised).
func (ix *Index) quotesAll(tied []scored) bool {
	return slices.ContainsFunc(tied, func(c scored) bool { return holdsQuotes(ix.facts[c.entry].quotes, tied, ix.facts) })
}

// holdsQuotes reports whether every quote of every tied entry is part of one
// of quotes from the same source.
func holdsQuotes(quotes []quoteFacts, tied []scored, facts []entryFacts) bool {
	for _, o := range tied {
		for _, oq := range facts[o.entry].quotes {
			if !slices.ContainsFunc(quotes, func(q quoteFacts) bool {
				return q.source == oq.source && strings.Contains(q.norm, oq.norm)
			}) {
				return false
			}
		}
	}
	return true
}

// sameBestQuote reports whether every tied entry's quote that holds the
// most of the question's weight is part of the longest of them.
func (ix *Index) sameBestQuote(tied []scored, qu query) bool {
	longest := ""
	for _, r := range tied {
		q := ix.bestQuote(r.entry, qu)
		if q == "" {
			return false
		}
		if len(q) > len(longest) {
			longest = q
		}
	}
	for _, r := range tied {
		if !strings.Contains(longest, ix.bestQuote(r.entry, qu)) {
			return false
		}
	}
	return true
}

// bestQuote returns the normalised quote of e that holds the most of the
// question's term weight, or "" when none holds any or two hold as much.
func (ix *Index) bestQuote(e int32, qu query) string {
	best, bestW, ties := "", float32(0), false
	for _, q := range ix.facts[e].quotes {
		// The quote's words are analysed here, on the rare tie, rather than
		// kept for every citation (that cost a third more index build).
		var said uint64 // bit i: the question's term i is in the quote
		ix.voc.walkTerms(q.quote, nil, func(surface []byte, phrase string) {
			name := phrase
			if name == "" {
				if id, ok := ix.surfaceTerm[string(surface)]; ok {
					name = ix.termName[id]
				} else {
					name = ix.voc.canonical(string(surface))
				}
			}
			for i, t := range qu.terms {
				if i < 64 && t.id >= 0 && ix.termName[t.id] == name {
					said |= 1 << i
				}
			}
		})
		var w float32
		for i, t := range qu.terms {
			if i < 64 && said&(1<<i) != 0 {
				w += t.weight
			}
		}
		switch {
		case w > bestW:
			best, bestW, ties = q.norm, w, false
		case w == bestW && w > 0 && q.norm != best:
			ties = true
		}
	}
	if ties {
		return ""
	}
	return best
}

// askingTerms are the terms of question words, which the index keeps.
var askingTerms = setOf(`who when where whi why howmany`)

// lead returns the entry of tied whose measure beats every other's by at
// least by, or false.
func lead(tied []scored, by float64, measure func(int32) float64) (int32, bool) {
	best, second, winner := -1.0, -1.0, int32(-1)
	for _, r := range tied {
		s := measure(r.entry)
		switch {
		case s > best:
			best, second, winner = s, best, r.entry
		case s > second:
			second = s
		}
	}
	return winner, winner >= 0 && best-second >= by
}

// literal is the largest share of words in common (Jaccard) between the
// question's words and one of the entry's phrasings, small words included.
func (ix *Index) literal(e int32, words []string) float64 {
	en := &ix.slots[e]
	best := jaccard(words, splitWords(en.Question))
	for _, a := range en.Aliases {
		best = max(best, jaccard(words, splitWords(a)))
	}
	return best
}

func jaccard(a, b []string) float64 {
	common, union := 0, 0
	seen := make(map[string]int8, len(a)+len(b))
	for _, w := range a {
		seen[w] |= 1
	}
	for _, w := range b {
		seen[w] |= 2
	}
	for _, v := range seen {
		union++
		if v == 3 {
			common++
		}
	}
	if union == 0 {
		return 0
	}
	return float64(common) / float64(union)
}
