package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"go.yaml.in/yaml/v3"

	"crisisbot/kb/sqlite"
)

// metricName finds the metric names an expression uses (the label values and
// PromQL functions are lower case words without these prefixes).
var metricName = regexp.MustCompile(`\b(?:crisisbot|go|process)_[a-z0-9_]+\b`)

// exposed lists the series names a scrape shows, histograms with their
// _bucket, _sum and _count.
func exposed(fams map[string]*dto.MetricFamily) map[string]bool {
	names := map[string]bool{}
	for name, f := range fams {
		names[name] = true
		if f.GetType() == dto.MetricType_HISTOGRAM || f.GetType() == dto.MetricType_SUMMARY {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				names[name+s] = true
			}
		}
	}
	return names
}

// exprs collects every "expr" string in a decoded JSON document.
func exprs(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && k == "expr" {
				*out = append(*out, s)
				continue
			}
			exprs(val, out)
		}
	case []any:
		for _, val := range x {
			exprs(val, out)
		}
	}
}

type alertRules struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// TestOps_DashboardAndAlerts checks that the Grafana dashboard and the alert
// rules parse, cover what an operator needs, and name only metrics that a
// running bot exposes.
func TestOps_DashboardAndAlerts(t *testing.T) {
	t.Parallel()
	h := startBot(t, newFake(t), map[string]string{"METRICS_ADDR": "127.0.0.1:0"})
	base := h.opsURL(t)
	h.interact(t, "slash_ask", nil)
	have := exposed(scrape(t, base))

	raw, err := os.ReadFile("ops/grafana-crisisbot.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title  string `json:"title"`
		UID    string `json:"uid"`
		Panels []struct {
			Title string `json:"title"`
			Type  string `json:"type"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	var doc any
	json.Unmarshal(raw, &doc)
	var dashExprs []string
	exprs(doc, &dashExprs)
	var titles []string
	for _, p := range dash.Panels {
		titles = append(titles, p.Title)
	}
	for _, want := range []string{"Answer rate", "Response latency (receipt to callback)", "Declined questions per hour", "Gateway state per shard", "429s from Discord"} {
		if !slices.Contains(titles, want) {
			t.Errorf("the dashboard has no panel %q (has %v)", want, titles)
		}
	}
	if dash.UID == "" || len(dashExprs) < 10 {
		t.Errorf("dashboard uid %q, %d queries", dash.UID, len(dashExprs))
	}

	raw, err = os.ReadFile("ops/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rules alertRules
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&rules); err != nil {
		t.Fatalf("alerts.yaml: %v", err)
	}
	var alertExprs, alerts []string
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			alerts = append(alerts, r.Alert)
			alertExprs = append(alertExprs, r.Expr)
			if r.Expr == "" || r.Annotations["summary"] == "" || r.Labels["severity"] == "" {
				t.Errorf("alert %q lacks an expression, a summary or a severity", r.Alert)
			}
			if _, err := time.ParseDuration(r.For); err != nil {
				t.Errorf("alert %q: for %q: %v", r.Alert, r.For, err)
			}
		}
	}
	for _, want := range []string{"CrisisBotNotReady", "CrisisBotAnswerRateFalling", "CrisisBot429Storm", "CrisisBotStoreErrors"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("no alert %s (have %v)", want, alerts)
		}
	}

	for file, list := range map[string][]string{"ops/grafana-crisisbot.json": dashExprs, "ops/alerts.yaml": alertExprs} {
		n := 0
		for _, e := range list {
			for _, name := range metricName.FindAllString(e, -1) {
				n++
				if !have[name] {
					t.Errorf("%s names %s, which /metrics does not show (in %q)", file, name, e)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s names no metric", file)
		}
	}
}

// TestKBStats_CLI: `crisisbot kb stats --db … --scope … --png FILE` prints the
// last 30 days' figures and writes their chart.
func TestKBStats_CLI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "kb.db")
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	const guild = "300000000000000001"
	s.RecordQuestion(ctx, guild, "who is peskov", "who-is-peskov")
	s.RecordQuestion(ctx, guild, "what is nord stream", "")
	s.Vote(ctx, guild, "who-is-peskov", "u1", false)
	s.Close(ctx)
	png := filepath.Join(dir, "stats.png")
	var out bytes.Buffer
	// Flags anywhere, as for the other kb subcommands.
	if err := run(ctx, []string{"kb", "stats", "--png", png, "--db", db, "--scope", guild}, func(string) string { return "" }, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Last 30 days in "+guild+": 2 questions, 1 answered, 0 partly answered, 1 declined; 👍 0, 👎 1") {
		t.Fatalf("printed:\n%s", out.String())
	}
	raw, err := os.ReadFile(png)
	if err != nil {
		t.Fatal(err)
	}
	m, err := pngDecode(raw)
	if err != nil || m.Bounds().Dx() != 800 || m.Bounds().Dy() != 400 {
		t.Fatalf("chart: %v %v", err, m)
	}
	if err := run(ctx, []string{"kb", "stats", "extra", "--db", db}, func(string) string { return "" }, strings.NewReader(""), io.Discard, io.Discard); exitCode(err) != 2 {
		t.Fatalf("a stray argument: %v", err)
	}
}
