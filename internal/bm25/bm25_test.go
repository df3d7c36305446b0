package bm25

import "testing"

func TestIndex_Search(t *testing.T) {
	ix := New([]string{
		"Russian troops gathered near the Ukrainian border",
		"The GUARD Act would strengthen Kyiv's defense",
		"Peskov said Russia poses no threat to anybody",
	})
	t.Run("OK", func(t *testing.T) {
		hits := ix.Search("How many troops near the border?")
		if len(hits) == 0 || hits[0].Doc != 0 {
			t.Fatalf("hits = %v, want document 0 first", hits)
		}
	})
	t.Run("RareTermWins", func(t *testing.T) {
		hits := ix.Search("guard russia")
		if len(hits) != 2 || hits[0].Doc != 1 {
			t.Fatalf("hits = %v, want document 1 (rarer term) first of two", hits)
		}
	})
	t.Run("NoMatch", func(t *testing.T) {
		if hits := ix.Search("the of and"); len(hits) != 0 {
			t.Fatalf("stop words matched: %v", hits)
		}
	})
}
