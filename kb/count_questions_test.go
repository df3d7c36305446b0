package kb_test

import (
	"fmt"
	"strings"
	"testing"

	"crisisbot/kb"
)

func TestCountQuestions(t *testing.T) {
	rows, declined, partial := kb.CountQuestions([]kb.Question{
		{Scope: "g1", Question: "Who is Peskov?", EntryID: "who-is-peskov"},
		{Scope: "g1", Question: "What about X?"},
		{Scope: "g1", Question: "peskov", EntryID: "who-is-peskov"}, // the same entry: one row, counted twice
		{Scope: "g2", Question: "peskov", EntryID: "who-is-peskov"}, // another scope: another row
		{Scope: "g1", Question: "WHAT ABOUT X?"},                    // the same text once normalised
		{Scope: "g1", Question: "did the summit agree", EntryID: "", RelatedID: "osce-summit"},
		{Scope: "g1", Question: "Did the summit agree", RelatedID: "osce-summit"}, // partial: kept as declined
	}, strings.ToLower)
	got := fmt.Sprint(rows)
	want := "[{g1  who-is-peskov 2} {g1 what about x?  2} {g2  who-is-peskov 1} {g1 did the summit agree  2}]"
	if got != want {
		t.Errorf("rows %s, want %s", got, want)
	}
	if declined["g1"] != 4 || declined["g2"] != 0 || partial["g1"] != 2 || len(partial) != 1 {
		t.Errorf("declined %v, partial %v", declined, partial)
	}
	if rows, _, _ := kb.CountQuestions(nil, strings.ToLower); len(rows) != 0 {
		t.Errorf("no questions gave %v", rows)
	}
}
