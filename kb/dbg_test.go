package kb

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDbg(t *testing.T) {
	q := os.Getenv("Q")
	if q == "" {
		t.Skip()
	}
	k, _ := Default()
	ix := NewIndex(k, Options{})
	for _, x := range strings.Split(q, "|") {
		fmt.Printf("%q analyze=%v\n", x, analyze(x))
		qt := ix.queryTerms(x)
		for _, t := range qt {
			name := "?"
			for s, id := range ix.terms {
				if id == t.id {
					name = s
				}
			}
			fmt.Printf("  term %s w=%.2f conf=%.2f\n", name, t.weight, t.conf)
		}
		for _, r := range ix.rank(qt, 4) {
			fmt.Printf("  %.3f %s\n", r.score, k.Entries[r.entry].ID)
		}
	}
}
