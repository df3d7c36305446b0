package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"crisisbot/internal/pgtest"
)

// TestE2E_PostgresProcesses runs two bot processes on one PostgreSQL
// database (DATABASE_URL): a moderator's save in one is answered by the
// other; with the server stopped both keep answering and a save is refused;
// once it is back, a save in the second reaches the first. The operator's
// command line takes the same URL as --db.
func TestE2E_PostgresProcesses(t *testing.T) {
	c := pgtest.Own(t)
	url := c.Database(t)
	unused := filepath.Join(t.TempDir(), "unused.db")
	env := map[string]string{"DATABASE_URL": url, "KB_DB_PATH": unused}
	one, two := startBot(t, newFake(t), env), startBot(t, newFake(t), env)
	if _, err := os.Stat(unused); err == nil {
		t.Fatal("with DATABASE_URL set, the SQLite file was created too")
	}
	// Both paced their IDENTIFY through the database (the second waited for
	// the first: the same bot to the gate, though each has its own fake).
	var released int
	if err := queryRow(t, url, `SELECT count(*) FROM identify_keys WHERE last_release IS NOT NULL`, &released); err != nil || released != 1 ||
		!strings.Contains(two.logs.String(), "shared_identify_gate=true") {
		t.Fatalf("identify gate not used: %d keys released (%v)", released, err)
	}
	answer := func(h *harness) string {
		raw, _ := json.Marshal(data(t, h.interact(t, "slash_ask", both(asMember(guildA, "500000000000000099", "0"), setQuestion("who is peskov")))))
		return string(raw)
	}
	save := func(h *harness, base, text string) string {
		body := h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), kbCommand("edit", strOpt("id", "who-is-peskov"))))
		_, fields := modalFields(t, data(t, body))
		fields["answer"] = text
		return content(data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), modalSubmit("/kbsave/"+guildA+"/who-is-peskov/"+base, fields)))))
	}

	if got := save(one, "0", "Dmitry Peskov is the Kremlin spokesman (saved in process one)."); !strings.Contains(got, "as version 1") {
		t.Fatalf("save in process one: %s", got)
	}
	if !eventually(func() bool { return strings.Contains(answer(two), "saved in process one") }) {
		t.Fatalf("process two never served process one's save: %s", answer(two))
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, h := range []*harness{one, two} {
		if got := answer(h); !strings.Contains(got, "saved in process one") {
			t.Fatalf("with the database stopped, a process does not answer from memory: %s", got)
		}
	}
	// Opening the form needs the database: the moderator is told why not.
	edit := data(t, one.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), kbCommand("edit", strOpt("id", "who-is-peskov")))))
	if got := content(edit); !strings.Contains(got, "Moderation is unavailable right now") {
		t.Fatalf("/kb edit with the database stopped: %v", edit)
	}

	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	// The pool reconnects on its own; the first save may still meet a
	// connection the restart broke.
	var got string
	if !eventually(func() bool {
		got = save(two, "1", "Dmitry Peskov is the Kremlin spokesman (saved in process two after the outage).")
		return strings.Contains(got, "as version 2")
	}) {
		t.Fatalf("save in process two after the outage: %s", got)
	}
	if !eventually(func() bool { return strings.Contains(answer(one), "after the outage") }) {
		t.Fatalf("process one never served the save made after the outage: %s", answer(one))
	}

	t.Run("CLI", func(t *testing.T) {
		out, _, err := runCLI(t, nil, "", "kb", "history", "who-is-peskov", "--scope", guildA, "--db", url)
		if err != nil || !strings.Contains(out, "after the outage") {
			t.Fatalf("kb history --db %s: %v\n%s", url, err, out)
		}
	})
}

// queryRow runs one query on the database at url.
func queryRow(t *testing.T, url, sql string, dest ...any) error {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return conn.QueryRow(context.Background(), sql).Scan(dest...)
}
