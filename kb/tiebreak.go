package kb

// A question can tie between entries whose phrasings differ only in words
// the ranking ignores: "who is in the photo" and "who took the photo" share
// every content word. The ranking declines such a tie; tieBreak then looks at
// the question as written, small words included, and answers with the entry
// one of whose phrasings is clearly closer to it, word for word.

// tieLead is how much closer (in the share of words in common) the winner's
// phrasing must be than every other tied entry's.
const tieLead = 0.15

// tieBreak returns the entry that wins a tie among the ranked entries within
// the margin of the best, or false. Every tied entry must be free of the
// checks' penalties (an actor it lacks, an asking word it does not say).
func (ix *Index) tieBreak(q string, ranked []scored) (int32, bool) {
	if len(ranked) < 2 || ranked[0].score < ix.opts.Threshold {
		return 0, false
	}
	words := splitWords(q)
	respell(words)
	best, second, winner := -1.0, -1.0, int32(-1)
	for _, r := range ranked {
		if ranked[0].score-r.score >= ix.opts.Margin {
			break
		}
		if r.clash || r.miss {
			return 0, false
		}
		s := ix.literal(r.entry, words)
		switch {
		case s > best:
			best, second, winner = s, best, r.entry
		case s > second:
			second = s
		}
	}
	return winner, winner >= 0 && best-second >= tieLead
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
