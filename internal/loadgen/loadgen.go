// Package loadgen sends signed /ask interactions to an interactions endpoint
// at a fixed rate and measures the answers: the HTTP load test behind the
// README's figures. Test support only: it sends only to loopback addresses,
// and the number of requests and the duration are bounded.
//
// It is measurement apparatus sharing the machine with what it measures, so
// it spends as little CPU per request as it can: every request is built and
// signed, as raw HTTP/1.1 bytes, before the clock starts; each worker owns one
// keep-alive TCP connection and reads only what it needs of a response (the
// status line, Content-Length or chunking, and the answer's "type").
package loadgen

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Bounds on one run.
const (
	MaxRate     = 50_000
	MaxDuration = 2 * time.Minute
)

// Options configure a run.
type Options struct {
	URL       string             // the endpoint, http://127.0.0.1:PORT/interactions
	Key       ed25519.PrivateKey // signs every request, as Discord does
	AppID     string             // application_id in the interactions
	Rate      int                // requests a second
	Duration  time.Duration      // how long to send
	Questions []string           // asked in turn
	Workers   int                // concurrent requests (and connections) at most; default 512
	// Ping sends PING interactions instead of /ask: the endpoint then only
	// verifies, decodes and answers PONG, the floor under every answer.
	Ping bool
}

// Result is what a run measured. Latency is from each request's scheduled
// time (so a stalled generator does not hide a slow server) to the end of
// its answer.
type Result struct {
	Sent     int           `json:"sent"`
	OK       int           `json:"ok"`       // 200 with an answer
	Shed     int           `json:"shed"`     // 503: refused past capacity
	Failed   int           `json:"failed"`   // anything else
	Missed   int           `json:"missed"`   // not sent: every worker was busy
	Elapsed  time.Duration `json:"elapsed"`  // from the first request to the last answer
	PerSec   float64       `json:"per_sec"`  // OK answers a second
	P50      time.Duration `json:"p50"`      // of OK answers
	P99      time.Duration `json:"p99"`      //
	Max      time.Duration `json:"max"`      //
	Pong     int           `json:"pong"`     // answers of type 1 (to a PING)
	Inline   int           `json:"inline"`   // answers of type 4 (answered in the response)
	Deferred int           `json:"deferred"` // answers of type 5
	Conns    int           `json:"conns"`    // TCP connections opened (Workers before the start)
	// CPU is what the generator itself spent (user and system) from the
	// first request to the last answer: its share of the machine while
	// measuring, without building and signing the requests beforehand.
	CPU time.Duration `json:"cpu"`
}

// Run sends o.Rate*o.Duration requests, pre-signed before the clock starts
// so the generator's own work stays small, and waits for every answer.
func Run(ctx context.Context, o Options) (Result, error) {
	u, err := url.Parse(o.URL)
	if err != nil {
		return Result{}, err
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return Result{}, fmt.Errorf("%q is not a loopback address: the load generator only sends to this machine", u.Host)
	}
	if u.Scheme != "http" || u.Port() == "" {
		return Result{}, fmt.Errorf("%q: the load generator speaks plain HTTP to an explicit port", o.URL)
	}
	if o.Rate < 1 || o.Rate > MaxRate || o.Duration <= 0 || o.Duration > MaxDuration || len(o.Questions) == 0 || len(o.Key) != ed25519.PrivateKeySize {
		return Result{}, errors.New("loadgen: rate 1-50000, duration up to 2m, some questions and a key are needed")
	}
	if o.Workers <= 0 {
		o.Workers = 512
	}
	n := int(int64(o.Rate) * int64(o.Duration) / int64(time.Second))
	reqs := build(o, u, n)

	ws := make([]*worker, o.Workers)
	for k := range ws {
		ws[k] = &worker{addr: u.Host, next: make(chan int, 1)}
	}
	// Every connection is opened before the clock starts, as a client
	// that has been sending for a while has them: dialling in the middle
	// of a burst would add the server's work of accepting them to it.
	for _, w := range ws {
		if err := w.dial(ctx); err != nil {
			return Result{}, fmt.Errorf("loadgen: connect: %w", err)
		}
		w.waited = true
	}
	cpu0 := cpuTime()
	start := time.Now()
	due := func(i int) time.Time { return start.Add(time.Duration(i) * time.Second / time.Duration(o.Rate)) }
	d := newDispatch(o.Workers)
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer w.close()
			for i, ok := d.wait(w); ok; i, ok = d.wait(w) {
				w.do(ctx, reqs[i], due(i))
			}
		}()
	}
	var res Result
	timer := time.NewTimer(0)
	<-timer.C
	for i := range reqs {
		if d := time.Until(due(i)); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		if d.send(i) {
			res.Sent++
		} else {
			res.Missed++
		}
	}
	d.close()
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.CPU = cpuTime() - cpu0
	var lat []time.Duration
	for _, w := range ws {
		lat = append(lat, w.lat...)
		res.OK += len(w.lat)
		res.Shed += w.shed
		res.Failed += w.failed
		res.Pong += w.kinds[1]
		res.Inline += w.kinds[4]
		res.Deferred += w.kinds[5]
		res.Conns += w.dials
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		res.P50, res.P99, res.Max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
		res.PerSec = float64(res.OK) / res.Elapsed.Seconds()
	}
	return res, ctx.Err()
}

// build returns n signed requests as the bytes sent on the wire.
func build(o Options, u *url.URL, n int) [][]byte {
	reqs := make([][]byte, n)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	for i := range reqs {
		id := strconv.Itoa(1_300_000_000_000_000_000 + i)
		body, _ := json.Marshal(map[string]any{
			"id": id, "application_id": o.AppID, "type": 2, "token": "tok-" + id, "version": 1,
			"guild_id": "300000000000000001", "channel_id": strconv.Itoa(310000000000000000 + i%64),
			"member": map[string]any{"user": map[string]any{"id": strconv.Itoa(500000000000000000 + i%1000), "username": "u"}, "permissions": "0"},
			"data": map[string]any{"id": "800", "name": "ask", "type": 1, "options": []any{
				map[string]any{"name": "question", "type": 3, "value": o.Questions[i%len(o.Questions)]},
			}},
		})
		if o.Ping {
			body, _ = json.Marshal(map[string]any{"id": id, "application_id": o.AppID, "type": 1, "token": "tok-" + id, "version": 1})
		}
		sig := hex.EncodeToString(ed25519.Sign(o.Key, append([]byte(ts), body...)))
		req := fmt.Appendf(nil, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-Signature-Timestamp: %s\r\nX-Signature-Ed25519: %s\r\nContent-Length: %d\r\n\r\n",
			path, u.Host, ts, sig, len(body))
		reqs[i] = append(req, body...)
	}
	return reqs
}

// cpuTime is the CPU (user and system) this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
