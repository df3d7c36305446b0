package kb_test

import (
	"errors"
	"strings"
	"sync"
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
		res, _ := ix.Ask("peskov said")
		if len(res.Suggestions) == 0 && !res.Answered {
			t.Fatalf("no suggestions for a known name: %+v", res)
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
		for _, q := range []string{"\xff\xfe", strings.Repeat("zz ", 2000), "🙂🙂", "*"} {
			_ = ix.Complete(q, 25)
		}
	})
}

func TestLive_Concurrent(t *testing.T) {
	k := defaultKB(t)
	live := kb.NewLive(kb.NewIndex(k, kb.Options{}))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := live.Load().Ask("who is peskov")
				if err != nil || !res.Answered || res.Entry.ID != "who-is-peskov" {
					t.Errorf("res = %+v, err = %v", res, err)
					return
				}
				live.Load().Complete("pes", 5)
			}
		}()
	}
	for i := 0; i < 20; i++ {
		live.Store(kb.NewIndex(k, kb.Options{}))
	}
	close(stop)
	wg.Wait()
}

func FuzzIndex_Ask(f *testing.F) {
	ix := defaultIndex(f)
	for _, s := range []string{"peskov", "How many troops?", "@everyone", "u.s. 100k", "don't", "a\u200bb", "''''", "1,2,3.4"} {
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
