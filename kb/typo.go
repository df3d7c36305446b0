package kb

// spelling corrects misspelt words against a fixed vocabulary with a
// deletion-neighbourhood index (the SymSpell idea): a word and every form of it
// with one letter removed point back to the word, so a lookup costs a few map
// probes instead of a scan. It is immutable after newSpelling and safe for
// concurrent use.
type spelling struct {
	deletes map[string][]string
	df      func(string) int // how common a vocabulary word is, for ties
	next    *spelling        // words added later (Index.With) live in a chained index
}

// Words shorter than minCorrectable are too ambiguous to correct; longer than
// maxCorrectable they are not words, and correcting them would cost
// quadratic work.
const (
	minCorrectable = 4
	maxCorrectable = 24
)

func newSpelling(vocab map[string]bool, df func(string) int) *spelling {
	s := &spelling{deletes: make(map[string][]string, len(vocab)*6), df: df}
	for w := range vocab {
		if len([]rune(w)) < minCorrectable {
			continue
		}
		s.deletes[w] = append(s.deletes[w], w)
		forEachDeletion(w, func(d string) {
			s.deletes[d] = appendUnique(s.deletes[d], w)
		})
	}
	return s
}

// maxEdits is how many edits a word of n letters may need.
func maxEdits(n int) int {
	switch {
	case n < minCorrectable, n > maxCorrectable:
		return 0
	case n < 8:
		return 1
	default:
		return 2
	}
}

// correct returns the vocabulary word closest to w (insertion, deletion,
// substitution or adjacent transposition), or "" when none is close enough.
// Words for which skip is true (removed from the knowledge base) are not
// offered.
func (s *spelling) correct(w string, skip func(string) bool) string {
	best, bestD, bestDF := "", 1<<30, -1
	for sp := s; sp != nil; sp = sp.next {
		c, d, df := sp.closest(w, skip)
		if c != "" && (d < bestD || (d == bestD && (df > bestDF || (df == bestDF && c < best)))) {
			best, bestD, bestDF = c, d, df
		}
	}
	return best
}

// closest is correct within this index only, with the distance and df.
func (s *spelling) closest(w string, skip func(string) bool) (string, int, int) {
	rw := []rune(w)
	limit := maxEdits(len(rw))
	if limit == 0 {
		return "", 0, 0
	}
	best, bestD, bestDF := "", limit+1, -1
	try := func(key string) {
		for _, cand := range s.deletes[key] {
			if skip != nil && skip(cand) {
				continue
			}
			rc := []rune(cand)
			d := osaDistance(rw, rc, limit)
			if d > limit || d > bestD {
				continue
			}
			if len(rw) <= 5 && len(rc) == len(rw) && !isTransposition(rw, rc) {
				continue // "tanks" is not a typo of "talks": short words only lose, gain or swap a letter
			}
			if prefixed(w, cand) || prefixed(cand, w) {
				continue // "represented" is not a typo of "presented": a prefix makes another word
			}
			df := s.df(cand)
			if d < bestD || df > bestDF || (df == bestDF && cand < best) {
				best, bestD, bestDF = cand, d, df
			}
		}
	}
	try(w)
	forEachDeletion(w, func(d string) {
		try(d)
		if limit > 1 {
			forEachDeletion(d, try)
		}
	})
	return best, bestD, bestDF
}

// wordPrefixes make a new English word of a word: "re-present",
// "mis-report". Negating prefixes (un-, in-, dis-) are left out: "were the
// talks unsuccessful?" is answered by what the entry says of their success.
var wordPrefixes = []string{"re", "de", "mis", "pre", "co", "ex", "anti", "over", "under"}

// prefixed reports whether long is short with one of wordPrefixes before it.
func prefixed(long, short string) bool {
	for _, p := range wordPrefixes {
		if len(long) == len(p)+len(short) && long[:len(p)] == p && long[len(p):] == short {
			return true
		}
	}
	return false
}

func forEachDeletion(w string, f func(string)) {
	rw := []rune(w)
	for i := range rw {
		f(string(rw[:i]) + string(rw[i+1:]))
	}
}

func appendUnique(list []string, w string) []string {
	for _, x := range list {
		if x == w {
			return list
		}
	}
	return append(list, w)
}

// osaDistance is the optimal-string-alignment distance (Levenshtein plus
// adjacent transpositions). It returns limit+1 as soon as the distance must
// exceed limit.
func osaDistance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// isTransposition reports whether a and b differ only by one swap of
// adjacent letters.
func isTransposition(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && string(a[i+2:]) == string(b[i+2:])
}
