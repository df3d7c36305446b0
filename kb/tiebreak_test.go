package kb

import "testing"

// TestHoldsQuotes: an entry answers a tie for the others when its quotes
// hold all of theirs, from the same source; a quote of another source or
// words it does not quote leave the tie to the other rules.
func TestHoldsQuotes(t *testing.T) {
	cite := func(src string, quotes ...string) entryFacts {
		var f entryFacts
		for _, q := range quotes {
			f.quotes = append(f.quotes, quoteFacts{source: src, norm: NormalizeQuote(q)})
		}
		return f
	}
	whole := "open to address the missiles, but not the more than 70,000 American troops stationed there."
	facts := []entryFacts{
		cite("a", whole),
		cite("a", "but not the more than 70,000 American troops stationed there"),
		cite("b", "but not the more than 70,000 American troops stationed there"),
		cite("a", "Nearly 100,000 Russian troops have gathered"),
	}
	tied := func(es ...int32) []scored {
		var out []scored
		for _, e := range es {
			out = append(out, scored{entry: e})
		}
		return out
	}
	for _, c := range []struct {
		e    int32
		tied []scored
		want bool
	}{
		{0, tied(0, 1), true},
		{1, tied(0, 1), false},
		{0, tied(0, 2), false}, // another source
		{0, tied(0, 1, 3), false},
	} {
		if got := holdsQuotes(facts[c.e].quotes, c.tied, facts); got != c.want {
			t.Errorf("holdsQuotes(%d, %v) = %v, want %v", c.e, c.tied, got, c.want)
		}
	}
	ix := &Index{facts: facts}
	if !ix.quotesAll(tied(1, 0)) || ix.quotesAll(tied(1, 3)) {
		t.Errorf("quotesAll(1, 0) = %v, quotesAll(1, 3) = %v; want true, false", ix.quotesAll(tied(1, 0)), ix.quotesAll(tied(1, 3)))
	}
}

// TestSameBestQuote: entries tie on the same passage when each one's quote
// closest to the question is those words.
func TestSameBestQuote(t *testing.T) {
	ix := NewIndex(shippedKB(t), Options{})
	tied := func(ids ...string) []scored {
		var out []scored
		for _, id := range ids {
			out = append(out, scored{entry: ix.byID[id]})
		}
		return out
	}
	qu := ix.analyzeQuery("who is meeting to address the kremlin's security demands")
	if !ix.sameBestQuote(tied("russia-security-demands", "talks-participants"), qu) {
		t.Error("the demands and the participants entries both quote the officials meeting to address the demands: same passage")
	}
	if ix.sameBestQuote(tied("russia-security-demands", "talks-start"), qu) {
		t.Error("the talks' start quotes other words than the demands: not the same passage")
	}
	// One entry quotes the whole sentence, the other its start.
	qu = ix.analyzeQuery("what day is the first of the three discussions this week")
	if !ix.sameBestQuote(tied("week-of-talks", "talks-start"), qu) {
		t.Error("the week's meetings and the talks' start both quote the sentence of Monday's discussions (one cut short): same passage")
	}
}
