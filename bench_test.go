package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"crisisbot/bot"
	"crisisbot/commands"
	"crisisbot/internal/fakediscord"
	"crisisbot/kb"
)

// BenchmarkE2E_Ask pushes /ask interactions through the fake gateway and
// measures, per interaction, the time from dispatch to the callback reaching
// the fake: paced at 1,000 a second (latency at the target load), and as fast
// as they can be sent (the most the bot takes; latency then includes the
// queue). It reports throughput, p50 and p99 latency, and the heap in use and
// resident memory after the run (after a GC).
func BenchmarkE2E_Ask(b *testing.B) {
	b.Run("paced-1000/s", func(b *testing.B) { benchAsk(b, 1000) })
	b.Run("flood", func(b *testing.B) { benchAsk(b, 0) })
}

func benchAsk(b *testing.B, perSecond int) {
	fake := fakediscord.New(b, "bench-token")
	fake.Forget = true
	var mu sync.Mutex
	sent := map[string]time.Time{}
	var lat []time.Duration
	all := make(chan struct{})
	want := 0
	fake.OnRequest = func(r fakediscord.Request) {
		if !strings.HasSuffix(r.Path, "/callback") {
			return
		}
		now := time.Now()
		id := strings.Split(r.Path, "/")[4]
		mu.Lock()
		defer mu.Unlock()
		if t0, ok := sent[id]; ok {
			lat = append(lat, now.Sub(t0))
			delete(sent, id)
			if len(lat) == want {
				close(all)
			}
		}
	}
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	svc := commands.NewService(commands.Fixed{Live: kb.NewLive(kb.NewIndex(k, kb.Options{}))}, commands.Options{RateQuestions: 1 << 30, Logger: log})
	router := bot.NewRouter(log, nil)
	svc.Routes(router)
	rest, err := bot.NewREST(bot.RESTOptions{Token: "bench-token", APIBase: mustURL(b, fake.URL), Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	bt, err := bot.New(bot.Options{Logger: log}, rest, router)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bt.CheckToken(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := bt.Open(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer bt.Close(context.Background())
	fake.WaitConnected(b, 5*time.Second)

	questions := benchQuestions(b)
	want = b.N
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if perSecond > 0 {
			if d := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(perSecond))); d > 0 {
				time.Sleep(d)
			}
		}
		id := fmt.Sprint(2_000_000_000_000_000_000 + i)
		mu.Lock()
		sent[id] = time.Now()
		mu.Unlock()
		err := fake.Dispatch("INTERACTION_CREATE", map[string]any{
			"id": id, "application_id": fakediscord.AppID, "type": 2, "token": "tok-" + id, "version": 1,
			"guild_id": "300000000000000001", "channel_id": fmt.Sprint(310000000000000000 + i%64),
			"member": map[string]any{"user": map[string]any{"id": fmt.Sprint(500000000000000000 + i%1000), "username": "u"}, "permissions": "0"},
			"data": map[string]any{"id": "800", "name": "ask", "type": 1, "options": []any{
				map[string]any{"name": "question", "type": 3, "value": questions[i%len(questions)]},
			}},
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-all:
	case <-time.After(time.Duration(b.N/500+60) * time.Second):
		b.Fatalf("only %d of %d callbacks arrived", len(lat), b.N)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "interactions/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
	b.ReportMetric(rssMiB(), "rss-MiB")
}

func benchQuestions(tb testing.TB) []string {
	f, err := os.Open("kb/testdata/eval.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if _, q, ok := strings.Cut(sc.Text(), "\t"); ok && !strings.HasPrefix(sc.Text(), "#") {
			qs = append(qs, q)
		}
	}
	return qs
}

// rssMiB reads the process's resident set size from /proc (Linux).
func rssMiB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kbytes float64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kbytes)
			return kbytes / 1024
		}
	}
	return 0
}
