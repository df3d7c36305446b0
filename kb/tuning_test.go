package kb

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestTuning_Robust checks that the default settings are not a knife edge:
// nudging any one of them trades answers against refusals (as a threshold
// must) but keeps both above 88% and their mean above 92%. A setting that only
// works at one exact value would not survive new questions.
func TestTuning_Robust(t *testing.T) {
	k := shippedKB(t)
	type q struct{ want, text string }
	var set []q
	f, err := os.Open("testdata/eval.tsv")
	if err != nil {
		t.Fatal(err)
	}
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
	d := defaultTuning
	o := Options{}.withDefaults()
	for _, c := range []struct {
		name string
		tune tuning
		opts Options
	}{
		{"default", d, o},
		{"smooth-", with(d, func(t *tuning) { t.smooth *= 0.5 }), o},
		{"smooth+", with(d, func(t *tuning) { t.smooth *= 1.5 }), o},
		{"unknown-", with(d, func(t *tuning) { t.unknown *= 0.8 }), o},
		{"unknown+", with(d, func(t *tuning) { t.unknown *= 1.2 }), o},
		{"phrase-", with(d, func(t *tuning) { t.phrase -= 0.1 }), o},
		{"phrase+", with(d, func(t *tuning) { t.phrase += 0.1 }), o},
		{"power-", with(d, func(t *tuning) { t.power -= 0.25 }), o},
		{"power+", with(d, func(t *tuning) { t.power += 0.25 }), o},
		{"clash+", with(d, func(t *tuning) { t.clash = 0.7 }), o},
		{"both-", with(d, func(t *tuning) { t.both -= 0.2 }), o},
		{"both+", with(d, func(t *tuning) { t.both += 0.2 }), o},
		{"kind-", with(d, func(t *tuning) { t.kind -= 0.15 }), o},
		{"kind+", with(d, func(t *tuning) { t.kind += 0.15 }), o},
		{"yesno+", with(d, func(t *tuning) { t.yesno = 1 }), o},
		{"role+", with(d, func(t *tuning) { t.role += 0.2 }), o},
		{"ask-", with(d, func(t *tuning) { t.ask -= 0.15 }), o},
		{"ask+", with(d, func(t *tuning) { t.ask += 0.15 }), o},
		{"speaker-", with(d, func(t *tuning) { t.speaker -= 0.15 }), o},
		{"speaker+", with(d, func(t *tuning) { t.speaker += 0.15 }), o},
		{"specific-", with(d, func(t *tuning) { t.specific -= 0.5 }), o},
		{"specific+", with(d, func(t *tuning) { t.specific += 0.5 }), o},
		{"threshold-", d, Options{Threshold: o.Threshold - 0.05, Margin: o.Margin}},
		{"threshold+", d, Options{Threshold: o.Threshold + 0.05, Margin: o.Margin}},
		{"margin-", d, Options{Threshold: o.Threshold, Margin: o.Margin / 2}},
		{"margin+", d, Options{Threshold: o.Threshold, Margin: o.Margin * 2}},
	} {
		ix := newIndex(k, c.opts, c.tune)
		var in, inOK, out, outOK int
		for _, x := range set {
			res, err := ix.Ask(x.text)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if res.Answered {
				got = res.Entry.ID
			}
			if x.want == "" {
				out++
				if got == "" {
					outOK++
				}
			} else {
				in++
				if got == x.want {
					inOK++
				}
			}
		}
		inRate, outRate := float64(inOK)/float64(in), float64(outOK)/float64(out)
		t.Logf("%-10s in %.3f out %.3f", c.name, inRate, outRate)
		if min(inRate, outRate) < 0.88 || (inRate+outRate)/2 < 0.92 {
			t.Errorf("%s: in %.3f, out %.3f: the defaults sit on a knife edge", c.name, inRate, outRate)
		}
	}
}

func with(t tuning, f func(*tuning)) tuning {
	f(&t)
	return t
}
