package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"crisisbot/internal/fakediscord"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var opsAddrLog = regexp.MustCompile(`msg="metrics and health probes listening" addr=(127\.0\.0\.1:\d+)`)

// opsURL is the base URL of the bot's metrics and probes, as it logged it
// (METRICS_ADDR=127.0.0.1:0 lets the system pick the port).
func (h *harness) opsURL(t *testing.T) string {
	t.Helper()
	var m []string
	if !eventually(func() bool { m = opsAddrLog.FindStringSubmatch(h.logs.String()); return m != nil }) {
		t.Fatal("the bot did not log the metrics address")
	}
	return "http://" + m[1]
}

// get returns the status and body of a GET on the bot's ops server.
func get(t testing.TB, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// scrape reads /metrics into metric families.
func scrape(t testing.TB, base string) map[string]*dto.MetricFamily {
	t.Helper()
	status, body := get(t, base+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("/metrics: %d %s", status, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// value is the value of the series of a family with exactly these labels
// among its own (counter, gauge, or a histogram's count); -1 when absent.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f, ok := fams[name]
	if !ok {
		return -1
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

func TestE2E_Metrics(t *testing.T) {
	t.Parallel()
	h := startBot(t, newFake(t), map[string]string{"METRICS_ADDR": "127.0.0.1:0"})
	base := h.opsURL(t)
	if status, body := get(t, base+"/livez"); status != 200 || body != "ok" {
		t.Fatalf("/livez: %d %q", status, body)
	}
	if !eventually(func() bool { s, _ := get(t, base+"/readyz"); return s == 200 }) {
		_, body := get(t, base+"/readyz?verbose")
		t.Fatalf("never ready:\n%s", body)
	}
	h.interact(t, "slash_ask", nil)
	h.interact(t, "slash_ask", setQuestion("What sanctions has the EU imposed on Russia?"))
	h.interact(t, "slash_ask", setQuestion("Did the OSCE summit end in agreement?")) // a partial answer
	h.interact(t, "autocomplete_ask", nil)
	h.interact(t, "context_menu", nil)
	h.message(t, "message_dm", nil)
	h.fake.RateLimit("/callback", 0.05) // one 429 on a callback, then the retry goes through
	h.interact(t, "slash_ask", setQuestion("kb:guard-act"))
	want := []struct {
		name   string
		labels []string
		value  float64
	}{
		{"crisisbot_questions_total", []string{"surface", "slash", "outcome", "answered"}, 2},
		{"crisisbot_questions_total", []string{"surface", "dm", "outcome", "answered"}, 1},
		{"crisisbot_questions_total", []string{"surface", "slash", "outcome", "declined"}, 1},
		{"crisisbot_questions_total", []string{"surface", "autocomplete", "outcome", "answered"}, 1},
		{"crisisbot_questions_total", []string{"surface", "context_menu", "outcome", "answered"}, 1},
		{"crisisbot_questions_total", []string{"surface", "mention", "outcome", "answered"}, 0},
		{"crisisbot_questions_total", []string{"surface", "slash", "outcome", "partial"}, 1},
		{"crisisbot_questions_total", []string{"surface", "http", "outcome", "partial"}, 0},
		{"crisisbot_answer_duration_seconds", nil, 5}, // the picked suggestion skips the matcher
		{"crisisbot_response_duration_seconds", []string{"surface", "slash"}, 4},
		{"crisisbot_response_duration_seconds", []string{"surface", "dm"}, 1},
		{"crisisbot_response_duration_seconds", []string{"surface", "context_menu"}, 1},
		{"crisisbot_autocomplete_duration_seconds", nil, 1},
		{"crisisbot_requests_total", []string{"surface", "slash", "result", "ok"}, 4},
		{"crisisbot_requests_total", []string{"surface", "slash", "result", "error"}, 0},
		{"crisisbot_discord_requests_total", []string{"route", "interaction_callback", "status", "429"}, 1},
		{"crisisbot_discord_requests_total", []string{"route", "channel_messages", "status", "200"}, 1},
		{"crisisbot_discord_rate_limited_total", []string{"route", "interaction_callback"}, 1},
		{"crisisbot_discord_retries_total", []string{"route", "interaction_callback"}, 1},
		{"crisisbot_gateway_up", []string{"shard", "0"}, 1},
		{"crisisbot_gateway_events_total", []string{"shard", "0", "event", "ready"}, 1},
		{"crisisbot_kb_entries", []string{"scope_kind", "servers"}, 0},
		{"crisisbot_votes_total", []string{"kind", "up"}, 0},
		{"crisisbot_kb_edits_refused_total", []string{"reason", "conflict"}, 0},
	}
	// Callbacks answer 204, or 200 with the message for public answers
	// (with_response): five succeeded, one after a 429.
	callbacks := func(fams map[string]*dto.MetricFamily) float64 {
		return max(value(fams, "crisisbot_discord_requests_total", "route", "interaction_callback", "status", "200"), 0) +
			max(value(fams, "crisisbot_discord_requests_total", "route", "interaction_callback", "status", "204"), 0)
	}
	var fams map[string]*dto.MetricFamily
	ok := eventually(func() bool {
		fams = scrape(t, base)
		for _, w := range want {
			if value(fams, w.name, w.labels...) != w.value {
				return false
			}
		}
		return callbacks(fams) == 6
	})
	if got := callbacks(fams); got != 6 {
		t.Errorf("%v successful callbacks, want 6", got)
	}
	if !ok {
		for _, w := range want {
			if got := value(fams, w.name, w.labels...); got != w.value {
				t.Errorf("%s%v = %v, want %v", w.name, w.labels, got, w.value)
			}
		}
	}
	for _, name := range []string{"crisisbot_build_info", "crisisbot_gateway_heartbeat_latency_seconds", "crisisbot_store_operation_duration_seconds",
		"crisisbot_store_errors_total", "crisisbot_kb_edits_total", "crisisbot_discord_retries_total", "go_goroutines", "process_resident_memory_bytes"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if g := value(fams, "crisisbot_kb_entries", "scope_kind", "global"); g < 30 {
		t.Errorf("global entries %v", g)
	}
	if b := fams["crisisbot_build_info"].GetMetric()[0]; len(b.GetLabel()) != 2 {
		t.Errorf("build info labels %v", b.GetLabel())
	}
	// One debug line per handled interaction, naming surface, outcome and
	// entry; the question's text is not in it.
	logs := h.logs.String()
	if !regexp.MustCompile(`msg=handled request=[0-9a-f]{8} surface=slash command=ask outcome=answered latency=\S+ entry=russian-troop-numbers`).MatchString(logs) {
		t.Errorf("no log line for the answered /ask:\n%s", logs)
	}
	if strings.Contains(logs, "sanctions") {
		t.Error("a question's text reached the logs")
	}
}

func TestE2E_Readiness(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, map[string]string{"METRICS_ADDR": "127.0.0.1:0"})
	base := h.opsURL(t)
	if !eventually(func() bool { s, _ := get(t, base+"/readyz"); return s == 200 }) {
		t.Fatal("never ready")
	}
	if _, body := get(t, base+"/readyz?verbose"); !strings.Contains(body, "[+]kb ok\n[+]store ok\n[+]gateway ok\nreadyz check passed") {
		t.Errorf("verbose:\n%s", body)
	}
	fake.HoldGateway()
	var body string
	if !eventually(func() bool { var s int; s, body = get(t, base+"/readyz"); return s == 503 }) {
		t.Fatal("still ready with the gateway down")
	}
	if !strings.Contains(body, "[-]gateway failed") || strings.Contains(body, "[+]") {
		t.Errorf("503 body:\n%s", body)
	}
	if _, v := get(t, base+"/readyz?verbose"); !strings.Contains(v, "[+]kb ok") || !strings.Contains(v, "[-]gateway failed") {
		t.Errorf("verbose while down:\n%s", v)
	}
	if s, _ := get(t, base+"/livez"); s != 200 {
		t.Errorf("/livez %d while the gateway is down: liveness must not depend on it", s)
	}
	fake.ReleaseGateway()
	if !eventually(func() bool { s, _ := get(t, base+"/readyz"); return s == 200 }) {
		t.Fatal("not ready again after the gateway came back")
	}
	if fake.Resumes() < 1 {
		t.Errorf("came back without resuming")
	}
	if embedTitle(t, data(t, h.interact(t, "slash_ask", nil))) == "" {
		t.Fatal("no answer after the outage")
	}
}

// TestE2E_StatsChart: /kb stats attaches the last 30 days as a PNG, shown in
// the private reply's embed, with the same figures in text.
func TestE2E_StatsChart(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	reader := asMember(guildA, "500000000000000099", "0")
	h.interact(t, "slash_ask", both(reader, setQuestion("who is peskov")))
	h.interact(t, "slash_ask", both(reader, setQuestion("What is Nord Stream 2?")))
	h.interact(t, "slash_ask", both(reader, setQuestion("Did the OSCE summit end in agreement?"))) // answered in part
	h.interact(t, "button_open", both(reader, func(m map[string]any) {
		m["data"] = map[string]any{"custom_id": "/fb/who-is-peskov/up", "component_type": 2}
	}))
	mod := asMember(guildA, modA, "32")
	var stats map[string]any
	var files map[string][]byte
	// The question counter is written off the reply path; poll for it.
	if !eventually(func() bool {
		stats, files = h.reply(t, "slash_ask", both(mod, kbCommand("stats")))
		raw, _ := json.Marshal(stats)
		return strings.Contains(string(raw), "3 questions: 1 answered, 1 partly answered, 1 declined; 👍 1, 👎 0.")
	}) {
		raw, _ := json.Marshal(stats)
		t.Fatalf("stats: %s", raw)
	}
	if f, _ := stats["flags"].(float64); int(f)&64 == 0 {
		t.Errorf("stats not private: %v", stats["flags"])
	}
	embed := stats["embeds"].([]any)[0].(map[string]any)
	if img, _ := embed["image"].(map[string]any); img["url"] != "attachment://kb-stats.png" {
		t.Errorf("embed image %v", embed["image"])
	}
	png := files["kb-stats.png"]
	m, err := pngDecode(png)
	if err != nil {
		t.Fatalf("attachment (%d bytes): %v", len(png), err)
	}
	if b := m.Bounds(); b.Dx() != 800 || b.Dy() != 400 {
		t.Errorf("chart is %dx%d", b.Dx(), b.Dy())
	}
}

func pngDecode(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }

// reply dispatches an interaction and returns the message it got and its
// attached files, whether the answer came at once or, deferred, as the
// edit of the original response.
func (h *harness) reply(t *testing.T, name string, edit func(m map[string]any)) (map[string]any, map[string][]byte) {
	t.Helper()
	m, id := h.fixture(t, name, edit)
	from := len(h.fake.Requests())
	if err := h.fake.Dispatch("INTERACTION_CREATE", m); err != nil {
		t.Fatal(err)
	}
	r, _ := h.fake.Wait(t, from, wait, fakediscord.Path("POST", "/interactions/"+id+"/"))
	body := r.JSON()
	if body["type"] != float64(5) {
		return data(t, body), r.Files
	}
	token := m["token"].(string)
	deferred, _ := body["data"].(map[string]any)
	r, _ = h.fake.Wait(t, from, wait, fakediscord.Path("PATCH", "/webhooks/"+fakediscord.AppID+"/"+token+"/messages/@original"))
	out := r.JSON()
	if _, ok := out["flags"]; !ok && deferred != nil {
		out["flags"] = deferred["flags"] // an edit keeps the deferral's privacy
	}
	return out, r.Files
}
