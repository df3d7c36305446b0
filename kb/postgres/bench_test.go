package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"crisisbot/internal/synth"
	"crisisbot/kb"
	"crisisbot/kb/postgres"
)

// BenchmarkPropagation is one moderator edit made through one of three
// processes on one PostgreSQL database (each with its own pool, library and
// watcher), timed from the save until all three serve the new answer. It
// reports the p50 and p99 of that time, for edits in servers' layers and for
// edits of the global knowledge base (which every server's index is rebuilt
// on).
func BenchmarkPropagation(b *testing.B) {
	url := pg.Database(b)
	curated := defaultKB(b)
	procs := []*process{startProcess(b, url, curated), startProcess(b, url, curated), startProcess(b, url, curated)}
	for _, bc := range []struct {
		name   string
		scopes []string
	}{
		{"Server", []string{"g1", "g2", "g3"}},
		{"Global", []string{kb.GlobalScope}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			took := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				by, scope := procs[i%3], bc.scopes[i%len(bc.scopes)]
				answer := fmt.Sprintf("Dmitry Peskov is the Kremlin spokesman (%s edit %d of %d).", bc.name, i, b.N)
				start := time.Now()
				if err := by.edit(b, scope, "who-is-peskov", answer); err != nil {
					b.Fatal(err)
				}
				for _, p := range procs {
					p.awaitAnswer(b, scope, "who-is-peskov", answer)
				}
				took = append(took, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[(len(took)*99)/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkStartup opens a store and a library on a database holding 10,000
// entries in 100 server layers (100 each, on a 100-entry global knowledge
// base): the time until every index is served. Each layer quotes a source of
// its own (about 10 KB of text), as servers quoting their own articles do.
func BenchmarkStartup(b *testing.B) {
	ctx := context.Background()
	url := pg.Database(b)
	curated, layers := layered(100, 100, 100)
	seed := open(b, url)
	if _, err := kb.OpenLibrary(ctx, seed, curated, kb.Options{}, nil); err != nil {
		b.Fatal(err)
	}
	for l, entries := range layers {
		changes := make([]kb.Change, len(entries))
		for j := range entries {
			changes[j] = kb.Change{Scope: fmt.Sprint("server", l), EntryID: entries[j].ID, Entry: &entries[j], Action: kb.ActionAdd, Author: "m", Base: 0}
		}
		if _, err := seed.Apply(ctx, changes); err != nil {
			b.Fatal(err)
		}
	}
	last := layers[len(layers)-1]
	// Library: everything a process does before it answers.
	b.Run("Library", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuTime()
		defer func() { b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op") }()
		for i := 0; i < b.N; i++ {
			s, err := postgres.Open(ctx, url)
			if err != nil {
				b.Fatal(err)
			}
			l, err := kb.OpenLibrary(ctx, s, curated, kb.Options{}, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if _, ok := l.Index(fmt.Sprint("server", len(layers)-1)).Entry(last[len(last)-1].ID); !ok {
				b.Fatal("the last server's entry is not served")
			}
			s.Close(ctx)
			b.StartTimer()
		}
	})
	// Store: only the reads from PostgreSQL (connect, migrate check,
	// every scope's current versions); the rest is building indexes.
	b.Run("Store", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			s, err := postgres.Open(ctx, url)
			if err != nil {
				b.Fatal(err)
			}
			scopes, err := s.Scopes(ctx)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for _, sc := range scopes {
				vs, err := s.Current(ctx, sc)
				if err != nil {
					b.Fatal(err)
				}
				n += len(vs)
			}
			if n != 100+len(layers)*len(last) {
				b.Fatalf("%d versions read", n)
			}
			s.Close(ctx)
		}
	})
}

// layered returns a curated knowledge base of global entries and, per
// server layer, perLayer entries; the sources are split so that the global
// entries and each layer quote a source of their own.
func layered(global, layers, perLayer int) (*kb.KB, [][]kb.Entry) {
	k := synth.New(7, 12_000).KB(global + layers*perLayer)
	curated := &kb.KB{}
	out := make([][]kb.Entry, layers)
	for part := 0; part <= layers; part++ {
		lo, hi := 0, global
		if part > 0 {
			lo, hi = global+(part-1)*perLayer, global+part*perLayer
		}
		id := fmt.Sprint("source", part)
		var text strings.Builder
		entries := make([]kb.Entry, 0, hi-lo)
		for _, e := range k.Entries[lo:hi] {
			e.Related = nil
			e.Citations = []kb.Citation{{SourceID: id, Quote: e.Citations[0].Quote}}
			text.WriteString(e.Citations[0].Quote + ". ")
			entries = append(entries, e)
		}
		src := k.Sources[0]
		src.ID, src.Text = id, text.String()
		curated.Sources = append(curated.Sources, src)
		if part == 0 {
			curated.Entries = entries
		} else {
			out[part-1] = entries
		}
	}
	return curated, out
}

// cpuTime is the CPU time (user and system) this process has used: unlike
// wall time, it does not grow when other work shares the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkNotify is a store write seen by another process's watcher,
// without a library: from the start of Apply until the watcher's callback
// runs with the scope. It isolates what PostgreSQL and the watcher add to an
// edit's propagation.
func BenchmarkNotify(b *testing.B) {
	ctx := context.Background()
	url := pg.Database(b)
	writer, reader := open(b, url), open(b, url)
	seen := make(chan string, 16)
	w := postgres.NewWatcher(reader, 0, func(_ context.Context, scopes []string) error {
		for _, sc := range scopes {
			seen <- sc
		}
		return nil
	}, fastReconnect)
	w.Open()
	b.Cleanup(func() { w.Close(ctx) })
	waitFor(b, "the watcher to listen", w.Listening)
	e := &kb.Entry{ID: "a", Question: "Q?", Answer: "A", AsOf: "2022-01-10"}
	took := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		scope := fmt.Sprint("n", i)
		start := time.Now()
		if _, err := writer.Apply(ctx, []kb.Change{{Scope: scope, EntryID: "a", Entry: e, Action: kb.ActionAdd, Base: -1}}); err != nil {
			b.Fatal(err)
		}
		for sc := <-seen; sc != scope; sc = <-seen {
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[(len(took)*99)/100].Microseconds())/1000, "p99-ms")
}
