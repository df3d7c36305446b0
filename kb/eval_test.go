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

// labelled is one question of a labelled set in testdata. An in-scope
// question names what answers it: the entry (Want, in the sets labelled by
// entry id) or the article's words the answer must quote (Phrase, in the
// blind sets, which stay valid however the knowledge base is cut).
type labelled struct {
	In           bool
	Want, Phrase string
	Question     string
	Line         int
}

// answeredBy reports whether e is a right answer to l.
func (l labelled) answeredBy(e *kb.Entry) bool {
	if l.Want != "" {
		return e.ID == l.Want
	}
	return quotesPhrase(e, l.Phrase)
}

// loadLabelled reads a set labelled by entry id: want<TAB>question, with "-"
// for a question the bot must decline.
func loadLabelled(tb testing.TB, name string) []labelled {
	tb.Helper()
	var out []labelled
	readSet(tb, name, func(n int, line string) {
		want, q, ok := strings.Cut(line, "\t")
		if !ok {
			tb.Fatalf("%s:%d: no tab", name, n)
		}
		if want == "-" {
			want = ""
		}
		out = append(out, labelled{In: want != "", Want: want, Question: q, Line: n})
	})
	return out
}

// readSet calls f with each line of a set that is not blank or a comment.
func readSet(tb testing.TB, name string, f func(n int, line string)) {
	tb.Helper()
	file, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for n := 1; sc.Scan(); n++ {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			f(n, line)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
}

// tally is how a matcher did on a labelled set. A wrong answer is an entry
// given as the answer that does not answer the question (in scope) or any
// entry given for an out-of-scope question: the worst outcome.
type tally struct {
	in, inRight, out, outRight, wrong int
}

// add counts one outcome; got is nil when the question was declined.
func (s *tally) add(l labelled, got *kb.Entry) bool {
	right := got == nil
	if l.In {
		s.in++
		right = got != nil && l.answeredBy(got)
		if right {
			s.inRight++
		}
	} else {
		s.out++
		if right {
			s.outRight++
		}
	}
	if got != nil && !right {
		s.wrong++
	}
	return right
}

func (s tally) inRate() float64    { return float64(s.inRight) / float64(max(s.in, 1)) }
func (s tally) outRate() float64   { return float64(s.outRight) / float64(max(s.out, 1)) }
func (s tally) wrongRate() float64 { return float64(s.wrong) / float64(max(s.in+s.out, 1)) }
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
		var got *kb.Entry
		if res.Answered {
			got = res.Entry
		}
		if !s.add(l, got) {
			want, id := "decline", "(declined)"
			switch {
			case l.Want != "":
				want = fmt.Sprintf("%q", l.Want)
			case l.In:
				want = "quote “" + l.Phrase + "”"
			}
			if got != nil {
				id = got.ID
			}
			t.Logf("%s:%d: %q: want %s, got %s (confidence %.2f)", name, l.Line, l.Question, want, id, res.Confidence)
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
		e     *kb.Entry
		score float64
	}
	tops := make([]top, len(set))
	var candidates []float64
	for i, l := range set {
		if hits := ix.Search(l.Question); len(hits) > 0 {
			tops[i] = top{&k.Entries[hits[0].Doc], hits[0].Score}
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
			var got *kb.Entry
			if tops[i].e != nil && tops[i].score >= th {
				got = tops[i].e
			}
			s.add(l, got)
		}
		if v := min(s.inRate(), s.outRate()); v > bestVal {
			best, bestT, bestVal = s, th, v
		}
	}
	return best, bestT
}

// evalCase is a labelled set and the floors it must keep: each at the figure
// it honestly reaches now (README, "Evaluation", has the first-run figures).
// A change that lowers one must say so.
type evalCase struct {
	file              string
	minIn, minOut     int     // the set must be at least this large
	floorIn, floorOut float64 // answered right in scope, declined out of scope
	maxWrong          float64 // wrong answers, of all questions
}

// checkSets scores each set with the matcher and with BM25, and checks the
// floors; beatBM25 also requires the matcher to do better than BM25 at its
// best threshold.
func checkSets(t *testing.T, load func(testing.TB, string) []labelled, beatBM25 bool, cases []evalCase) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix := kb.NewIndex(k, kb.Options{})
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			set := load(t, c.file)
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
			if beatBM25 && (min(got.inRate(), got.outRate()) <= min(base.inRate(), base.outRate()) || got.wrong >= base.wrong) {
				t.Errorf("no better than BM25: %v vs %v", got, base)
			}
		})
	}
}

func TestIndex_Eval(t *testing.T) {
	checkSets(t, loadLabelled, true, []evalCase{
		// Regression floors: each at the figure the set reaches now
		// (README, "Evaluation"; 30 November 2026, after blind4's round:
		// eval 97.9/100/0.5, heldout 94.8/100/1.2, fresh 90.0/100/0,
		// fourth 97.1/100/0). Six prediction questions ("will Russia
		// invade?") were relabelled out of scope in that round: the article
		// cannot say what will happen, and they get a partial answer.
		{"eval.tsv", 110, 40, 0.979, 1.00, 0.006},
		{"heldout.tsv", 50, 20, 0.965, 1.00, 0.012},
		{"fresh.tsv", 35, 19, 0.95, 1.00, 0.00},
		{"fourth.tsv", 34, 20, 0.97, 1.00, 0.00},
	})
}
