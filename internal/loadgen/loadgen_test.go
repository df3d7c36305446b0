package loadgen

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
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
