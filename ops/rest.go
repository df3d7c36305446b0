package ops

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// routeClasses are the REST route classes metrics name: a handful of fixed
// values, never ids or tokens.
var routeClasses = []string{"interaction_callback", "interaction_followup", "channel_messages", "commands",
	"application", "gateway", "attachments", "other"}

// routeClass names the kind of Discord REST route a path is, for labels.
func routeClass(host, path string) string {
	p := strings.TrimPrefix(path, "/api")
	if i := strings.Index(p[min(1, len(p)):], "/"); strings.HasPrefix(p, "/v") && i > 0 {
		p = p[1+i:] // drop the API version
	}
	switch {
	case strings.HasPrefix(host, "cdn.") || strings.HasPrefix(host, "media.") || strings.HasPrefix(p, "/attachments/"):
		return "attachments"
	case strings.HasPrefix(p, "/interactions/"):
		return "interaction_callback"
	case strings.HasPrefix(p, "/webhooks/"):
		return "interaction_followup"
	case strings.HasPrefix(p, "/channels/") && strings.Contains(p, "/messages"):
		return "channel_messages"
	case strings.HasPrefix(p, "/applications/") && strings.Contains(p, "/commands"):
		return "commands"
	case strings.HasPrefix(p, "/applications/") || strings.HasPrefix(p, "/oauth2/applications/"):
		return "application"
	case strings.HasPrefix(p, "/gateway"):
		return "gateway"
	}
	return "other"
}

// InstrumentTransport returns next (http.DefaultTransport when nil) with
// every request to Discord counted by route class and status
// (crisisbot_discord_requests_total), timed, its 429s counted
// (crisisbot_discord_rate_limited_total) and a request that repeats one
// answered with 429 or 5xx counted as a retry (crisisbot_discord_retries_total).
// Pass it as bot.Options.Transport. Safe for concurrent use.
func (m *Metrics) InstrumentTransport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// As bot.NewHTTPClient's default: all traffic goes to one host.
		t.MaxIdleConnsPerHost = 64
		t.MaxConnsPerHost = 128
		next = t
	}
	return &restTransport{next: next, m: m, failed: map[string]struct{}{}}
}

type restTransport struct {
	next http.RoundTripper
	m    *Metrics

	mu     sync.Mutex
	failed map[string]struct{} // method+path of requests last answered 429 or 5xx
}

// maxFailed bounds the retry memory: a failed request that is never repeated
// must not grow it for ever.
const maxFailed = 1024

func (t *restTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	route := routeClass(r.URL.Host, r.URL.Path)
	key := r.Method + " " + r.URL.Path // held in memory only; the path may hold a token
	t.mu.Lock()
	if _, ok := t.failed[key]; ok {
		delete(t.failed, key)
		t.m.restRetries.WithLabelValues(route).Inc()
	}
	t.mu.Unlock()
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	t.m.restDuration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	if err != nil {
		t.m.rest.WithLabelValues(route, "error").Inc()
		return resp, err
	}
	t.m.rest.WithLabelValues(route, strconv.Itoa(resp.StatusCode)).Inc()
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		if resp.StatusCode == http.StatusTooManyRequests {
			t.m.rest429.WithLabelValues(route).Inc()
		}
		t.mu.Lock()
		if len(t.failed) >= maxFailed {
			clear(t.failed)
		}
		t.failed[key] = struct{}{}
		t.mu.Unlock()
	}
	return resp, err
}
