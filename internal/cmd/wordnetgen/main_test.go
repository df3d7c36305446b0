package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestGenerated checks that the committed table is what the generator makes
// from this machine's WordNet: the table is reproducible, and nobody edited
// it by hand. Without WordNet (Debian's wordnet-base) it skips, unless
// CRISISBOT_REQUIRE_WORDNET is set (as .ci/run does).
func TestGenerated(t *testing.T) {
	const dir = "/usr/share/wordnet"
	if _, err := os.Stat(filepath.Join(dir, "index.noun")); err != nil {
		if os.Getenv("CRISISBOT_REQUIRE_WORDNET") != "" {
			t.Fatalf("WordNet is required (CRISISBOT_REQUIRE_WORDNET) but %s has no index.noun: apt-get install wordnet-base", dir)
		}
		t.Skip("WordNet is not installed (apt-get install wordnet-base to run this test)")
	}
	for _, c := range []struct {
		name string
		gen  func(dir, out string) error
	}{{"wordnet-nonnouns.txt", run}, {"wordnet-verbforms.txt", runVerbs}} {
		out := filepath.Join(t.TempDir(), c.name)
		if err := c.gen(dir, out); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile("../../../kb/data/" + c.name)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("kb/data/%s differs from a fresh generation (%d vs %d bytes): run go generate ./kb", c.name, len(want), len(got))
		}
	}
}
