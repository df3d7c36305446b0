package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"crisisbot/internal/fakediscord"
	"crisisbot/internal/loadgen"
)

// BenchmarkE2E_HTTPAsk is the interactions endpoint's load test: the real
// program (run) as an HTTP-only replica (GATEWAY=off) on 127.0.0.1, and
// the load from a second process (internal/cmd/loadgen) sending b.N signed
// /ask interactions at a fixed rate, open loop. It reports the answers a
// second, p50/p99/max latency (from each request's scheduled time), and how
// many were shed (503) or failed. Signature verification runs on every
// request; BenchmarkInteractionServer_Verify in bot measures it alone.
func BenchmarkE2E_HTTPAsk(b *testing.B) {
	for _, rate := range []int{1000, 2000, 3000, 4000, 5000, 8000} {
		b.Run(fmt.Sprintf("%d/s", rate), func(b *testing.B) { benchHTTP(b, rate, false) })
	}
}

// BenchmarkE2E_HTTPPing is the same load test with PING interactions: the
// program verifies each signature, decodes the interaction and answers
// PONG, without routing or answering. It is the ceiling signature
// verification and HTTP set for /ask on this machine.
func BenchmarkE2E_HTTPPing(b *testing.B) {
	for _, rate := range []int{5000, 8000, 12000, 20000} {
		b.Run(fmt.Sprintf("%d/s", rate), func(b *testing.B) { benchHTTP(b, rate, true) })
	}
}

// generatorNice is the load generator's niceness (see benchHTTP).
const generatorNice = 10

func benchHTTP(b *testing.B, rate int, ping bool) {
	fake := fakediscord.New(b, "bench-token")
	fake.Forget = true
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	gen := filepath.Join(b.TempDir(), "loadgen")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if out, err := exec.Command(goBin, "build", "-o", gen, "./internal/cmd/loadgen").CombinedOutput(); err != nil {
		b.Fatalf("build the load generator: %v\n%s", err, out)
	}
	vars := map[string]string{"DISCORD_TOKEN": "bench-token", "DISCORD_API_BASE_URL": fake.URL, "KB_DB_PATH": filepath.Join(b.TempDir(), "kb.db"),
		"GATEWAY": "off", "INTERACTIONS_ADDR": "127.0.0.1:0", "DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "RATE_LIMIT_QUESTIONS": "1000"}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, func(k string) string { return vars[k] }, strings.NewReader(""), &bytes.Buffer{}, logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("shutdown: %v", err)
		}
	}()
	var url string
	for deadline := time.Now().Add(wait); url == ""; time.Sleep(5 * time.Millisecond) {
		if m := endpointAddr.FindStringSubmatch(logs.String()); m != nil && strings.Contains(logs.String(), "msg=\"serving;") {
			url = "http://" + m[1] + "/interactions"
		}
		if time.Now().After(deadline) {
			b.Fatalf("the endpoint is not serving:\n%s", logs.String())
		}
	}
	dur := time.Duration(b.N) * time.Second / time.Duration(rate)
	if dur > loadgen.MaxDuration {
		b.Fatalf("%d requests at %d/s take longer than the generator's bound", b.N, rate)
	}
	settle(b)
	cpu0 := cpuTime()
	b.ResetTimer()
	args := []string{"-url", url, "-key", hex.EncodeToString(priv.Seed()), "-rate", fmt.Sprint(rate),
		"-duration", dur.String(), "-questions", "kb/testdata/eval.tsv", fmt.Sprint("-ping=", ping)}
	// The generator stands in for Discord, which sends from its own
	// machines: it runs at a lower priority (nice 10), so that where the two
	// processes want the same core the program under test gets it, as it
	// would on a machine of its own. Nothing of the program's latency is
	// hidden by this: latency counts from each request's scheduled time, so
	// a generator kept waiting counts against the program.
	cmd := exec.Command(gen, args...)
	if nice, err := exec.LookPath("nice"); err == nil {
		cmd = exec.Command(nice, append([]string{"-n", fmt.Sprint(generatorNice), gen}, args...)...)
	} else {
		b.Logf("no nice(1) on PATH: the generator runs at the program's priority")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	b.StopTimer()
	cpu := cpuTime() - cpu0
	if err != nil {
		b.Fatalf("load generator: %v\n%s", err, stderr.String())
	}
	var res loadgen.Result
	if err := json.Unmarshal(out, &res); err != nil {
		b.Fatalf("load generator output %q: %v", out, err)
	}
	b.Logf("load generator: %s", bytes.TrimSpace(out))
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(res.PerSec, "answers/s")
	b.ReportMetric(ms(res.P50), "p50-ms")
	b.ReportMetric(ms(res.P99), "p99-ms")
	b.ReportMetric(ms(res.Max), "max-ms")
	b.ReportMetric(float64(res.Shed), "shed-503")
	b.ReportMetric(float64(res.Failed+res.Missed), "failed")
	b.ReportMetric(float64(res.Deferred), "deferred")
	b.ReportMetric(rssMiB(), "rss-MiB")
	if res.OK > 0 {
		// CPU the program spent per answer (everything it did: verifying,
		// routing, matching, encoding, the question log): the cost that
		// sets the rate one core can carry, whatever else runs on the machine.
		b.ReportMetric(float64(cpu.Microseconds())/float64(res.OK), "cpu-µs/answer")
	}
	// The cores each process kept busy while sending: on a 2-core machine,
	// together near 2 means the machine, not the program, is the limit.
	// (The generator's is its CPU while sending, without building and
	// signing the requests beforehand.)
	if res.Elapsed > 0 {
		b.ReportMetric(cpu.Seconds()/res.Elapsed.Seconds(), "program-cores")
		b.ReportMetric(res.CPU.Seconds()/res.Elapsed.Seconds(), "loadgen-cores")
	}
	b.ReportMetric(float64(res.Conns), "conns")
}

// settle waits until the program has finished starting (building its
// indexes, seeding its database, collecting the garbage of both), so that
// the load test measures it serving, not starting: until this process used
// less than a tenth of a core over 200 ms, for at most 20 s.
func settle(b *testing.B) {
	b.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		c0 := cpuTime()
		time.Sleep(200 * time.Millisecond)
		if cpuTime()-c0 < 20*time.Millisecond {
			return
		}
	}
	b.Logf("the program was still busy 20 s after it started serving")
}

// cpuTime is the CPU (user and system) this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
