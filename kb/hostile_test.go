package kb

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// hostileImport is a file of about size bytes whose every entry is well
// formed but cites a quote its source does not hold.
func hostileImport(tb testing.TB, size int) []byte {
	tb.Helper()
	var entries []Entry
	n := 0
	for i := 0; n < size; i++ {
		e := Entry{ID: fmt.Sprintf("e%d", i), Topic: "T", Question: fmt.Sprintf("Question number %d?", i), Answer: "An answer.",
			Citations: []Citation{{SourceID: "hngn-2022-01-10", Quote: fmt.Sprintf("Russian troops %d said nothing about Ukraine and NATO talks in Geneva.", i)}},
			AsOf:      "2022-01-10"}
		entries = append(entries, e)
		n += 260
	}
	data, err := json.Marshal(KB{Entries: entries})
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// TestParse_HostileImportBounded checks that a 1 MiB file of bad quotes
// costs a bounded number of closest-passage searches and problems, not one
// per quote.
func TestParse_HostileImportBounded(t *testing.T) {
	sources, err := EmbeddedSources()
	if err != nil {
		t.Fatal(err)
	}
	data := hostileImport(t, 1<<20)
	v := validator{file: "hostile.json"}
	_, err = v.parse(data, sources)
	verr, ok := err.(*ValidationError)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	if v.closest > maxClosest {
		t.Fatalf("%d closest-passage searches, want at most %d", v.closest, maxClosest)
	}
	if got := len(verr.Problems); got != maxProblems+1 || verr.Problems[got-1].Msg != moreProblems {
		t.Fatalf("%d problems, the last %+v; want %d and %q", got, verr.Problems[got-1], maxProblems+1, moreProblems)
	}
	shown := 0
	for _, p := range verr.Problems[:maxProblems] {
		if !strings.Contains(p.Msg, "not found verbatim") {
			t.Fatalf("unexpected problem %+v", p)
		}
		if strings.Contains(p.Msg, "closest passage") {
			shown++
		}
	}
	if shown != maxClosest {
		t.Fatalf("%d problems show a closest passage, want %d", shown, maxClosest)
	}
}

// BenchmarkParse_HostileImport validates a 1 MiB file of bad quotes.
func BenchmarkParse_HostileImport(b *testing.B) {
	sources, err := EmbeddedSources()
	if err != nil {
		b.Fatal(err)
	}
	data := hostileImport(b, 1<<20)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse("hostile.json", data, sources); err == nil {
			b.Fatal("accepted")
		}
	}
}
