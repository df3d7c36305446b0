package kb

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// term is one analysed query or document word.
type term struct {
	text    string // canonical form: synonym-folded and stemmed
	surface string // the word as written (lower case), for typo correction
	phrase  bool   // folded from two words
}

// analyze splits s into canonical terms (canon gives a word's), dropping
// stop words. It is pure and safe for concurrent use.
func (v *vocab) analyze(s string, canon func(string) string) []term {
	var out []term
	v.walkTerms(s, nil, func(surface []byte, phrase string) {
		if phrase != "" {
			out = append(out, term{text: phrase, surface: string(surface), phrase: true})
			return
		}
		w := string(surface)
		out = append(out, term{text: canon(w), surface: w})
	})
	return out
}

// wordBufs are the buffers of walkTerms.
type wordBufs struct{ word, pending, joined []byte }

// walkTerms calls f for each word of s that is not a stop word, and once for
// each two-word phrase with the phrase's canonical term. surface is only valid
// during the call. wb, when not nil, holds buffers reused between calls (not
// concurrently).
func (v *vocab) walkTerms(s string, wb *wordBufs, f func(surface []byte, phrase string)) {
	if wb == nil {
		wb = &wordBufs{}
	}
	var pending []byte // a phrase's possible first word, held back
	joined := wb.joined
	wb.word = scanWords(s, wb.word, func(w []byte) {
		if pending != nil {
			joined = append(append(append(joined[:0], pending...), ' '), w...)
			if c, ok := v.phrases[string(joined)]; ok {
				if c != "" { // "" is a filler phrase: "so far"
					f(append(append(pending, ' '), w...), c) // the surface as written: "came out"
				}
				pending = nil
				return
			}
			if !stopWords[string(pending)] {
				f(pending, "")
			}
			pending = nil
		}
		if v.phraseFirst[string(w)] {
			pending = append(wb.pending[:0], w...)
			wb.pending = pending
			return
		}
		if !stopWords[string(w)] {
			f(w, "")
		}
	})
	if pending != nil && !stopWords[string(pending)] {
		f(pending, "")
	}
	wb.joined = joined
}

// canonical maps one lower-case word to its index form.
func (v *vocab) canonical(w string) string {
	if c, ok := v.synonyms[w]; ok {
		return c
	}
	if b := verbBase(w); b != w {
		// An irregular form is its verb: "told" is "tell", as "talked" is "talk".
		if c, ok := v.synonyms[b]; ok {
			return c
		}
		w = b
	}
	st := stem(w)
	if c, ok := v.synonyms[st]; ok {
		return c
	}
	return st
}

// splitWords lower-cases s and splits it into words; see scanWords.
func splitWords(s string) []string {
	words := make([]string, 0, 8)
	scanWords(s, nil, func(w []byte) { words = append(words, string(w)) })
	return words
}

// scanWords lower-cases s and calls f with each word of letters and digits,
// in a buffer valid only during the call. It keeps numbers whole ("100,000"
// and "100k" are "100000"), joins dotted abbreviations ("U.S." is "us") and
// drops possessive "'s". It works in buf (nil: a new buffer) and returns it
// for reuse.
func scanWords(s string, buf []byte, f func(w []byte)) []byte {
	if buf == nil {
		buf = make([]byte, 0, 32)
	}
	buf = buf[:0]
	runes := 0 // runes in buf
	var last rune
	flush := func() {
		if len(buf) > 0 {
			if n := len(buf); n > 1 && buf[n-1] == 'k' && allDigits(string(buf[:n-1])) {
				buf = append(buf[:n-1], "000"...)
			}
			f(buf)
			buf, runes = buf[:0], 0
		}
	}
	peek := func(i int) (rune, int) {
		if i >= len(s) {
			return 0, 0
		}
		if c := s[i]; c < utf8.RuneSelf {
			return unicode.ToLower(rune(c)), 1
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		return unicode.ToLower(r), n
	}
	for i := 0; i < len(s); {
		r, n := peek(i)
		r = foldPunct(r)
		i += n
		switch {
		case isWordRune(r):
			buf = utf8.AppendRune(buf, r)
			runes++
			last = r
			continue
		case isInvisible(r):
			continue
		case (r == ',' || r == '.') && runes > 0 && unicode.IsDigit(last):
			if next, _ := peek(i); unicode.IsDigit(next) {
				if r == ',' {
					continue // thousands separator
				}
				buf = append(buf, '.')
				continue
			}
		case r == '.' && runes == 1 && unicode.IsLetter(last):
			next, nn := peek(i)
			after, _ := peek(i + nn)
			if unicode.IsLetter(next) && !unicode.IsLetter(after) {
				continue // "u.s." -> "us"
			}
		case r == '\'' && runes > 0:
			next, nn := peek(i)
			after, _ := peek(i + nn)
			if next == 's' && !isWordRune(after) {
				i += nn // possessive
				if string(buf) == "what" {
					buf = append(buf, 's') // "what's" is "what is": "whats"
					runes++
				}
				flush()
				continue
			}
			if unicode.IsLetter(next) {
				continue // "don't" -> "dont"
			}
		}
		flush()
	}
	flush()
	return buf
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// stem reduces a word to its Porter2 (Snowball English) stem, so "talks",
// "talking" and "talked" meet. Numbers are kept as written. The stemmer is
// pure and safe for concurrent use.
func stem(w string) string {
	if len(w) <= 2 || allDigits(w) {
		return w
	}
	return english.Stem(w, true)
}

// sourceNames returns the canonical terms of the proper names in the
// sources' texts: words written with a capital letter that do not start a
// sentence ("Tass", "Geneva", "OSCE"), outside title-case lines such as
// headlines. A question that names one asks about that thing, and an entry
// that never mentions it cannot answer it.
func sourceNames(v *vocab, sources []Source) map[string]bool {
	names := map[string]bool{}
	// common holds the terms written in lower case mid-sentence somewhere,
	// in any of their spellings: "war" ("the Donbass war"), "time" ("the
	// third time", so a question about a day or time need not name the
	// magazine), "state" ("stated"). A term the source also uses as a
	// common word is no proper name the entry must mention. (Keyed by
	// surface word instead, "Time" stayed a name and "what day/time do the
	// talks begin" needed the magazine: two answers lost on the sets.)
	common := map[string]bool{}
	seen := map[string]bool{} // words already analysed
	for _, s := range sources {
		for line := range strings.Lines(s.Text) {
			lineNames(v, line, names, common, seen)
		}
	}
	for w := range common {
		delete(names, w)
	}
	return names
}

func lineNames(v *vocab, line string, names, common, seen map[string]bool) {
	words, upper := 0, 0
	for f := range strings.FieldsSeq(line) {
		words++
		if r, _ := utf8.DecodeRuneInString(trimOpening(f)); unicode.IsUpper(r) {
			upper++
		}
	}
	if upper == 0 || upper*10 >= words*6 {
		return // no name, or a headline or a caption's credit: every word capitalised
	}
	start := true
	for f := range strings.FieldsSeq(line) {
		r, _ := utf8.DecodeRuneInString(trimOpening(f))
		if !start && !seen[f] {
			seen[f] = true
			for _, w := range splitWords(f) {
				if stopWords[w] || allDigits(w) {
					continue
				}
				if unicode.IsUpper(r) {
					names[v.canonical(w)] = true
				} else if unicode.IsLower(r) {
					common[v.canonical(w)] = true
				}
			}
		}
		last, _ := utf8.DecodeLastRuneInString(f)
		start = last == '.' || last == '?' || last == '!' || last == ':' || last == '"'
	}
}

// trimOpening drops the punctuation that opens a word: "(OSCE)" and
// "“Tass" are names too.
func trimOpening(f string) string {
	return strings.TrimLeftFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// ownerLinks join a thing to the actor after it: "troops of Ukraine",
// ("from" does not: "troops from Europe" are not Europe's troops),
// "troops does Ukraine have".
var ownerLinks = setOf(`of does do did has have had`)

// actorPairs calls f with each actor that words (see splitWords) name as the owner of a thing,
// as canonical terms and as written: an actor right before a word ("Russian troops",
// "Ukraine's army") or after a word and a link of ownerLinks ("troops does
// Ukraine have"). "How many Ukrainian troops…" and "How many Russian
// troops…" share every word but these pairs.
func (v *vocab) actorPairs(words []string, canon func(string) string, f func(actor, noun, surface string)) {
	type tok struct{ raw, canon string }
	toks := make([]tok, 0, len(words))
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) {
			if c, ok := v.phrases[words[i]+" "+words[i+1]]; ok {
				toks = append(toks, tok{words[i], c})
				i++
				continue
			}
		}
		t := tok{raw: words[i]}
		if !stopWords[words[i]] {
			t.canon = canon(words[i])
		}
		toks = append(toks, t)
	}
	content := func(i int) bool { return i < len(toks) && toks[i].canon != "" && !v.actors[toks[i].canon] }
	for i, t := range toks {
		if t.canon == "" {
			continue
		}
		if v.actors[t.canon] && content(i+1) {
			f(t.canon, toks[i+1].canon, t.raw+" "+toks[i+1].raw)
		}
		// "troops of Russia", but not "number of US troops": there the
		// actor belongs to the word after it.
		if content(i) && i+2 < len(toks) && ownerLinks[toks[i+1].raw] && v.actors[toks[i+2].canon] && !content(i+3) {
			f(toks[i+2].canon, t.canon, t.raw+" "+toks[i+1].raw+" "+toks[i+2].raw)
		}
	}
}

func pairKey(actor, noun int32) uint64 { return uint64(uint32(actor))<<32 | uint64(uint32(noun)) }
