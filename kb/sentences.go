package kb

import (
	"math"
	"strings"
	"sync"
)

// A quote is often part of a sentence ("but not the more than 70,000
// American troops" is part of what the US will discuss "when US and Russian
// diplomats meet next week"). What the sentence says (what will happen,
// events related in time) is checked against questions (entryFacts), so the
// sentence of each quote is found through an index of the source's word
// starts, built once per source text.

// sentence returns the sentence of its source that the citation quotes from
// (the quote itself when the source text is not at hand): "but not the more
// than 70,000 American troops" is part of what the US will discuss "when
// US and Russian diplomats meet next week". The source's lines are indexed
// by what starts at each word, so finding a quote costs a look-up, not a
// scan of the source (a source can be long).
func (a *analyzer) sentence(c Citation) string {
	q := NormalizeQuote(c.Quote)
	if q == "" {
		return q
	}
	if a.starts == nil {
		a.buildStarts()
	}
	src := a.starts[c.SourceID]
	if src == nil {
		return q
	}
	if len(q) < startLen {
		return a.scanSentence(src, q)
	}
	for p := src.head[q[:startLen]] - 1; p >= 0; p = src.next[p] {
		at := src.pos[p]
		line := src.lines[at.line]
		i := int(at.off)
		if !strings.HasPrefix(line[i:], q) {
			continue
		}
		start := strings.LastIndexAny(line[:i], ".!?") + 1
		end := i + len(q)
		if strings.HasSuffix(q, ".") || strings.HasSuffix(q, "?") || strings.HasSuffix(q, "!") {
			return line[start:end] // the quote ends its sentence
		}
		if j := strings.IndexAny(line[end:], ".!?"); j >= 0 {
			end += j
		} else {
			end = len(line)
		}
		return line[start:end]
	}
	return a.scanSentence(src, q) // a quote that starts after a quotation mark, not a space
}

// scanSentence finds a quote too short for the index by scanning the lines.
func (a *analyzer) scanSentence(src *sourceStarts, q string) string {
	for _, line := range src.lines {
		if i := strings.Index(line, q); i >= 0 {
			start := strings.LastIndexAny(line[:i], ".!?") + 1
			end := i + len(q)
			if j := strings.IndexAny(line[end:], ".!?"); j >= 0 && !strings.ContainsAny(q[len(q)-1:], ".!?") {
				end += j
			}
			return line[start:end]
		}
	}
	return q
}

// sourceStarts is a source's lines, normalised (NormalizeQuote), and where
// each word starts in them.
type sourceStarts struct {
	lines []string
	// head maps the first startLen bytes from a word start to 1 + its
	// last position in pos; next chains the positions with the same bytes
	// (-1 ends a chain).
	head map[string]int32
	pos  []wordAt
	next []int32
}

type wordAt struct{ line, off int32 }

// startLen is how many bytes from a word start key the index of a source:
// few places in a source start with the same 16 bytes.
const startLen = 16

func (a *analyzer) buildStarts() {
	a.starts = map[string]*sourceStarts{}
	for _, s := range a.sources {
		if s.Text != "" {
			a.starts[s.ID] = startsOf(s.Text)
		}
	}
}

// startsCache keeps the indexes of source texts between index builds: every
// server's index quotes the same sources. It holds at most maxCachedSources
// texts and forgets the least recently used one to take a new one, so an
// edited source's old text does not stay pinned.
var startsCache struct {
	sync.Mutex
	m    map[string]*cachedStarts
	tick uint64
}

type cachedStarts struct {
	src  *sourceStarts
	used uint64 // startsCache.tick at the last use
}

const maxCachedSources = 64

// startsOf returns the index of a source text, from the cache if it is there.
func startsOf(text string) *sourceStarts {
	startsCache.Lock()
	c, ok := startsCache.m[text]
	if ok {
		startsCache.tick++
		c.used = startsCache.tick
	}
	startsCache.Unlock()
	if ok {
		return c.src
	}
	src := indexStarts(text)
	startsCache.Lock()
	defer startsCache.Unlock()
	if startsCache.m == nil {
		startsCache.m = map[string]*cachedStarts{}
	}
	if c, ok := startsCache.m[text]; ok {
		return c.src // built meanwhile by another index
	}
	if len(startsCache.m) >= maxCachedSources {
		var oldest string
		least := uint64(math.MaxUint64)
		for t, c := range startsCache.m {
			if c.used < least {
				oldest, least = t, c.used
			}
		}
		delete(startsCache.m, oldest)
	}
	startsCache.tick++
	startsCache.m[text] = &cachedStarts{src: src, used: startsCache.tick}
	return src
}

func indexStarts(text string) *sourceStarts {
	src := &sourceStarts{head: map[string]int32{}}
	for line := range strings.Lines(text) {
		n := NormalizeQuote(line)
		li := int32(len(src.lines))
		src.lines = append(src.lines, n)
		for i := 0; i < len(n); {
			j := strings.IndexByte(n[i:], ' ')
			if j < 0 {
				j = len(n) - i
			}
			if j > 0 && len(n)-i >= startLen {
				k := n[i : i+startLen]
				src.pos = append(src.pos, wordAt{li, int32(i)})
				src.next = append(src.next, src.head[k]-1)
				src.head[k] = int32(len(src.pos))
			}
			i += j + 1
		}
	}
	return src
}
