package kb_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/sahilm/fuzzy"

	"crisisbot/internal/synth"
	"crisisbot/kb"
)

// BenchmarkIndex_Ask answers the labelled questions on the shipped knowledge base.
func BenchmarkIndex_Ask(b *testing.B) {
	ix := defaultIndex(b)
	set := loadLabelled(b, "eval.tsv")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ix.Ask(set[i%len(set)].Question); err != nil {
			b.Fatal(err)
		}
	}
}

var sizes = []int{1_000, 10_000, 100_000}

type fixture struct {
	kb        *kb.KB
	ix        *kb.Index
	questions []string
	texts     []string // every question, for the fuzzy baseline
}

// fixtures caches generated knowledge bases: the testing package calls a
// benchmark function several times while it calibrates b.N.
var fixtures = struct {
	sync.Mutex
	m map[int]*fixture
}{m: map[int]*fixture{}}

func synthetic(b *testing.B, n int) *fixture {
	b.Helper()
	fixtures.Lock()
	defer fixtures.Unlock()
	if f, ok := fixtures.m[n]; ok {
		return f
	}
	g := synth.New(42, n/2+2000)
	k := g.KB(n)
	f := &fixture{kb: k, ix: kb.NewIndex(k, kb.Options{}), questions: g.Questions(k, 512)}
	for _, e := range k.Entries {
		f.texts = append(f.texts, e.Question)
	}
	fixtures.m[n] = f
	return f
}

// BenchmarkIndex_AskSynthetic answers typo-laden questions on generated
// knowledge bases; compare with BenchmarkFuzzyScan, the plain scan.
func BenchmarkIndex_AskSynthetic(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			f := synthetic(b, n)
			ix, qs := f.ix, f.questions
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := ix.Ask(qs[i%len(qs)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFuzzyScan is the baseline: fuzzy.Find over every question.
func BenchmarkFuzzyScan(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			f := synthetic(b, n)
			qs, questions := f.questions, f.texts
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				fuzzy.Find(qs[i%len(qs)], questions)
			}
		})
	}
}

// BenchmarkNewIndex builds the index for 10,000 entries.
func BenchmarkNewIndex(b *testing.B) {
	k := synthetic(b, 10_000).kb
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		kb.NewIndex(k, kb.Options{})
	}
}

// BenchmarkIndex_Complete autocompletes partial questions at 10,000 entries.
func BenchmarkIndex_Complete(b *testing.B) {
	f := synthetic(b, 10_000)
	ix, qs := f.ix, f.questions
	partial := make([]string, len(qs))
	for i, q := range qs {
		partial[i] = q[:len(q)*2/3]
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if got := ix.Complete(partial[i%len(partial)], 25); len(got) > 25 {
			b.Fatal(len(got))
		}
	}
}
