package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2E_SeesOtherProcessesEdits: an operator's `crisisbot kb import` on the
// database the running bot uses reaches the bot's answers without a restart.
func TestE2E_SeesOtherProcessesEdits(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	db := filepath.Join(t.TempDir(), "kb.db")
	h := startBot(t, fake, map[string]string{"KB_DB_PATH": db})
	askIn := func(guild, q string) string {
		raw, _ := json.Marshal(data(t, h.interact(t, "slash_ask", both(asMember(guild, "500000000000000001", "0"), setQuestion(q)))))
		return string(raw)
	}
	if strings.Contains(askIn(guildA, "who is peskov"), "edited from the command line") {
		t.Fatal("edited before the edit")
	}
	file := filepath.Join(t.TempDir(), "one.json")
	one, _ := json.Marshal(map[string]any{"entries": []any{map[string]any{
		"id": "who-is-peskov", "topic": "People", "question": "Who is Dmitry Peskov?", "answer": "Dmitry Peskov is the Kremlin spokesman (edited from the command line).",
		"citations": []any{map[string]any{"source_id": "hngn-2022-01-10", "quote": "according to Kremlin spokesman Dmitry Peskov"}},
		"as_of":     "2022-01-10", "attributed_to": "HNGN",
	}}})
	if err := os.WriteFile(file, one, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"kb", "import", file, "--db", db, "--scope", guildA}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("kb import: %v\n%s%s", err, out.String(), errOut.String())
	}
	if !eventually(func() bool { return strings.Contains(askIn(guildA, "who is peskov"), "edited from the command line") }) {
		t.Fatal("the bot never served the command line's edit")
	}
	if strings.Contains(askIn(guildB, "who is peskov"), "edited from the command line") {
		t.Fatal("another server sees the edit")
	}
}
