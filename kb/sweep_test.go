package kb

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// TestSweep explores the tuning space on the labelled set. It only runs with
// SWEEP=1 and prints; it asserts nothing.
func TestSweep(t *testing.T) {
	if os.Getenv("SWEEP") == "" {
		t.Skip("set SWEEP=1")
	}
	k, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	type q struct{ want, text string }
	var set []q
	f, _ := os.Open("testdata/" + os.Getenv("SWEEP_FILE"))
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if l == "" || l[0] == '#' {
			continue
		}
		w, x, _ := strings.Cut(l, "\t")
		if w == "-" {
			w = ""
		}
		set = append(set, q{w, x})
	}
	type row struct {
		desc    string
		in, out float64
	}
	var rows []row
	var grid []tuning
	for _, smooth := range []float64{0, 0.5, 1, 2} {
		for _, unk := range []float64{0.6, 0.8, 1, 1.3} {
			for _, phrase := range []float64{0.3, 0.5, 0.7} {
				for _, power := range []float64{1, 1.5, 2} {
					for _, clash := range []float64{1, 0.7, 0.5} {
						grid = append(grid, tuning{smooth, unk, phrase, power, clash})
					}
				}
			}
		}
	}
	for _, tu := range grid {
		ix := newIndex(k, Options{}, tu)
		type r struct {
			want, top string
			s1, s2    float64
		}
		var rs []r
		for _, x := range set {
			ranked := ix.rank(ix.queryTerms(CleanQuestion(x.text)), 2)
			var y r
			y.want = x.want
			if len(ranked) > 0 {
				y.top, y.s1 = k.Entries[ranked[0].entry].ID, ranked[0].score
			}
			if len(ranked) > 1 {
				y.s2 = ranked[1].score
			}
			rs = append(rs, y)
		}
		for th := 0.3; th < 0.8; th += 0.05 {
			for _, m := range []float64{0.02, 0.05, 0.08, 0.12, 0.16, -0.1, -0.15, -0.2, -0.3} {
				var in, inOK, out, outOK int
				for _, y := range rs {
					got := ""
					if y.s1 >= th && ((m > 0 && y.s1-y.s2 >= m) || (m < 0 && y.s2 <= y.s1*(1+m))) {
						got = y.top
					}
					if y.want == "" {
						out++
						if got == "" {
							outOK++
						}
					} else {
						in++
						if got == y.want {
							inOK++
						}
					}
				}
				rows = append(rows, row{fmt.Sprintf("%+v th=%.2f m=%.2f", tu, th, m),
					float64(inOK) / float64(in), float64(outOK) / float64(out)})
			}
		}
	}
	sort.Slice(rows, func(a, b int) bool {
		return min(rows[a].in, rows[a].out)+0.1*(rows[a].in+rows[a].out) > min(rows[b].in, rows[b].out)+0.1*(rows[b].in+rows[b].out)
	})
	for _, r := range rows[:40] {
		fmt.Printf("%s in=%.3f out=%.3f\n", r.desc, r.in, r.out)
	}
}
