package kb

import (
	"strings"
	"unicode"
)

// term is one analysed query or document word.
type term struct {
	text    string // canonical form: synonym-folded and stemmed
	surface string // the word as written (lower case), for typo correction
}

// analyze splits s into canonical terms, dropping stop words. It is pure and
// safe for concurrent use.
func analyze(s string) []term {
	words := splitWords(s)
	out := make([]term, 0, len(words))
	for i := 0; i < len(words); i++ {
		w := words[i]
		if i+1 < len(words) {
			if c, ok := phrases[w+" "+words[i+1]]; ok {
				out = append(out, term{text: c, surface: w + words[i+1]})
				i++
				continue
			}
		}
		if stopWords[w] {
			continue
		}
		out = append(out, term{text: canonical(w), surface: w})
	}
	return out
}

// canonical maps one lower-case word to its index form.
func canonical(w string) string {
	if c, ok := synonyms[w]; ok {
		return c
	}
	st := stem(w)
	if c, ok := synonyms[st]; ok {
		return c
	}
	return st
}

// splitWords lower-cases s and splits it into words of letters and digits.
// It keeps numbers whole ("100,000" and "100k" are "100000"), joins dotted
// abbreviations ("U.S." is "us") and drops possessive "'s".
func splitWords(s string) []string {
	rs := []rune(strings.ToLower(s))
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i := 0; i < len(rs); i++ {
		r := foldPunct(rs[i])
		switch {
		case isWord(r):
			cur = append(cur, r)
			continue
		case isInvisible(r):
			continue
		case (r == ',' || r == '.') && len(cur) > 0 && unicode.IsDigit(cur[len(cur)-1]) &&
			i+1 < len(rs) && unicode.IsDigit(rs[i+1]):
			if r == ',' {
				continue // thousands separator
			}
		case r == '.' && len(cur) == 1 && unicode.IsLetter(cur[0]) && i+1 < len(rs) && unicode.IsLetter(rs[i+1]) &&
			(i+2 >= len(rs) || !unicode.IsLetter(rs[i+2])):
			continue // "u.s." -> "us"
		case r == '\'' && len(cur) > 0:
			if i+1 < len(rs) && rs[i+1] == 's' && (i+2 >= len(rs) || !isWord(rs[i+2])) {
				i++ // possessive
				flush()
				continue
			}
			if i+1 < len(rs) && unicode.IsLetter(rs[i+1]) {
				continue // "don't" -> "dont"
			}
		}
		flush()
	}
	flush()
	for i, w := range words {
		if n := len(w); n > 1 && w[n-1] == 'k' && allDigits(w[:n-1]) {
			words[i] = w[:n-1] + "000"
		}
	}
	return words
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// stem is a light English suffix stripper. It only needs to be consistent
// between questions and entries, not linguistically exact.
func stem(w string) string {
	if len(w) <= 3 || allDigits(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ation") && len(w) > 6:
		w = w[:len(w)-3]
	case strings.HasSuffix(w, "ing") && len(w) >= 6:
		w = undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ed") && len(w) >= 5:
		w = undouble(w[:len(w)-2])
	case strings.HasSuffix(w, "ment") && len(w) >= 8:
		w = w[:len(w)-4]
	case strings.HasSuffix(w, "ly") && len(w) >= 6:
		w = w[:len(w)-2]
	}
	if strings.HasSuffix(w, "e") && len(w) > 4 {
		w = w[:len(w)-1]
	}
	return w
}

func undouble(w string) string {
	n := len(w)
	if n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("lsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}
