package kb_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"crisisbot/kb"
)

func defaultIndex(tb testing.TB) *kb.Index {
	tb.Helper()
	return kb.NewIndex(defaultKB(tb), kb.Options{})
}

func TestIndex_Ask(t *testing.T) {
	ix := defaultIndex(t)
	t.Run("OK", func(t *testing.T) {
		res, err := ix.Ask("How many Russian troops are near the Ukrainian border?")
		if err != nil || !res.Answered || res.Entry.ID != "russian-troop-numbers" {
			t.Fatalf("res = %+v, err = %v", res, err)
		}
		if res.Confidence < 0.4 || res.Confidence > 1 || len(res.Suggestions) != 0 {
			t.Fatalf("confidence %v, suggestions %v", res.Confidence, res.Suggestions)
		}
	})
	t.Run("Declined", func(t *testing.T) {
		res, err := ix.Ask("What sanctions has the EU imposed on Russia?")
		if err != nil || res.Answered || res.Entry != nil {
			t.Fatalf("res = %+v, err = %v", res, err)
		}
		if len(res.Suggestions) > 3 {
			t.Fatalf("%d suggestions", len(res.Suggestions))
		}
	})
	t.Run("DeclinedWithSuggestions", func(t *testing.T) {
		// A known name with an unknown topic: too little to answer, enough
		// to offer the entry about the person.
		res, err := ix.Ask("peskov sanctions")
		if err != nil || res.Answered || res.Entry != nil {
			t.Fatalf("res = %+v, err = %v", res, err)
		}
		if len(res.Suggestions) == 0 || len(res.Suggestions) > 3 || res.Suggestions[0].ID != "who-is-peskov" {
			t.Fatalf("suggestions %+v, want who-is-peskov first", res.Suggestions)
		}
		for i, s := range res.Suggestions {
			e, ok := ix.Entry(s.ID)
			if !ok || e.Question != s.Question || (i > 0 && s.Score > res.Suggestions[i-1].Score) {
				t.Fatalf("suggestion %d: %+v", i, s)
			}
		}
	})
	t.Run("HostileText", func(t *testing.T) {
		res, err := ix.Ask("**how** many ru\u200bssian tr\u200doops _near_ ||ukraine||?")
		if err != nil || !res.Answered || res.Entry.ID != "russian-troop-numbers" {
			t.Fatalf("res = %+v, err = %v", res, err)
		}
		if strings.ContainsRune(res.Question, '\u200b') {
			t.Fatalf("zero-width character kept: %q", res.Question)
		}
	})
	t.Run("ErrEmptyQuestion", func(t *testing.T) {
		for _, q := range []string{"", "   ", "\u200b\u200d\ufeff", "\x00\x01"} {
			if _, err := ix.Ask(q); !errors.Is(err, kb.ErrEmptyQuestion) {
				t.Errorf("Ask(%q) err = %v", q, err)
			}
		}
	})
	t.Run("ErrQuestionTooLong", func(t *testing.T) {
		if _, err := ix.Ask(strings.Repeat("é", kb.MaxQuestionRunes)); err != nil {
			t.Fatalf("a question of exactly the limit was refused: %v", err)
		}
		if _, err := ix.Ask(strings.Repeat("é", kb.MaxQuestionRunes+1)); !errors.Is(err, kb.ErrQuestionTooLong) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("StopWordsOnly", func(t *testing.T) {
		res, err := ix.Ask("what is it?")
		if err != nil || res.Answered {
			t.Fatalf("answered a question with no content: %+v", res)
		}
	})
}

func TestIndex_Complete(t *testing.T) {
	ix := defaultIndex(t)
	t.Run("Empty", func(t *testing.T) {
		got := ix.Complete("", 25)
		if len(got) != 25 || got[0].ID != defaultKB(t).Entries[0].ID {
			t.Fatalf("got %d, first %+v", len(got), got)
		}
	})
	for _, c := range []struct{ query, want string }{
		{"pesk", "who-is-peskov"},
		{"gaurd", "guard-act"},
		{"strat stab", "strategic-stability-dialogue"},
		{"how many russian tr", "russian-troop-numbers"},
		{"minsk", "minsk-normandy"},
	} {
		t.Run(c.query, func(t *testing.T) {
			got := ix.Complete(c.query, 25)
			if len(got) == 0 || got[0].ID != c.want {
				t.Fatalf("Complete(%q) = %+v, want %s first", c.query, got, c.want)
			}
			for _, s := range got {
				if n := utf8.RuneCountInString(s.Question); n == 0 || n > 100 {
					t.Fatalf("choice name of %d characters", n)
				}
			}
		})
	}
	t.Run("Limit", func(t *testing.T) {
		if got := ix.Complete("russia", 3); len(got) > 3 {
			t.Fatalf("%d choices", len(got))
		}
	})
	t.Run("Garbage", func(t *testing.T) {
		first := ix.Complete("", 25)
		for _, c := range []struct {
			query string
			want  int // choices: 25 when the query cleans to nothing, else none
		}{
			{"\xff\xfe", 25},
			{"\u200b\x00", 25},
			{strings.Repeat("zz ", 2000), 0},
			{"🙂🙂", 0},
			{"*", 0},
		} {
			got := ix.Complete(c.query, 25)
			if len(got) != c.want {
				t.Fatalf("Complete(%.20q) gave %d choices, want %d: %+v", c.query, len(got), c.want, got)
			}
			for i, s := range got {
				if s.ID != first[i].ID {
					t.Fatalf("Complete(%.20q)[%d] = %s, want the first entries (%s)", c.query, i, s.ID, first[i].ID)
				}
			}
		}
	})
}

// TestIndex_EntryIsACopy checks that what Entry and Ask hand out cannot
// change the index.
func TestIndex_EntryIsACopy(t *testing.T) {
	ix := defaultIndex(t)
	vandalise := func(e *kb.Entry) {
		e.Answer = "vandalised"
		e.Aliases[0] = "vandalised"
		e.Citations[0].Quote = "vandalised"
		e.Related = append(e.Related[:0], "vandalised")
	}
	e, _ := ix.Entry("russian-troop-numbers")
	vandalise(e)
	res, _ := ix.Ask("How many Russian troops are near the Ukrainian border?")
	vandalise(res.Entry)
	for _, got := range []*kb.Entry{mustEntry(t, ix, "russian-troop-numbers"), askEntry(t, ix, "How many Russian troops are near the Ukrainian border?")} {
		if got.Answer == "vandalised" || got.Aliases[0] == "vandalised" || got.Citations[0].Quote == "vandalised" || slices.Contains(got.Related, "vandalised") {
			t.Fatalf("the index was changed through a returned entry: %+v", got)
		}
	}
	if e2 := ix.KB().Entries; slices.ContainsFunc(e2, func(e kb.Entry) bool { return e.Answer == "vandalised" }) {
		t.Fatal("the knowledge base was changed through a returned entry")
	}
}

func mustEntry(tb testing.TB, ix *kb.Index, id string) *kb.Entry {
	tb.Helper()
	e, ok := ix.Entry(id)
	if !ok {
		tb.Fatalf("no entry %s", id)
	}
	return e
}

func askEntry(tb testing.TB, ix *kb.Index, q string) *kb.Entry {
	tb.Helper()
	res, err := ix.Ask(q)
	if err != nil || !res.Answered {
		tb.Fatalf("%q: %+v %v", q, res, err)
	}
	return res.Entry
}

func FuzzIndex_Ask(f *testing.F) {
	ix := defaultIndex(f)
	for _, s := range []string{"peskov", "How many troops?", "@everyone", "u.s. 100k", "don't", "a\u200bb", "''''", "1,2,3.4",
		"or", "or or", "2021 or", "what's", "what's in", "which or the", "since when", "will", "july what date",
		"where is sherman from", "which party", "do you think", "takes place", "acc to", "what is"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		res, err := ix.Ask(q)
		if err != nil {
			if !errors.Is(err, kb.ErrEmptyQuestion) && !errors.Is(err, kb.ErrQuestionTooLong) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if res.Answered != (res.Entry != nil) || res.Confidence < 0 || res.Confidence > 1.0001 {
			t.Fatalf("inconsistent result %+v", res)
		}
		ix.Complete(q, 25)
	})
}
