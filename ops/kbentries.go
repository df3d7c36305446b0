package ops

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// EntriesFunc counts knowledge-base entries: the global knowledge base's,
// and the total of every server layer's own entries.
type EntriesFunc func(ctx context.Context) (global, servers int, err error)

// WatchEntries exports crisisbot_kb_entries{scope_kind="global"|"servers"} from
// count, called at most once per ttl (the server total may read the store);
// a failed count keeps the last figures. No per-server labels: their number
// has no bound.
func (m *Metrics) WatchEntries(count EntriesFunc, ttl time.Duration) {
	m.reg.MustRegister(&entriesCollector{count: count, ttl: ttl})
}

type entriesCollector struct {
	count EntriesFunc
	ttl   time.Duration

	mu              sync.Mutex
	at              time.Time
	global, servers int
}

func (c *entriesCollector) Describe(ch chan<- *prometheus.Desc) { ch <- kbEntriesDesc }

func (c *entriesCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	if c.at.IsZero() || time.Since(c.at) >= c.ttl {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if g, s, err := c.count(ctx); err == nil {
			c.global, c.servers, c.at = g, s, time.Now()
		}
		cancel()
	}
	g, s := c.global, c.servers
	c.mu.Unlock()
	ch <- prometheus.MustNewConstMetric(kbEntriesDesc, prometheus.GaugeValue, float64(g), "global")
	ch <- prometheus.MustNewConstMetric(kbEntriesDesc, prometheus.GaugeValue, float64(s), "servers")
}
