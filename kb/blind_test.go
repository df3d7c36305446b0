package kb_test

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"crisisbot/internal/bm25"
	"crisisbot/kb"
)

// blindQuestion is one question of a blind set: a set written by someone who
// saw only the article, never the knowledge base. It carries no entry id: an
// in-scope question names the verbatim phrase of the article that answers
// it, so the set stays valid however the knowledge base is cut into entries.
type blindQuestion struct {
	In       bool
	Question string
	Phrase   string // the answer's words in the article (in scope only)
	Line     int
}

func loadBlind(tb testing.TB, name string) []blindQuestion {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []blindQuestion
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 || (cols[0] != "in" && cols[0] != "out") {
			tb.Fatalf("%s:%d: want in|out<TAB>question<TAB>phrase", name, n)
		}
		out = append(out, blindQuestion{In: cols[0] == "in", Question: cols[1], Phrase: cols[2], Line: n})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// quotesPhrase reports whether an entry's answer shows the article's words
// that answer the question: one of its quotes contains the phrase, or is a
// substantial part of it.
func quotesPhrase(e *kb.Entry, phrase string) bool {
	p := strings.ToLower(kb.NormalizeQuote(phrase))
	for _, c := range e.Citations {
		q := strings.ToLower(kb.NormalizeQuote(c.Quote))
		if strings.Contains(q, p) || (len(q) >= 12 && strings.Contains(p, q)) {
			return true
		}
	}
	return false
}

// blindTally counts a blind set's outcomes. A wrong answer is the worst
// outcome: an entry given as the answer that does not answer the question
// (any answer to an out-of-scope question, or the wrong fact in scope).
type blindTally struct {
	in, inRight, out, outRight, wrong int
}

func (s *blindTally) add(q blindQuestion, answered *kb.Entry) bool {
	if !q.In {
		s.out++
		if answered == nil {
			s.outRight++
			return true
		}
		s.wrong++
		return false
	}
	s.in++
	switch {
	case answered == nil:
		return false
	case quotesPhrase(answered, q.Phrase):
		s.inRight++
		return true
	}
	s.wrong++
	return false
}

func (s blindTally) inRate() float64    { return float64(s.inRight) / float64(max(s.in, 1)) }
func (s blindTally) outRate() float64   { return float64(s.outRight) / float64(max(s.out, 1)) }
func (s blindTally) wrongRate() float64 { return float64(s.wrong) / float64(max(s.in+s.out, 1)) }
func (s blindTally) String() string {
	return strings.Join([]string{
		pct("in scope answered right", s.inRight, s.in),
		pct("out of scope declined", s.outRight, s.out),
		pct("wrong answers", s.wrong, s.in+s.out),
	}, ", ")
}

func pct(what string, n, of int) string {
	return fmt.Sprintf("%s %d/%d (%.1f%%)", what, n, of, 100*float64(n)/float64(max(of, 1)))
}

// oursBlind runs the matcher over a blind set and logs every miss.
func oursBlind(t *testing.T, ix *kb.Index, name string, set []blindQuestion) blindTally {
	t.Helper()
	var s blindTally
	for _, q := range set {
		res, err := ix.Ask(q.Question)
		if err != nil {
			t.Fatalf("%s:%d: %v", name, q.Line, err)
		}
		var got *kb.Entry
		if res.Answered {
			got = res.Entry
		}
		if !s.add(q, got) {
			id := "(declined)"
			if got != nil {
				id = got.ID
			}
			want := "decline"
			if q.In {
				want = "quote “" + q.Phrase + "”"
			}
			t.Logf("%s:%d: %q: want %s, got %s (confidence %.2f)", name, q.Line, q.Question, want, id, res.Confidence)
		}
	}
	return s
}

// baselineBlind scores plain BM25 over each entry's question, aliases and
// answer at the threshold that is best for this very set.
func baselineBlind(k *kb.KB, set []blindQuestion) (blindTally, float64) {
	docs := make([]string, len(k.Entries))
	for i, e := range k.Entries {
		docs[i] = e.Question + " " + strings.Join(e.Aliases, " ") + " " + e.Answer
	}
	ix := bm25.New(docs)
	type top struct {
		e     *kb.Entry
		score float64
	}
	tops := make([]top, len(set))
	var candidates []float64
	for i, q := range set {
		if hits := ix.Search(q.Question); len(hits) > 0 {
			tops[i] = top{&k.Entries[hits[0].Doc], hits[0].Score}
			candidates = append(candidates, hits[0].Score)
		}
	}
	sort.Float64s(candidates)
	candidates = append(candidates, candidates[len(candidates)-1]+1)
	var best blindTally
	bestT, bestVal := 0.0, -1.0
	for _, th := range candidates {
		var s blindTally
		for i, q := range set {
			var got *kb.Entry
			if tops[i].e != nil && tops[i].score >= th {
				got = tops[i].e
			}
			s.add(q, got)
		}
		if v := min(s.inRate(), s.outRate()); v > bestVal {
			best, bestT, bestVal = s, th, v
		}
	}
	return best, bestT
}

func TestQuotesPhrase(t *testing.T) {
	e := &kb.Entry{Citations: []kb.Citation{{Quote: "Nearly 100,000 Russian troops have gathered"}}}
	for _, c := range []struct {
		phrase string
		want   bool
	}{
		{"100,000 Russian troops", true},
		{"Nearly 100,000 Russian troops have gathered near the Ukrainian border", true},
		{"more than 70,000 American troops", false},
		{"troops", true},
	} {
		if got := quotesPhrase(e, c.phrase); got != c.want {
			t.Errorf("quotesPhrase(%q) = %v, want %v", c.phrase, got, c.want)
		}
	}
}

func TestIndex_EvalBlind(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix := kb.NewIndex(k, kb.Options{})
	for _, c := range []struct {
		file          string
		minIn, minOut int
		floorIn       float64 // regression floors: what the set honestly reaches now
		floorOut      float64
		maxWrong      float64
	}{
		// blind1.tsv first run, before any change: 57/86 (66.3%) in scope, 41/54 (75.9%)
		// declined, 15/140 (10.7%) wrong answers; BM25 54.7% / 55.6% / 18.6%. Its
		// misses were read (for the kinds of question that fail), so it is a
		// regression set now, not a blind one.
		{"blind1.tsv", 60, 40, 0.94, 0.96, 0.022},
		// late.tsv: written after the fact-level work by its implementer (not
		// blind); first run 79.7% / 83.3% / 9.0% wrong, BM25 59.3% / 60.0% / 14.6%.
		{"late.tsv", 55, 30, 0.89, 0.93, 0.045},
		// last.tsv: written at the very end by the same author (not blind); first
		// run 65.7% / 100% / 0% wrong, BM25 62.9% / 65.0% / 12.7%.
		{"last.tsv", 35, 20, 0.82, 1.00, 0},
		// blind2.tsv: written blind from the article alone after all the work,
		// scored once, never tuned on: the figure to expect from strangers.
		// First and only run: 61/88 (69.3%) in scope, 51/59 (86.4%) declined,
		// 9/147 (6.1%) wrong answers; BM25 59.1% / 61.0% / 15.6%.
		{"blind2.tsv", 60, 40, 0.69, 0.86, 0.062},
	} {
		t.Run(c.file, func(t *testing.T) {
			set := loadBlind(t, c.file)
			got := oursBlind(t, ix, c.file, set)
			base, th := baselineBlind(k, set)
			t.Logf("matcher: %v", got)
			t.Logf("BM25 (best threshold %.2f): %v", th, base)
			if got.in < c.minIn || got.out < c.minOut {
				t.Fatalf("the set is too small: %d in scope, %d out of scope", got.in, got.out)
			}
			if got.inRate() < c.floorIn || got.outRate() < c.floorOut || got.wrongRate() > c.maxWrong {
				t.Errorf("below the floor (in %.1f%%, out %.1f%%, wrong at most %.1f%%): %v", 100*c.floorIn, 100*c.floorOut, 100*c.maxWrong, got)
			}
		})
	}
}
