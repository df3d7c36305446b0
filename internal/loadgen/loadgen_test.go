package loadgen

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRun_Bounds(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	ok := Options{URL: "http://127.0.0.1:1/interactions", Key: key, Rate: 10, Duration: time.Second, Questions: []string{"q"}}
	for name, c := range map[string]struct {
		edit func(*Options)
		want string
	}{
		"NotLoopback": {func(o *Options) { o.URL = "http://example.com/interactions" }, "not a loopback address"},
		"TooFast":     {func(o *Options) { o.Rate = MaxRate + 1 }, "rate 1-50000"},
		"TooLong":     {func(o *Options) { o.Duration = MaxDuration + time.Second }, "duration up to 2m"},
		"NoKey":       {func(o *Options) { o.Key = nil }, "a key"},
	} {
		t.Run(name, func(t *testing.T) {
			o := ok
			c.edit(&o)
			if _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestRun_Ping(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig, _ := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		var i struct{ Type int }
		json.Unmarshal(body, &i)
		if !ed25519.Verify(pub, append([]byte(r.Header.Get("X-Signature-Timestamp")), body...), sig) || i.Type != 1 {
			http.Error(w, "not a signed PING", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"type":1}`))
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Options{URL: srv.URL, Key: key, Rate: 200, Duration: 100 * time.Millisecond, Questions: []string{"q"}, Ping: true})
	if err != nil || res.Sent != 20 || res.OK != 20 || res.Pong != 20 || res.Failed != 0 {
		t.Fatalf("%+v %v", res, err)
	}
}

// TestRun_Outcomes: every kind of response the endpoint gives is counted as
// what it is, over keep-alive connections that the server may also close.
func TestRun_Outcomes(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig, _ := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		var i struct {
			ID   string
			Type int
			Data struct{ Name string }
		}
		json.Unmarshal(body, &i)
		if !ed25519.Verify(pub, append([]byte(r.Header.Get("X-Signature-Timestamp")), body...), sig) || i.Type != 2 || i.Data.Name != "ask" {
			http.Error(w, "not a signed /ask", http.StatusUnauthorized)
			return
		}
		n, _ := strconv.Atoi(i.ID)
		switch n % 5 {
		case 0: // answered inline, with a Content-Length
			w.Write([]byte(`{"type":4,"data":{"content":"answer","components":[{"type":1}]}}`))
		case 1: // deferred, chunked
			w.Write([]byte(`{"type":5,`))
			w.(http.Flusher).Flush()
			w.Write([]byte(`"data":{"flags":64}}`))
		case 2: // shed
			http.Error(w, "busy", http.StatusServiceUnavailable)
		case 3: // answered, then the server closes the connection
			w.Header().Set("Connection", "close")
			w.Write([]byte(`{"type":4}`))
		case 4: // refused
			http.Error(w, "no", http.StatusConflict)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	res, err := Run(context.Background(), Options{URL: srv.URL + "/interactions", Key: key, Rate: 500, Duration: 200 * time.Millisecond, Questions: []string{"q1", "q2"}, Workers: 100})
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Sent: 100, OK: 60, Inline: 40, Deferred: 20, Shed: 20, Failed: 20}
	got := Result{Sent: res.Sent + res.Missed, OK: res.OK, Inline: res.Inline, Deferred: res.Deferred, Shed: res.Shed, Failed: res.Failed}
	if got != want || res.Missed != 0 {
		t.Fatalf("got %+v, want %+v (missed %d)", got, want, res.Missed)
	}
	// One connection per worker, opened before the start (as many workers
	// as requests, so that a slow machine cannot make one miss), and at
	// most one more after each close (20).
	if int64(res.Conns) != conns.Load() || res.Conns > 100+20 || res.Conns < 100 {
		t.Fatalf("%d connections opened, the server saw %d", res.Conns, conns.Load())
	}
	if res.P50 <= 0 || res.P99 < res.P50 || res.Max < res.P99 {
		t.Fatalf("latencies %v %v %v", res.P50, res.P99, res.Max)
	}
}

func TestReadResponse(t *testing.T) {
	for name, c := range map[string]struct {
		raw          string
		status, kind int
		keep         bool
		fails        bool
	}{
		"Length":       {raw: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"type\":4}", status: 200, kind: 4, keep: true},
		"TwoDigits":    {raw: "HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"type\":10}", status: 200, kind: 10, keep: true},
		"NotJSON":      {raw: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nbusy\n", status: 503, kind: -1, keep: true},
		"Chunked":      {raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{\"type\":5\r\n1;x=y\r\n}\r\n0\r\nTrailer: v\r\n\r\n", status: 200, kind: 5, keep: true},
		"NoContent":    {raw: "HTTP/1.1 204 No Content\r\n\r\n", status: 204, kind: -1, keep: true},
		"Close":        {raw: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 10\r\n\r\n{\"type\":4}", status: 200, kind: 4, keep: false},
		"ToEOF":        {raw: "HTTP/1.1 200 OK\r\n\r\n{\"type\":4,\"data\":{}}", status: 200, kind: 4, keep: false},
		"BadStatus":    {raw: "HTTP/1.0 200 OK\r\n\r\n", fails: true},
		"ShortBody":    {raw: "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"type\":4}", fails: true},
		"BadChunkSize": {raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", fails: true},
	} {
		t.Run(name, func(t *testing.T) {
			status, kind, keep, err := readResponse(bufio.NewReader(strings.NewReader(c.raw)))
			if c.fails {
				if err == nil {
					t.Fatalf("no error: %d %d %v", status, kind, keep)
				}
				return
			}
			if err != nil || status != c.status || kind != c.kind || keep != c.keep {
				t.Fatalf("got %d %d %v %v, want %d %d %v", status, kind, keep, err, c.status, c.kind, c.keep)
			}
		})
	}
	t.Run("Stale", func(t *testing.T) {
		if _, _, _, err := readResponse(bufio.NewReader(strings.NewReader(""))); !errors.Is(err, errStale) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestRun_ConnectionsClosedWhileIdle: a server may close a connection the
// generator opened ahead of the run before its first request (net/http's
// ReadHeaderTimeout counts from the accept), as it may close one idle
// between requests. Either is sent again on a new connection, not counted
// as the program failing.
func TestRun_ConnectionsClosedWhileIdle(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	const workers = 4
	var accepted atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig, _ := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		if !ed25519.Verify(pub, append([]byte(r.Header.Get("X-Signature-Timestamp")), body...), sig) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"type":4}`))
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		// The connections opened before the run are closed unused.
		if s == http.StateNew && accepted.Add(1) <= workers {
			c.Close()
		}
	}
	srv.Start()
	defer srv.Close()
	res, err := Run(context.Background(), Options{URL: srv.URL + "/interactions", Key: key, Rate: 200, Duration: 100 * time.Millisecond, Questions: []string{"q"}, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK != 20 || res.Failed != 0 || res.Missed != 0 || res.Inline != 20 {
		t.Fatalf("%+v", res)
	}
	if res.Conns <= workers || int64(res.Conns) != accepted.Load() {
		t.Fatalf("%d connections opened, the server saw %d", res.Conns, accepted.Load())
	}
}
