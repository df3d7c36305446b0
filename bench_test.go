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
// queue, bounded by the bot's in-flight limit). It reports throughput, p50,
// p99 and the slowest latency of the answered (accepted) interactions, how
// many were shed past capacity (and how many of those got the busy reply),
// how long sending took, and the heap in use and resident memory after the
// run (after a GC).
func BenchmarkE2E_Ask(b *testing.B) {
	b.Run("paced-1000/s", func(b *testing.B) { benchAsk(b, 1000, 0) })
	b.Run("flood", func(b *testing.B) { benchAsk(b, 0, 0) })
	// The same flood with no bound on work in flight, as before MAX_IN_FLIGHT
	// (run it alone: its memory stays in the process).
	b.Run("flood-unbounded", func(b *testing.B) { benchAsk(b, 0, 1<<30) })
}

func benchAsk(b *testing.B, perSecond, maxInFlight int) {
	fake := fakediscord.New(b, "bench-token")
	fake.Forget = true
	var mu sync.Mutex
	sent := map[string]time.Time{}
	var lat, busyLat []time.Duration
	fake.OnRequest = func(r fakediscord.Request) {
		if !strings.HasSuffix(r.Path, "/callback") {
			return
		}
		now := time.Now()
		id := strings.Split(r.Path, "/")[4]
		busy := strings.Contains(string(r.Body), bot.BusyMessage)
		mu.Lock()
		defer mu.Unlock()
		if t0, ok := sent[id]; ok {
			if busy {
				busyLat = append(busyLat, now.Sub(t0))
			} else {
				lat = append(lat, now.Sub(t0))
			}
			delete(sent, id)
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
	bt, err := bot.New(bot.Options{Logger: log, Limiter: bot.NewLimiter(maxInFlight)}, rest, router)
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
	sentAll := time.Since(start)
	// Every interaction is answered, or shed and counted (its busy reply,
	// if it got one, arrives too); a reply that never comes (its REST call
	// timed out) is counted lost once nothing has moved for 15 s.
	progress := func() (int64, bool) {
		shed := bt.Limiter().Shed()
		mu.Lock()
		defer mu.Unlock()
		n := int64(len(lat)) + shed.Interactions + int64(len(busyLat))
		return n, int64(len(lat))+shed.Interactions == int64(b.N) && int64(len(busyLat)) == shed.BusyReplies
	}
	last, moved := int64(-1), time.Now()
	elapsed := time.Duration(0)
	for elapsed == 0 {
		n, done := progress()
		switch {
		case done:
			elapsed = time.Since(start)
		case n != last:
			last, moved = n, time.Now()
		case time.Since(moved) > 15*time.Second:
			elapsed = moved.Sub(start) // until the last reply that came
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	shed := bt.Limiter().Shed()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "interactions/s")
	b.ReportMetric(float64(len(lat)), "answered")
	b.ReportMetric(sentAll.Seconds(), "send-s")
	b.ReportMetric(float64(shed.Interactions), "shed")
	b.ReportMetric(float64(shed.BusyReplies), "busy-replies")
	b.ReportMetric(float64(int64(b.N)-int64(len(lat))-shed.Interactions), "lost")
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	}
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
