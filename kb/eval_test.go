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

// labelled is one question from a labelled set in testdata. Want is "" when
// the bot must decline.
type labelled struct {
	Want, Question string
	Line           int
}

func loadLabelled(tb testing.TB, name string) []labelled {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		want, q, ok := strings.Cut(line, "\t")
		if !ok {
			tb.Fatalf("%s:%d: no tab", name, n)
		}
		if want == "-" {
			want = ""
		}
		out = append(out, labelled{Want: want, Question: q, Line: n})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// tally is how a matcher did on a labelled set. A wrong answer is an entry
// given as the answer that is not the labelled one (in scope) or any entry
// given for an out-of-scope question: the worst outcome.
type tally struct {
	in, inRight, out, outRight, wrong int
}

func (s *tally) add(want, got string) bool {
	if want == "" {
		s.out++
		if got == "" {
			s.outRight++
		}
	} else {
		s.in++
		if got == want {
			s.inRight++
		}
	}
	if got != "" && got != want {
		s.wrong++
	}
	return got == want
}

func (s tally) inRate() float64    { return float64(s.inRight) / float64(s.in) }
func (s tally) outRate() float64   { return float64(s.outRight) / float64(s.out) }
func (s tally) wrongRate() float64 { return float64(s.wrong) / float64(s.in+s.out) }
func (s tally) String() string {
	return fmt.Sprintf("in scope %d/%d (%.1f%%), out of scope declined %d/%d (%.1f%%), wrong answers %d/%d (%.1f%%)",
		s.inRight, s.in, 100*s.inRate(), s.outRight, s.out, 100*s.outRate(), s.wrong, s.in+s.out, 100*s.wrongRate())
}

// ours runs the knowledge-base matcher over a set and logs every miss.
func ours(t *testing.T, ix *kb.Index, name string, set []labelled) tally {
	t.Helper()
	var s tally
	for _, l := range set {
		res, err := ix.Ask(l.Question)
		if err != nil {
			t.Fatalf("%s:%d: %v", name, l.Line, err)
		}
		if l.Want != "" {
			if _, ok := ix.Entry(l.Want); !ok {
				t.Fatalf("%s:%d: no entry %q", name, l.Line, l.Want)
			}
		}
		got := ""
		if res.Answered {
			got = res.Entry.ID
		}
		if !s.add(l.Want, got) {
			t.Logf("%s:%d: %q: want %q, got %q (confidence %.2f)", name, l.Line, l.Question, l.Want, got, res.Confidence)
		}
	}
	return s
}

// baseline scores plain BM25 over each entry's question, aliases and answer,
// answering with the top hit when its score clears a threshold. The threshold
// is the best one for this very set, which flatters the baseline.
func baseline(k *kb.KB, set []labelled) (tally, float64) {
	docs := make([]string, len(k.Entries))
	for i, e := range k.Entries {
		docs[i] = e.Question + " " + strings.Join(e.Aliases, " ") + " " + e.Answer
	}
	ix := bm25.New(docs)
	type top struct {
		id    string
		score float64
	}
	tops := make([]top, len(set))
	var candidates []float64
	for i, l := range set {
		if hits := ix.Search(l.Question); len(hits) > 0 {
			tops[i] = top{k.Entries[hits[0].Doc].ID, hits[0].Score}
			candidates = append(candidates, hits[0].Score)
		}
	}
	sort.Float64s(candidates)
	candidates = append(candidates, candidates[len(candidates)-1]+1)
	var best tally
	bestT, bestVal := 0.0, -1.0
	for _, th := range candidates {
		var s tally
		for i, l := range set {
			got := ""
			if tops[i].id != "" && tops[i].score >= th {
				got = tops[i].id
			}
			s.add(l.Want, got)
		}
		if v := min(s.inRate(), s.outRate()); v > bestVal {
			best, bestT, bestVal = s, th, v
		}
	}
	return best, bestT
}

func TestIndex_Eval(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix := kb.NewIndex(k, kb.Options{})
	// Regression floors: each set at the figure it honestly reaches now
	// (README, "Evaluation", has the first-run figures). A change that
	// lowers one must say so.
	for _, c := range []struct {
		file              string
		minIn, minOut     int     // the set must be at least this large
		floorIn, floorOut float64 // answered right in scope, declined out of scope
		maxWrong          float64 // wrong answers, of all questions
	}{
		{"eval.tsv", 110, 40, 0.96, 1.00, 0.006},
		{"heldout.tsv", 50, 20, 0.94, 0.96, 0.012},
		{"fresh.tsv", 35, 19, 0.82, 1.00, 0},
		{"fourth.tsv", 35, 20, 0.94, 1.00, 0.019},
	} {
		t.Run(c.file, func(t *testing.T) {
			set := loadLabelled(t, c.file)
			got := ours(t, ix, c.file, set)
			base, th := baseline(k, set)
			t.Logf("matcher: %v", got)
			t.Logf("BM25 (best threshold %.2f): %v", th, base)
			if got.in < c.minIn || got.out < c.minOut {
				t.Fatalf("the set is too small: %d in scope, %d out of scope", got.in, got.out)
			}
			if got.inRate() < c.floorIn || got.outRate() < c.floorOut || got.wrongRate() > c.maxWrong {
				t.Errorf("below the floor (in %.1f%%, out %.1f%%, wrong at most %.1f%%): %v", 100*c.floorIn, 100*c.floorOut, 100*c.maxWrong, got)
			}
			if min(got.inRate(), got.outRate()) <= min(base.inRate(), base.outRate()) || got.wrong >= base.wrong {
				t.Errorf("no better than BM25: %v vs %v", got, base)
			}
		})
	}
}
