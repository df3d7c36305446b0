package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun_KBSource: an operator adds a source from the command line; an
// import quoting it is checked verbatim against it, a cited source is not
// removed, and mistakes in the command are usage errors.
func TestRun_KBSource(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kb.db")
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	page := write("reuters.html", `<h1>Talks end</h1><script>var x = "Moscow will attack";</script><p>Sergei Ryabkov said Moscow had <b>no plans</b> to attack Ukraine.</p>`)
	meta := []string{"--title", "Talks end without a breakthrough", "--outlet", "Reuters", "--url", "https://www.reuters.com/world/talks", "--published", "2022-01-10"}
	out, _, err := runCLI(t, nil, "", append([]string{"kb", "source", "add", page, "--db", db, "--scope", guildA}, meta...)...)
	if err != nil || !strings.Contains(out, "added source talks-end-without-a-breakthrough to "+guildA) {
		t.Fatalf("add: %v %s", err, out)
	}
	list, _, err := runCLI(t, nil, "", "kb", "source", "list", "--db", db, "--scope", guildA)
	if err != nil || !strings.Contains(list, "talks-end-without-a-breakthrough\t2022-01-10\t0\tReuters\t") || !strings.Contains(list, "hngn-2022-01-10") {
		t.Fatalf("list: %v\n%s", err, list)
	}
	if global, _, _ := runCLI(t, nil, "", "kb", "source", "list", "--db", db); strings.Contains(global, "talks-end") {
		t.Fatalf("the server's source is listed globally:\n%s", global)
	}

	entry := func(quote string) string {
		return write("entry.json", `{"entries": [{"id": "ryabkov-no-plans", "topic": "Added", "question": "What did Ryabkov say after the talks?",
			"answer": "Ryabkov said Moscow had no plans to attack Ukraine.", "as_of": "2022-01-10", "attributed_to": "Reuters",
			"citations": [{"source_id": "talks-end-without-a-breakthrough", "quote": "`+quote+`"}]}]}`)
	}
	if out, _, err := runCLI(t, nil, "", "kb", "import", entry("Moscow will attack"), "--db", db, "--scope", guildA); err == nil {
		t.Fatalf("a quote from the page's script was accepted:\n%s", out)
	}
	if out, _, err := runCLI(t, nil, "", "kb", "import", entry("Moscow had no plans to attack Ukraine"), "--db", db, "--scope", guildA); err != nil || !strings.Contains(out, "imported 1") {
		t.Fatalf("import of a verbatim quote: %v\n%s", err, out)
	}
	_, _, err = runCLI(t, nil, "", "kb", "source", "remove", "talks-end-without-a-breakthrough", "--db", db, "--scope", guildA)
	if err == nil || !strings.Contains(err.Error(), "ryabkov-no-plans") {
		t.Fatalf("removing a cited source: %v", err)
	}
	hist, _, err := runCLI(t, nil, "", "kb", "source", "history", "talks-end-without-a-breakthrough", "--db", db, "--scope", guildA)
	if err != nil || strings.Count(hist, "\n") != 1 || strings.Contains(hist, "no plans") {
		t.Fatalf("history (one version, without the text): %v\n%s", err, hist)
	}

	for name, args := range map[string][]string{
		"NoDB":     append([]string{"kb", "source", "add", page}, meta...),
		"NoFile":   {"kb", "source", "add", "--db", db},
		"Unknown":  {"kb", "source", "rename", "x", "--db", db},
		"BadFlag":  {"kb", "source", "list", "--db", db, "--colour"},
		"Nothing":  {"kb", "source"},
		"TwoFiles": append([]string{"kb", "source", "add", page, page, "--db", db}, meta...),
	} {
		_, _, err := runCLI(t, nil, "", args...)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("%s: %v, want a usage error", name, err)
		}
	}
	pdf := write("report.pdf", "%PDF-1.4")
	if _, _, err := runCLI(t, nil, "", append([]string{"kb", "source", "add", pdf, "--db", db}, meta...)...); err == nil || !strings.Contains(err.Error(), "plain text") {
		t.Fatalf("a PDF: %v", err)
	}
}
