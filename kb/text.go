package kb

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeQuote folds the differences a quote may have from its source without
// changing its words: runs of white space (including no-break spaces and line
// breaks) become one space, typographic quote marks become ASCII ones, and
// dashes become a hyphen. Case and punctuation are kept.
func NormalizeQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case isInvisible(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(foldPunct(r))
	}
	return b.String()
}

func foldPunct(r rune) rune {
	switch r {
	case '\u201c', '\u201d', '\u201e', '\u201f', '\u2033', '\u00ab', '\u00bb':
		return '"'
	case '\u2018', '\u2019', '\u201a', '\u201b', '\u2032', '`', '\u00b4':
		return '\''
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return '-'
	}
	return r
}

// isInvisible reports zero-width and format characters that change nothing a
// reader sees but can hide text from a matcher or a filter.
func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e':
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// CleanQuestion prepares user text for matching and display: it drops
// zero-width and control characters, folds white space and trims. It does not
// escape anything; front ends escape for their medium.
func CleanQuestion(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case isInvisible(r), unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// ClosestPassage returns the sentence of text that shares the most words with
// quote, so a rejected quote can be shown next to what the source really says.
// The result is at most 300 characters.
func ClosestPassage(text, quote string) string {
	want := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(NormalizeQuote(quote)), notWordRune) {
		want[w] = true
	}
	best, bestScore := "", -1
	var sentences []string
	for _, line := range strings.Split(text, "\n") {
		sentences = append(sentences, splitSentences(NormalizeQuote(line))...)
	}
	for _, sent := range sentences {
		score := 0
		for _, w := range strings.FieldsFunc(strings.ToLower(sent), notWordRune) {
			if want[w] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = sent, score
		}
	}
	if r := []rune(best); len(r) > 300 {
		best = string(r[:299]) + "…"
	}
	return best
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

func splitSentences(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if (s[i] == '.' || s[i] == '?' || s[i] == '!') && (i+1 == len(s) || s[i+1] == ' ') {
			out = append(out, strings.TrimSpace(s[start:i+1]))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}
