package kb_test

import (
	"fmt"
	"math"
	"testing"

	"crisisbot/kb"
)

// TestIndex_With checks that an index updated in place answers exactly as
// one built from scratch over the same entries.
func TestIndex_With(t *testing.T) {
	k := defaultKB(t)
	base := kb.NewIndex(k, kb.Options{})
	edited := k.Entries[0]
	edited.Answer += " Edited: the Zaporozhian envoy said nothing."
	edited.Aliases = append([]string{"how large is the russian deployment"}, edited.Aliases...)
	added := kb.Entry{ID: "normandy-format", Topic: "Russian position", Question: "What is the Normandy Four arrangement?",
		Aliases: []string{"normandy quartet"}, Answer: "A format Peskov says Moscow stays committed to.",
		Citations: []kb.Citation{{SourceID: "hngn-2022-01-10", Quote: "the Normandy Four arrangement"}}, AsOf: "2022-01-10", AttributedTo: "Peskov"}
	removed := "guard-act"

	updated := base.With([]kb.Entry{edited, added}, []string{removed})
	var fresh []kb.Entry
	for _, e := range k.Entries {
		switch e.ID {
		case edited.ID:
			fresh = append(fresh, edited)
		case removed:
		default:
			fresh = append(fresh, e)
		}
	}
	fresh = append(fresh, added)
	want := kb.NewIndex(&kb.KB{Sources: k.Sources, Entries: fresh}, kb.Options{})

	if updated.Len() != want.Len() {
		t.Fatalf("%d entries, want %d", updated.Len(), want.Len())
	}
	if _, ok := updated.Entry(removed); ok {
		t.Fatal("the removed entry is still served")
	}
	questions := []string{"zaporozhian envoy", "normandy quartet", "what is the guard act", "gaurd act", "how large is the russian deployment"}
	for _, l := range loadLabelled(t, "eval.tsv") {
		questions = append(questions, l.Question)
	}
	for _, q := range questions {
		got, _ := updated.Ask(q)
		exp, _ := want.Ask(q)
		if describe(got) != describe(exp) || math.Abs(got.Confidence-exp.Confidence) > 1e-6 {
			t.Errorf("%q: updated %s, fresh %s", q, describe(got), describe(exp))
		}
		if fmt.Sprint(updated.Complete(q, 10)) != fmt.Sprint(want.Complete(q, 10)) {
			t.Errorf("%q: completions differ", q)
		}
	}
	// The base index is untouched.
	if e, ok := base.Entry(removed); !ok || e.ID != removed {
		t.Fatal("With changed the index it came from")
	}
	if r, _ := base.Ask("zaporozhian envoy"); r.Answered {
		t.Fatal("the base index learnt the edit")
	}
}

func describe(r kb.Result) string {
	id := ""
	if r.Entry != nil {
		id = r.Entry.ID
	}
	var s []string
	for _, x := range r.Suggestions {
		s = append(s, x.ID)
	}
	return fmt.Sprintf("%v %s %v", r.Answered, id, s)
}
