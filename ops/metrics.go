// Package ops makes CrisisBot operable like a service: Prometheus metrics on
// a private registry, Kubernetes-style health probes (/livez, /readyz), and
// the HTTP server that serves them. The bot and the commands report through
// small hook interfaces (bot.Observer, commands.EditObserver) that Metrics
// implements, so neither imports this package; main wires it.
package ops

import (
	"runtime"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"crisisbot/bot"
)

// Label values, declared up front so every series exists (at 0) from the
// first scrape: dashboards and alerts see a rate, not a missing series.
var (
	questionSurfaces = []string{bot.SurfaceSlash, bot.SurfaceAutocomplete, bot.SurfaceDM, bot.SurfaceMention,
		bot.SurfaceAskChannel, bot.SurfaceContextMenu, bot.SurfaceHTTP}
	outcomes = []bot.Outcome{bot.OutcomeAnswered, bot.OutcomePartial, bot.OutcomeDeclined,
		bot.OutcomeRateLimited, bot.OutcomeError}
	editActions    = []string{"seed", "add", "edit", "remove", "revert"}
	refusalReasons = []string{RefusedConflict, RefusedInvalid, RefusedError}
	storeOps       = []string{"current", "scopes", "apply", "history", "setting", "set_setting", "audit",
		"record_question", "record_questions", "unanswered", "vote", "stats", "daily", "record_pick", "picks", "drop_pick", "changes", "record_answer", "answers_for", "mark_corrected"}
)

// Reasons an edit is refused.
const (
	RefusedConflict = "conflict" // someone saved in between
	RefusedInvalid  = "invalid"  // the knowledge base it would produce is invalid (e.g. a forged quote)
	RefusedError    = "error"    // the store failed
)

// Metrics is CrisisBot's metrics on a private registry (no global state).
// It implements bot.Observer and bot.GatewayObserver for the bot and the
// router, and EditRefused for the moderation commands. Safe for concurrent
// use.
type Metrics struct {
	reg *prometheus.Registry

	questions    *prometheus.CounterVec
	requests     *prometheus.CounterVec
	answer       prometheus.Histogram
	response     *prometheus.HistogramVec
	autocomplete prometheus.Histogram
	gwEvents     *prometheus.CounterVec
	rest         *prometheus.CounterVec
	restDuration *prometheus.HistogramVec
	rest429      *prometheus.CounterVec
	restRetries  *prometheus.CounterVec
	edits        *prometheus.CounterVec
	refused      *prometheus.CounterVec
	votes        *prometheus.CounterVec
	storeOp      *prometheus.HistogramVec
	storeErrors  *prometheus.CounterVec
}

// NewMetrics registers CrisisBot's metrics, the Go runtime and process
// collectors and crisisbot_build_info (version, Go version) on a new
// registry.
func NewMetrics(version string) *Metrics {
	if version == "" {
		version = "unknown"
	}
	reg := prometheus.NewRegistry()
	latency := []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 1.5, 2, 3, 5}
	m := &Metrics{
		reg: reg,
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crisisbot_questions_total",
			Help: "Questions handled, by the surface they came through and what came of them."}, []string{"surface", "outcome"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crisisbot_requests_total",
			Help: "Interactions and addressed messages handled, by surface; result is error when a handler failed."}, []string{"surface", "result"}),
		answer: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "crisisbot_answer_duration_seconds",
			Help:    "Time the matcher took to answer or decline a question.",
			Buckets: []float64{.00001, .000025, .00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1}}),
		response: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "crisisbot_response_duration_seconds",
			Help:    "Time from receiving an interaction to its callback (or a message to the reply), by surface; autocomplete excluded.",
			Buckets: latency}, []string{"surface"}),
		autocomplete: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "crisisbot_autocomplete_duration_seconds",
			Help: "Time from receiving an autocomplete interaction to its callback.", Buckets: latency}),
		gwEvents: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crisisbot_gateway_events_total",
			Help: "Gateway connection events per shard: ready, resumed, disconnect."}, []string{"shard", "event"}),
		rest: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crisisbot_discord_requests_total",
			Help: "REST requests to Discord by route class and HTTP status (\"error\" when no response)."}, []string{"route", "status"}),
		restDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "crisisbot_discord_request_duration_seconds",
			Help: "Duration of one REST request to Discord, by route class.", Buckets: latency}, []string{"route"}),
		rest429: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crisisbot_discord_rate_limited_total",
			Help: "REST responses with status 429 (rate limited), by route class."}, []string{"route"}),
		restRetries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crisisbot_discord_retries_total",
			Help: "REST requests that repeat one answered 429 or 5xx, by route class."}, []string{"route"}),
		edits: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crisisbot_kb_edits_total",
			Help: "Knowledge-base versions stored, by action."}, []string{"action"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crisisbot_kb_edits_refused_total",
			Help: "Knowledge-base edits refused, by reason."}, []string{"reason"}),
		votes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crisisbot_votes_total",
			Help: "Feedback votes on answers, by kind (up, down)."}, []string{"kind"}),
		storeOp: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "crisisbot_store_operation_duration_seconds",
			Help:    "Duration of knowledge-base store operations, by operation.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"op"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crisisbot_store_errors_total",
			Help: "Knowledge-base store operations that failed, by operation."}, []string{"op"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{Name: "crisisbot_build_info",
		Help:        "Always 1; the labels say which build is running.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()}})
	build.Set(1)
	reg.MustRegister(m.questions, m.requests, m.answer, m.response, m.autocomplete, m.gwEvents, m.rest, m.restDuration,
		m.rest429, m.restRetries, m.edits, m.refused, m.votes, m.storeOp, m.storeErrors, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, s := range questionSurfaces {
		for _, o := range outcomes {
			m.questions.WithLabelValues(s, string(o))
		}
	}
	for _, s := range []string{bot.SurfaceSlash, bot.SurfaceContextMenu, bot.SurfaceHTTP, bot.SurfaceComponent, bot.SurfaceModal, bot.SurfaceDM, bot.SurfaceMention, bot.SurfaceAskChannel} {
		m.requests.WithLabelValues(s, "ok")
		m.requests.WithLabelValues(s, "error")
		m.response.WithLabelValues(s)
	}
	for _, a := range editActions {
		m.edits.WithLabelValues(a)
	}
	for _, r := range refusalReasons {
		m.refused.WithLabelValues(r)
	}
	m.votes.WithLabelValues("up")
	m.votes.WithLabelValues("down")
	for _, op := range storeOps {
		m.storeOp.WithLabelValues(op)
		m.storeErrors.WithLabelValues(op)
	}
	for _, r := range routeClasses {
		m.rest429.WithLabelValues(r)
		m.restRetries.WithLabelValues(r)
	}
	return m
}

// Registry returns the registry the metrics are on, to serve or to add to.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handled implements bot.Observer.
func (m *Metrics) Handled(h bot.Handled) {
	result := "ok"
	if h.Outcome == bot.OutcomeError {
		result = "error"
	}
	if h.Question && h.Outcome != "" {
		m.questions.WithLabelValues(h.Surface, string(h.Outcome)).Inc()
	}
	if h.Match > 0 {
		m.answer.Observe(h.Match.Seconds())
	}
	if h.Surface == bot.SurfaceAutocomplete {
		if h.Latency > 0 {
			m.autocomplete.Observe(h.Latency.Seconds())
		}
		return
	}
	m.requests.WithLabelValues(h.Surface, result).Inc()
	if h.Latency > 0 {
		m.response.WithLabelValues(h.Surface).Observe(h.Latency.Seconds())
	}
}

// GatewayEvent implements bot.GatewayObserver.
func (m *Metrics) GatewayEvent(shard int, event string) {
	m.gwEvents.WithLabelValues(strconv.Itoa(shard), event).Inc()
}

// EditRefused counts an edit refused for reason (RefusedConflict,
// RefusedInvalid, RefusedError).
func (m *Metrics) EditRefused(reason string) { m.refused.WithLabelValues(reason).Inc() }

// storeDone records one store operation.
func (m *Metrics) storeDone(op string, start time.Time) {
	m.storeOp.WithLabelValues(op).Observe(time.Since(start).Seconds())
}

// Shard is one gateway connection's state, as the bot reports it.
type Shard struct {
	ID        int
	Up        bool          // READY and not lost since
	Heartbeat time.Duration // last heartbeat round trip
}

// WatchGateway exports crisisbot_gateway_up and
// crisisbot_gateway_heartbeat_latency_seconds per shard, read from shards at
// each scrape.
func (m *Metrics) WatchGateway(shards func() []Shard) {
	m.reg.MustRegister(&gatewayCollector{shards: shards})
}

var (
	gatewayUpDesc = prometheus.NewDesc("crisisbot_gateway_up",
		"1 when the shard's gateway connection has READY (or RESUMED) and is not lost, else 0.", []string{"shard"}, nil)
	heartbeatDesc = prometheus.NewDesc("crisisbot_gateway_heartbeat_latency_seconds",
		"The shard's last gateway heartbeat round trip.", []string{"shard"}, nil)
	kbEntriesDesc = prometheus.NewDesc("crisisbot_kb_entries",
		"Knowledge-base entries: scope_kind=global is the global knowledge base, scope_kind=servers the total of all server layers' own entries.",
		[]string{"scope_kind"}, nil)
)

type gatewayCollector struct{ shards func() []Shard }

func (c *gatewayCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- gatewayUpDesc
	ch <- heartbeatDesc
}

func (c *gatewayCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.shards() {
		up := 0.0
		if s.Up {
			up = 1
		}
		id := strconv.Itoa(s.ID)
		ch <- prometheus.MustNewConstMetric(gatewayUpDesc, prometheus.GaugeValue, up, id)
		ch <- prometheus.MustNewConstMetric(heartbeatDesc, prometheus.GaugeValue, s.Heartbeat.Seconds(), id)
	}
}
