package main

import (
	"bufio"
	"debug/buildinfo"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestContainer_StaticBinary builds the binary as the Dockerfile does and
// checks it is static: no ELF interpreter, no shared libraries, cgo off.
func TestContainer_StaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if runtime.GOOS != "linux" {
		t.Skip("checks an ELF binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "crisisbot")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary names an ELF interpreter: it is dynamically linked")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v", libs)
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range info.Settings {
		if s.Key == "CGO_ENABLED" && s.Value != "0" {
			t.Errorf("CGO_ENABLED=%s", s.Value)
		}
	}
}

// TestContainer_Dockerfile checks the Dockerfile's shape: multi-stage, a
// static build, a non-root user, the /data volume for SQLite.
func TestContainer_Dockerfile(t *testing.T) {
	f, err := os.Open("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var from, users []string
	var all strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(l, "#") {
			continue
		}
		all.WriteString(l + "\n")
		switch fields := strings.Fields(l); {
		case len(fields) > 1 && fields[0] == "FROM":
			from = append(from, fields[1])
		case len(fields) > 1 && fields[0] == "USER":
			users = append(users, fields[1])
		}
	}
	text := all.String()
	if len(from) < 2 || !strings.Contains(text, "COPY --from=build") {
		t.Errorf("not a multi-stage build: FROM %v", from)
	}
	if len(users) == 0 || slices.ContainsFunc(users, func(u string) bool { return u == "root" || strings.HasPrefix(u, "0") }) {
		t.Errorf("runs as %v; want a non-root user", users)
	}
	for _, want := range []string{"CGO_ENABLED=0 go build", "VOLUME /data", "KB_DB_PATH=/data/crisisbot.db", "METRICS_ADDR=:9464", "EXPOSE 9464"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Dockerfile lacks %q", want)
		}
	}
	if goVersion := strings.TrimPrefix(from[0], "golang:"); !strings.HasPrefix(goVersion, "1.26") {
		t.Errorf("builder %s; go.mod needs Go 1.26", from[0])
	}
}

// TestContainer_Compose parses compose.yaml and the Prometheus configuration
// it mounts, and checks the services and the files they name.
func TestContainer_Compose(t *testing.T) {
	var compose struct {
		Services map[string]struct {
			Build       any               `yaml:"build"`
			Image       string            `yaml:"image"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
			Ports       []string          `yaml:"ports"`
			Profiles    []string          `yaml:"profiles"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	decodeYAML(t, "compose.yaml", &compose)
	bot, ok := compose.Services["bot"]
	if !ok || bot.Build == nil {
		t.Fatalf("no bot service built from the Dockerfile: %v", compose.Services)
	}
	if bot.Environment["KB_DB_PATH"] != "/data/crisisbot.db" || !slices.Contains(bot.Volumes, "crisisbot-data:/data") || bot.Environment["METRICS_ADDR"] != ":9464" {
		t.Errorf("bot: %+v", bot)
	}
	if !strings.HasPrefix(bot.Environment["DATABASE_URL"], "postgres://") {
		t.Errorf("bot DATABASE_URL %q", bot.Environment["DATABASE_URL"])
	}
	for _, p := range bot.Ports {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("port %s is published beyond loopback", p)
		}
	}
	if pg, ok := compose.Services["postgres"]; !ok || !strings.HasPrefix(pg.Image, "postgres:") {
		t.Errorf("no postgres service: %+v", pg)
	}
	for _, name := range []string{"crisisbot-data", "postgres-data"} {
		if _, ok := compose.Volumes[name]; !ok {
			t.Errorf("volume %s not declared", name)
		}
	}
	for name, s := range compose.Services {
		for _, v := range s.Volumes {
			if src, _, _ := strings.Cut(v, ":"); strings.HasPrefix(src, "./") {
				if _, err := os.Stat(src); err != nil {
					t.Errorf("service %s mounts %s: %v", name, src, err)
				}
			}
		}
	}
	var prom struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	decodeYAML(t, "ops/prometheus.yml", &prom)
	if !slices.Contains(prom.RuleFiles, "/etc/prometheus/alerts.yaml") || len(prom.ScrapeConfigs) != 1 ||
		prom.ScrapeConfigs[0].JobName != "crisisbot" || prom.ScrapeConfigs[0].StaticConfigs[0].Targets[0] != "bot:9464" {
		t.Errorf("prometheus.yml: %+v", prom)
	}
	for _, f := range []string{"ops/grafana/provisioning/datasources/prometheus.yaml", "ops/grafana/provisioning/dashboards/crisisbot.yaml"} {
		var v map[string]any
		decodeYAML(t, f, &v)
	}
}

func decodeYAML(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
