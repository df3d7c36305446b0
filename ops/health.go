package ops

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Check is one readiness check: Fn returns nil when the dependency is ready,
// or an error saying what is not (shown on /readyz, so no secrets).
type Check struct {
	Name string
	Fn   func(ctx context.Context) error
}

// checkTimeout bounds one readiness check: a store that does not answer in
// time is not ready.
const checkTimeout = 2 * time.Second

// Health serves Kubernetes-style probes: /livez is 200 while the process
// serves HTTP at all (no dependency checks, so a slow dependency never gets
// the process restarted); /readyz is 200 only when every check passes, else
// 503 with the failing checks listed. "?verbose" lists every check with [+]
// or [-]. Checks are fixed at construction. Safe for concurrent use.
type Health struct {
	checks []Check
}

// NewHealth returns probes over checks, run in order on each /readyz.
func NewHealth(checks ...Check) *Health { return &Health{checks: checks} }

// Ready runs every check and returns one line per check ("[+]name ok" or
// "[-]name failed: reason") and whether all passed.
func (h *Health) Ready(ctx context.Context) ([]string, bool) {
	lines := make([]string, 0, len(h.checks))
	ok := true
	for _, c := range h.checks {
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		err := c.Fn(cctx)
		cancel()
		if err != nil {
			ok = false
			lines = append(lines, fmt.Sprintf("[-]%s failed: %v", c.Name, err))
			continue
		}
		lines = append(lines, "[+]"+c.Name+" ok")
	}
	return lines, ok
}

func (h *Health) livez(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if _, verbose := r.URL.Query()["verbose"]; verbose {
		fmt.Fprint(w, "[+]process ok\nlivez check passed\n")
		return
	}
	fmt.Fprint(w, "ok")
}

func (h *Health) readyz(w http.ResponseWriter, r *http.Request) {
	lines, ok := h.Ready(r.Context())
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, verbose := r.URL.Query()["verbose"]
	if ok {
		if verbose {
			fmt.Fprint(w, strings.Join(lines, "\n")+"\nreadyz check passed\n")
			return
		}
		fmt.Fprint(w, "ok")
		return
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	if !verbose {
		failed := lines[:0:0]
		for _, l := range lines {
			if strings.HasPrefix(l, "[-]") {
				failed = append(failed, l)
			}
		}
		lines = failed
	}
	fmt.Fprint(w, strings.Join(lines, "\n")+"\nreadyz check failed\n")
}

var (
	readyDesc      = prometheus.NewDesc("crisisbot_ready", "1 when every readiness check passes (as /readyz answers 200), else 0.", nil, nil)
	readyCheckDesc = prometheus.NewDesc("crisisbot_ready_check", "1 when the named readiness check passes, else 0.", []string{"check"}, nil)
)

// WatchReady exports crisisbot_ready and crisisbot_ready_check{check}, from
// h's checks run at each scrape, so alerts can see what /readyz says.
func (m *Metrics) WatchReady(h *Health) { m.reg.MustRegister(readyCollector{h}) }

type readyCollector struct{ h *Health }

func (c readyCollector) Describe(ch chan<- *prometheus.Desc) { ch <- readyDesc; ch <- readyCheckDesc }

func (c readyCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*checkTimeout)
	defer cancel()
	all := 1.0
	for _, ck := range c.h.checks {
		cctx, ccancel := context.WithTimeout(ctx, checkTimeout)
		v := 1.0
		if ck.Fn(cctx) != nil {
			v, all = 0, 0
		}
		ccancel()
		ch <- prometheus.MustNewConstMetric(readyCheckDesc, prometheus.GaugeValue, v, ck.Name)
	}
	ch <- prometheus.MustNewConstMetric(readyDesc, prometheus.GaugeValue, all)
}
