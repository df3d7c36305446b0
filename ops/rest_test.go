package ops

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
)

func TestRouteClass(t *testing.T) {
	for _, c := range []struct{ host, path, want string }{
		{"discord.com", "/api/v9/interactions/1/tok/callback", "interaction_callback"},
		{"discord.com", "/api/v9/webhooks/1/tok/messages/@original", "interaction_followup"},
		{"discord.com", "/api/v9/channels/5/messages", "channel_messages"},
		{"discord.com", "/api/v9/applications/1/commands", "commands"},
		{"discord.com", "/api/v9/applications/1/guilds/2/commands", "commands"},
		{"discord.com", "/api/v9/applications/@me", "application"},
		{"discord.com", "/api/v9/oauth2/applications/@me", "application"},
		{"discord.com", "/api/v9/gateway/bot", "gateway"},
		{"cdn.discordapp.com", "/attachments/1/2/kb.json", "attachments"},
		{"discord.com", "/api/v9/users/@me", "other"},
		{"discord.com", "", "other"},
	} {
		if got := routeClass(c.host, c.path); got != c.want {
			t.Errorf("%s%s: %s, want %s", c.host, c.path, got, c.want)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestInstrumentTransport(t *testing.T) {
	m := NewMetrics("test")
	statuses := []int{429, 204, 204}
	tr := m.InstrumentTransport(roundTripFunc(func(r *http.Request) (*http.Response, error) {
		s := statuses[0]
		statuses = statuses[1:]
		return &http.Response{StatusCode: s, Body: http.NoBody, Request: r}, nil
	}))
	for _, path := range []string{"/api/v9/interactions/1/secret-token/callback", "/api/v9/interactions/1/secret-token/callback", "/api/v9/interactions/2/other/callback"} {
		req, _ := http.NewRequest("POST", "https://discord.com"+path, nil)
		if _, err := tr.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
	}
	route := "interaction_callback"
	for name, c := range map[string]struct{ got, want float64 }{
		"429":     {testutil.ToFloat64(m.rest.WithLabelValues(route, "429")), 1},
		"204":     {testutil.ToFloat64(m.rest.WithLabelValues(route, "204")), 2},
		"limited": {testutil.ToFloat64(m.rest429.WithLabelValues(route)), 1},
		"retries": {testutil.ToFloat64(m.restRetries.WithLabelValues(route)), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", name, c.got, c.want)
		}
	}
	out, err := testutil.CollectAndFormat(m.rest, expfmt.TypeTextPlain, "crisisbot_discord_requests_total")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "secret-token") {
		t.Fatal("a token became a label")
	}
}
