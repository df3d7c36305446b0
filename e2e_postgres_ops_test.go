package main

import (
	"encoding/json"
	"strings"
	"testing"

	"crisisbot/internal/pgtest"
)

// TestE2E_PostgresOperations runs the bot on PostgreSQL (DATABASE_URL) with
// METRICS_ADDR: /kb stats reads its per-day figures from the database, and
// /readyz checks the database, turning 503 while the server is stopped and
// 200 once it is back, never showing the URL's password.
func TestE2E_PostgresOperations(t *testing.T) {
	c := pgtest.Own(t)
	// Trust authentication ignores the password; it stands for a real one.
	url := strings.Replace(c.Database(t), pgtest.User+"@", pgtest.User+":hunter2@", 1)
	h := startBot(t, newFake(t), map[string]string{"DATABASE_URL": url, "METRICS_ADDR": "127.0.0.1:0"})
	base := h.opsURL(t)

	t.Run("Stats", func(t *testing.T) {
		reader := asMember(guildA, "500000000000000099", "0")
		h.interact(t, "slash_ask", both(reader, setQuestion("who is peskov")))
		h.interact(t, "slash_ask", both(reader, setQuestion("What is Nord Stream 2?")))
		h.interact(t, "button_open", both(reader, func(m map[string]any) {
			m["data"] = map[string]any{"custom_id": "/fb/who-is-peskov/up", "component_type": 2}
		}))
		var stats map[string]any
		var files map[string][]byte
		// The question counter is written off the reply path; poll for it.
		if !eventually(func() bool {
			stats, files = h.reply(t, "slash_ask", both(asMember(guildA, modA, "32"), kbCommand("stats")))
			raw, _ := json.Marshal(stats)
			return strings.Contains(string(raw), "2 questions: 1 answered, 0 partly answered, 1 declined; 👍 1, 👎 0.")
		}) {
			raw, _ := json.Marshal(stats)
			t.Fatalf("stats: %s", raw)
		}
		if _, err := pngDecode(files["kb-stats.png"]); err != nil {
			t.Fatalf("chart: %v", err)
		}
	})

	t.Run("Readiness", func(t *testing.T) {
		if !eventually(func() bool { s, _ := get(t, base+"/readyz"); return s == 200 }) {
			_, body := get(t, base+"/readyz?verbose")
			t.Fatalf("never ready:\n%s", body)
		}
		if _, body := get(t, base+"/readyz?verbose"); !strings.Contains(body, "[+]store ok") {
			t.Errorf("verbose:\n%s", body)
		}
		if err := c.Stop(); err != nil {
			t.Fatal(err)
		}
		var body string
		if !eventually(func() bool { var s int; s, body = get(t, base+"/readyz?verbose"); return s == 503 }) {
			t.Fatal("still ready with the database stopped")
		}
		if !strings.Contains(body, "[-]store failed") || !strings.Contains(body, "[+]gateway ok") || strings.Contains(body, "hunter2") {
			t.Errorf("503 body:\n%s", body)
		}
		if s, _ := get(t, base+"/livez"); s != 200 {
			t.Errorf("/livez %d while the database is down: liveness must not depend on it", s)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		if !eventually(func() bool { s, _ := get(t, base+"/readyz"); return s == 200 }) {
			t.Fatal("not ready again after the database came back")
		}
	})
	if strings.Contains(h.logs.String(), "hunter2") {
		t.Error("the database password reached the logs")
	}
}
