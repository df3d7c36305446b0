package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"crisisbot/kb"
)

// runCLI runs the program in a temporary directory (so no .env is read) with
// the given environment.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	t.Chdir(t.TempDir())
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestRun_AskJSON(t *testing.T) {
	t.Run("Answered", func(t *testing.T) {
		out, _, err := runCLI(t, nil, "", "ask", "--json", "How many Russian troops are near the Ukrainian border?")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Fatalf("not exactly one JSON line: %q", out)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"question", "answered", "confidence", "entry", "suggestions"} {
			if _, ok := v[k]; !ok {
				t.Errorf("missing %q in %s", k, out)
			}
		}
		e := v["entry"].(map[string]any)
		for _, k := range []string{"id", "topic", "question", "answer", "as_of", "attributed_to", "citations"} {
			if _, ok := e[k]; !ok {
				t.Errorf("entry lacks %q", k)
			}
		}
		c := e["citations"].([]any)[0].(map[string]any)
		var keys []string
		for k := range c {
			keys = append(keys, k)
		}
		want := []string{"outlet", "published", "quote", "source_id", "title", "url"}
		if !sameSet(keys, want) {
			t.Errorf("citation keys %v, want %v", keys, want)
		}
		if v["answered"] != true || e["id"] != "russian-troop-numbers" {
			t.Errorf("wrong answer: %s", out)
		}
	})
	t.Run("Declined", func(t *testing.T) {
		out, _, err := runCLI(t, nil, "", "ask", "--json", "What sanctions has the EU imposed on Russia?")
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		if _, ok := v["entry"]; ok || v["answered"] != false {
			t.Fatalf("declined answer has an entry: %s", out)
		}
		if _, ok := v["suggestions"].([]any); !ok {
			t.Fatalf("suggestions is not an array: %s", out)
		}
	})
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestRun_AskText(t *testing.T) {
	out, _, err := runCLI(t, nil, "", "ask", "who", "is", "peskov")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Dmitry Peskov is the Kremlin spokesman", "Sources", "[1]", "10 January 2022", "https://www.hngn.com/"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRun_UsageErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"NoQuestion", []string{"ask"}, "no question"},
		{"BlankQuestion", []string{"ask", "  \u200b "}, "no question"},
		{"TooLong", []string{"ask", strings.Repeat("x", 1001)}, "longer than 1000"},
		{"BadFlag", []string{"ask", "--yaml", "q"}, "usage"},
		{"UnknownCommand", []string{"frobnicate"}, "unknown command"},
		{"NoToken", nil, "DISCORD_TOKEN is not set"},
		{"KBUsage", []string{"kb"}, "usage"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := runCLI(t, nil, "", c.args...)
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a usage error mentioning %q", err, c.want)
			}
		})
	}
}

func TestRun_Chat(t *testing.T) {
	in := "who is peskov\n\n" + strings.Repeat("y", 1200) + "\nwhat sanctions did the eu impose\nquit\nwho is sherman\n"
	out, _, err := runCLI(t, nil, in, "chat")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Dmitry Peskov is the Kremlin spokesman") {
		t.Errorf("first question not answered:\n%s", out)
	}
	if !strings.Contains(out, "longer than 1000 characters") {
		t.Errorf("long line not refused:\n%s", out)
	}
	if !strings.Contains(out, "I don't have a sourced answer") {
		t.Errorf("out-of-scope question not declined:\n%s", out)
	}
	if strings.Contains(out, "Wendy Sherman is") {
		t.Errorf("kept going after quit:\n%s", out)
	}
}

func TestRun_KBExportCheck(t *testing.T) {
	out, _, err := runCLI(t, nil, "", "kb", "export")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Sources []map[string]any `json:"sources"`
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Sources) != 1 || len(doc.Entries) < 25 || doc.Sources[0]["text"] == "" {
		t.Fatalf("export has %d sources, %d entries", len(doc.Sources), len(doc.Entries))
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "kb.json")
	os.WriteFile(good, []byte(out), 0o644)
	check, _, err := runCLI(t, nil, "", "kb", "check", good)
	if err != nil || !strings.Contains(check, "ok:") {
		t.Fatalf("export does not pass check: %v\n%s", err, check)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(strings.Replace(out, "Nearly 100,000 Russian troops", "Nearly 200,000 Russian troops", 1)), 0o644)
	check, _, err = runCLI(t, nil, "", "kb", "check", bad)
	if err == nil || !strings.Contains(check, "russian-troop-numbers: citations[0].quote: not found verbatim") {
		t.Fatalf("tampered file passed: %v\n%s", err, check)
	}
	_, _, err = runCLI(t, nil, "", "kb", "check", filepath.Join(dir, "missing.json"))
	if err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Fatalf("missing file: %v", err)
	}
}

// configKeys runs LoadConfig and returns every key it asks getenv for, in
// the order first asked: the keys Config reads, taken from its behaviour
// rather than from a list kept by hand.
func configKeys(tb testing.TB) []string {
	tb.Helper()
	var keys []string
	seen := map[string]bool{}
	LoadConfig(func(k string) string {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
		return ""
	})
	if len(keys) == 0 {
		tb.Fatal("LoadConfig read no keys")
	}
	return keys
}

func TestLoadConfig(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c, err := LoadConfig(func(k string) string {
			return map[string]string{"DISCORD_TOKEN": "Bot abc.def", "ASK_CHANNEL_IDS": "123456789012345678, 223456789012345678"}[k]
		})
		if err != nil || c.Token != "abc.def" || len(c.AskChannelIDs) != 2 || c.RateQuestions != 5 || c.APIBaseURL.String() != "https://discord.com" || c.ShutdownTimeout != 10*time.Second {
			t.Fatalf("%+v %v", c, err)
		}
	})
	t.Run("EveryProblemNamed", func(t *testing.T) {
		secret := "s3cr3t-token with space"
		bad := map[string]string{
			"DISCORD_TOKEN": secret, "DISCORD_GUILD_ID": "abc", "DISCORD_API_BASE_URL": "ftp://x", "DISCORD_CDN_BASE_URL": "http://cdn.example",
			"LOG_LEVEL": "loud", "LOG_FORMAT": "xml", "ASK_CHANNEL_IDS": "1,x", "RATE_LIMIT_QUESTIONS": "0",
			"RATE_LIMIT_WINDOW": "soon", "REPEAT_WINDOW": "-1s", "SHUTDOWN_TIMEOUT": "forever",
			"OWNER_USER_IDS": "me", "KB_DB_PATH": ".", "DATABASE_URL": "mysql://bot:hunter2@db/kb", "KB_MAX_SERVER_ENTRIES": "lots", "QUESTION_RETENTION": "1m",
			"SHARD_COUNT": "many", "SHARD_IDS": "3-1", "GATEWAY": "maybe", "INTERACTIONS_ADDR": "nowhere",
			"DISCORD_PUBLIC_KEY": "not-hex", "MAX_IN_FLIGHT": "0",
			"METRICS_ADDR":          "9464",
			"CORRECTIONS_RETENTION": "1y", "CORRECTIONS_DELAY": "0s",
			"ASK_CHANNELS_FROM_DISCORD": "yes",
		}
		_, err := LoadConfig(func(k string) string { return bad[k] })
		if err == nil {
			t.Fatal("accepted")
		}
		for _, k := range configKeys(t) {
			if _, ok := bad[k]; !ok {
				t.Errorf("%s has no malformed value in this test", k)
			}
			if !strings.Contains(err.Error(), k+":") {
				t.Errorf("%s not named in:\n%v", k, err)
			}
		}
		if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the token leaked into the error: %v", err)
		}
	})
}

// TestEnvExample keeps .env.example and the keys LoadConfig reads the same,
// each key with a comment above it.
func TestEnvExample(t *testing.T) {
	f, err := os.Open(".env.example")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var keys []string
	sc := bufio.NewScanner(f)
	prevComment := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			if !prevComment {
				t.Errorf("%s has no comment above it", k)
			}
			keys = append(keys, k)
		}
		prevComment = strings.HasPrefix(line, "#")
	}
	read := configKeys(t)
	slices.Sort(keys)
	slices.Sort(read)
	if !reflect.DeepEqual(keys, read) {
		t.Fatalf(".env.example has %v\nLoadConfig reads %v", keys, read)
	}
}

func TestRun_KBOperator(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kb.db")
	exported, _, err := runCLI(t, nil, "", "kb", "export", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	curated, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(exported), &doc); err != nil || len(doc["entries"].([]any)) != len(curated.Entries) {
		t.Fatalf("export: %v", err)
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	good := write("good.json", strings.Replace(exported, "Dmitry Peskov is the Kremlin spokesman.", "Dmitry Peskov is the Kremlin spokesman (imported).", 1))
	if out, _, err := runCLI(t, nil, "", "kb", "import", "--db", db, good); err != nil || !strings.Contains(out, fmt.Sprintf("imported 1 changed entries into global (%d unchanged)", len(curated.Entries)-1)) {
		t.Fatalf("import: %v %s", err, out)
	}
	hist, _, err := runCLI(t, nil, "", "kb", "history", "--db", db, "who-is-peskov")
	if err != nil || strings.Count(hist, "\n") != 2 || !strings.Contains(hist, "(imported)") {
		t.Fatalf("history: %v\n%s", err, hist)
	}
	for name, body := range map[string]string{
		"syntax":    exported[:len(exported)/2],
		"quote":     strings.Replace(exported, "Nearly 100,000 Russian troops have gathered", "Nearly 300,000 Russian troops have gathered", 1),
		"control":   strings.Replace(exported, "Dmitry Peskov is the Kremlin spokesman.", "Dmitry Peskov\\u0007 is the Kremlin spokesman.", 1),
		"huge":      strings.Replace(exported, "Dmitry Peskov is the Kremlin spokesman.", strings.Repeat("x", 5000), 1),
		"duplicate": strings.Replace(exported, `"id": "who-is-sherman"`, `"id": "who-is-peskov"`, 1),
	} {
		out, _, err := runCLI(t, nil, "", "kb", "import", "--db", db, write(name+".json", body))
		if err == nil {
			t.Fatalf("%s import accepted:\n%s", name, out)
		}
	}
	after, _, _ := runCLI(t, nil, "", "kb", "history", "--db", db, "who-is-peskov")
	if after != hist {
		t.Fatal("a refused import changed the knowledge base")
	}
	if out, _, err := runCLI(t, nil, "", "kb", "revert", "--db", db, "who-is-peskov", "1"); err != nil || !strings.Contains(out, "as version 3") {
		t.Fatalf("revert: %v %s", err, out)
	}
	back, _, _ := runCLI(t, nil, "", "kb", "export", "--db", db)
	if strings.Contains(back, "(imported)") {
		t.Fatal("revert did not restore version 1")
	}
}

// TestRun_DotEnvSyntaxError: a malformed .env is reported by file and line,
// never with its text (it holds the token), and exits 2 so a supervisor stops
// restarting (and re-printing) it.
func TestRun_DotEnvSyntaxError(t *testing.T) {
	const secret = "MTA5OTk5OTk5OTk5OTk5OTk5.GhJkLm.s3cr3tT0kenV4lue"
	for _, c := range []struct {
		name, env string
		line      string
	}{
		{"UnterminatedQuote", "# bot\nLOG_LEVEL=info\nDISCORD_TOKEN=\"" + secret + "\nKB_DB_PATH=x.db\n", "line 3"},
		{"BadName", "LOG_LEVEL=info\n{DISCORD_TOKEN}=" + secret + "\nKB_DB_PATH=x.db\n", "line 2"},
		{"TokenPastedAlone", "LOG_LEVEL=info\n" + secret + "\n", "line 2"},
		{"AfterMultilineValue", "A=\"one\ntwo\"\nLOG_LEVEL=info\n" + secret + "\n", "line 4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if err := os.WriteFile(".env", []byte(c.env), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			err := run(context.Background(), nil, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
			if err == nil {
				t.Fatal("a malformed .env was accepted")
			}
			all := err.Error() + out.String() + errOut.String()
			if strings.Contains(all, "s3cr3t") || strings.Contains(all, "GhJkLm") {
				t.Fatalf("the secret leaked: %v", err)
			}
			if !strings.Contains(err.Error(), ".env") || !strings.Contains(err.Error(), c.line) {
				t.Errorf("err = %v, want the file and %s", err, c.line)
			}
			if code := exitCode(err); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
		})
	}
}

// TestExitCode_ReadOnlyDatabase: a database that cannot be written is a
// configuration problem a restart cannot fix: exit 2, so systemd's
// RestartPreventExitStatus stops the loop (the store's own tests check that a
// read-only file is reported as kb.ErrReadOnly).
func TestExitCode_ReadOnlyDatabase(t *testing.T) {
	if code := exitCode(fmt.Errorf("KB_DB_PATH: open /var/lib/crisisbot/crisisbot.db: %w", kb.ErrReadOnly)); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if code := exitCode(errors.New("disk I/O error")); code != 1 {
		t.Fatalf("exit %d for a transient error, want 1", code)
	}
}
