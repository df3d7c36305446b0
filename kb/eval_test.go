package kb_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"crisisbot/kb"
)

// labelled is one question from testdata/eval.tsv. Want is "" when the bot
// must decline.
type labelled struct {
	Want, Question string
	Line           int
}

func loadEval(tb testing.TB) []labelled {
	tb.Helper()
	f, err := os.Open("testdata/" + evalFile())
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
			tb.Fatalf("eval.tsv:%d: no tab", n)
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

// score is how a matcher did on the labelled set.
type score struct {
	inScope, inRight, outScope, outRight int
}

func (s score) inRate() float64  { return float64(s.inRight) / float64(s.inScope) }
func (s score) outRate() float64 { return float64(s.outRight) / float64(s.outScope) }

func TestIndex_Eval(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix := kb.NewIndex(k, kb.Options{})
	set := loadEval(t)
	var s score
	for _, l := range set {
		res, err := ix.Ask(l.Question)
		if err != nil {
			t.Fatalf("eval.tsv:%d: %v", l.Line, err)
		}
		if l.Want != "" {
			if _, ok := ix.Entry(l.Want); !ok {
				t.Fatalf("eval.tsv:%d: no entry %q", l.Line, l.Want)
			}
		}
		got := ""
		if res.Answered {
			got = res.Entry.ID
		}
		if l.Want == "" {
			s.outScope++
		} else {
			s.inScope++
		}
		if got == l.Want {
			if l.Want == "" {
				s.outRight++
			} else {
				s.inRight++
			}
			continue
		}
		var sugg []string
		for _, x := range res.Suggestions {
			sugg = append(sugg, x.ID)
		}
		t.Logf("eval.tsv:%d: %q: want %q, got %q (confidence %.2f, suggestions %v)", l.Line, l.Question, l.Want, got, res.Confidence, sugg)
	}
	t.Logf("in scope: %d/%d answered correctly (%.1f%%); out of scope: %d/%d declined (%.1f%%)",
		s.inRight, s.inScope, 100*s.inRate(), s.outRight, s.outScope, 100*s.outRate())
	if s.inScope < 110 || s.outScope < 40 {
		t.Fatalf("the labelled set is too small: %d in scope, %d out of scope", s.inScope, s.outScope)
	}
	if s.inRate() < 0.95 || s.outRate() < 0.95 {
		t.Errorf("below the 95%% targets")
	}
}

func evalFile() string {
	if f := os.Getenv("EVAL_FILE"); f != "" {
		return f
	}
	return "eval.tsv"
}
