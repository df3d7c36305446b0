package kb

import (
	"slices"
	"strings"
	"testing"
)

// TestAlternatives_Chain checks "A or B or C": the three share one term's
// weight, and each names the other two as its alternatives (the chain was
// read as two pairs, so B weighed a quarter and A's alternative was B only).
func TestAlternatives_Chain(t *testing.T) {
	k := shippedKB(t)
	ix := NewIndex(k, Options{})
	qu := ix.analyzeQuery(CleanQuestion("is the osce summit on monday or wednesday or thursday"))
	days := map[string]queryTerm{}
	for _, q := range qu.terms {
		switch q.surface {
		case "monday", "wednesday", "thursday":
			days[q.surface] = q
		}
	}
	if len(days) != 3 {
		t.Fatalf("terms %+v: want the three days", qu.terms)
	}
	for w, q := range days {
		if want := ix.idf[q.id] / 3; q.weight != want {
			t.Errorf("%s weighs %v, want %v (a third of its idf)", w, q.weight, want)
		}
		if len(q.alts) != 2 || slices.Contains(q.alts, q.id) {
			t.Errorf("%s has alternatives %v, want the other two days", w, q.alts)
		}
	}
	res, err := ix.Ask("is the osce summit on monday or wednesday or thursday")
	if err != nil || !res.Answered || !strings.Contains(res.Entry.Answer, "summit on Thursday") {
		t.Errorf("got answered %v (%v): want an entry saying the summit is on Thursday (one of the alternatives)", res.Answered, err)
	}
}
