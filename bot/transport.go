package bot

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// rewriteTransport sends requests for discord.com (and its subdomains and the
// legacy discordapp.com) to base instead, and refuses every other host, so a
// misconfigured URL can never send the token somewhere unexpected.
type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func isDiscordHost(h string) bool {
	for _, d := range []string{"discord.com", "discordapp.com"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

func (t rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !isDiscordHost(r.URL.Hostname()) {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("refusing a request to %q: only Discord hosts are allowed", r.URL.Hostname())
	}
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.base.Scheme, t.base.Host, t.base.Host
	return t.next.RoundTrip(r)
}

// NewHTTPClient returns the client the session uses: requests to Discord go to
// base (https://discord.com when nil) through next (a pooled copy of
// http.DefaultTransport when nil), and nothing else leaves.
func NewHTTPClient(base *url.URL, next http.RoundTripper) *http.Client {
	if next == nil {
		// All traffic goes to one host: keep enough connections alive that a
		// burst of replies reuses them instead of opening (and exhausting)
		// new ones.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		t.MaxConnsPerHost = 128
		next = t
	}
	if base == nil {
		base = &url.URL{Scheme: "https", Host: "discord.com"}
	}
	return &http.Client{Transport: rewriteTransport{base: base, next: next}, Timeout: 20e9}
}
