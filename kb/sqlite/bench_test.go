package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"crisisbot/internal/synth"
	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

// seeded returns a database path holding a synthetic 10,000-entry global
// knowledge base, and that knowledge base.
func seeded(b *testing.B, n int) (string, *kb.KB) {
	b.Helper()
	k := synth.New(7, n/2+2000).KB(n)
	path := filepath.Join(b.TempDir(), "kb.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := kb.OpenLibrary(context.Background(), s, k, kb.Options{}, nil); err != nil {
		b.Fatal(err)
	}
	s.Close(context.Background())
	return path, k
}

// BenchmarkLibrary_Open opens the store and builds the index for 10,000 entries.
func BenchmarkLibrary_Open(b *testing.B) {
	path, k := seeded(b, 10_000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := kb.OpenLibrary(ctx, s, k, kb.Options{}, nil); err != nil {
			b.Fatal(err)
		}
		s.Close(ctx)
	}
}

// BenchmarkLibrary_Edit is one moderator edit in a server at 10,000 entries:
// validate, store durably, rebuild and swap the server's index, then answer
// from it.
func BenchmarkLibrary_Edit(b *testing.B) {
	path, _ := seeded(b, 10_000)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(ctx)
	k := synth.New(7, 10_000/2+2000).KB(10_000)
	l, err := kb.OpenLibrary(ctx, s, k, kb.Options{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	base, _ := l.Index("g1").Entry("e42")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := *base
		e.Answer = fmt.Sprintf("edited %d", i)
		if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: &e, Action: kb.ActionEdit, Author: "m", Base: i}}); err != nil {
			b.Fatal(err)
		}
		if got, _ := l.Index("g1").Entry("e42"); got.Answer != e.Answer {
			b.Fatal("the edit is not served")
		}
	}
}
