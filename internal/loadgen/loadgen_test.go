package loadgen

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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
