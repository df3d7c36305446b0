// Package loadgen sends signed /ask interactions to an interactions endpoint
// at a fixed rate and measures the answers: the HTTP load test behind the
// README's figures. Test support only: it sends only to loopback addresses,
// and the number of requests and the duration are bounded.
package loadgen

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
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
	Workers   int                // concurrent requests at most; default 512
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
	if o.Rate < 1 || o.Rate > MaxRate || o.Duration <= 0 || o.Duration > MaxDuration || len(o.Questions) == 0 || len(o.Key) != ed25519.PrivateKeySize {
		return Result{}, errors.New("loadgen: rate 1-50000, duration up to 2m, some questions and a key are needed")
	}
	if o.Workers <= 0 {
		o.Workers = 512
	}
	n := int(int64(o.Rate) * int64(o.Duration) / int64(time.Second))
	reqs := make([]signed, n)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
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
		reqs[i] = signed{body: body, sig: hex.EncodeToString(ed25519.Sign(o.Key, append([]byte(ts), body...)))}
	}
	tr := &http.Transport{MaxIdleConns: o.Workers, MaxIdleConnsPerHost: o.Workers, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	type outcome struct {
		status int
		kind   float64
		lat    time.Duration
	}
	work := make(chan int, o.Workers)
	outs := make(chan outcome, n)
	var wg sync.WaitGroup
	start := time.Now()
	for range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				due := start.Add(time.Duration(i) * time.Second / time.Duration(o.Rate))
				status, kind := send(ctx, client, o.URL, ts, reqs[i])
				outs <- outcome{status, kind, time.Since(due)}
			}
		}()
	}
	var res Result
	for i := range reqs {
		due := start.Add(time.Duration(i) * time.Second / time.Duration(o.Rate))
		if d := time.Until(due); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
		if ctx.Err() != nil {
			break
		}
		select {
		case work <- i:
			res.Sent++
		default:
			res.Missed++
		}
	}
	close(work)
	wg.Wait()
	res.Elapsed = time.Since(start)
	close(outs)
	var lat []time.Duration
	for out := range outs {
		switch {
		case out.status == http.StatusOK:
			res.OK++
			lat = append(lat, out.lat)
			switch out.kind {
			case 1:
				res.Pong++
			case 4:
				res.Inline++
			case 5:
				res.Deferred++
			}
		case out.status == http.StatusServiceUnavailable:
			res.Shed++
		default:
			res.Failed++
		}
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		res.P50, res.P99, res.Max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
		res.PerSec = float64(res.OK) / res.Elapsed.Seconds()
	}
	return res, ctx.Err()
}

type signed struct {
	body []byte
	sig  string
}

// send posts one request and returns the status and the answer's type.
func send(ctx context.Context, c *http.Client, endpoint, ts string, s signed) (int, float64) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(s.body))
	if err != nil {
		return 0, 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", s.sig)
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	var ans struct {
		Type float64 `json:"type"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	json.Unmarshal(raw, &ans)
	return resp.StatusCode, ans.Type
}
