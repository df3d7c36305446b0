package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server serves /metrics, /livez and /readyz on one address. New builds it,
// Start listens and serves on its own goroutine, Close stops it. Safe for
// concurrent use after Start.
type Server struct {
	addr string
	srv  *http.Server
	log  *slog.Logger
	ln   net.Listener
	done chan error
}

// NewServer returns a server for addr (host:port; port 0 picks a free one)
// that serves reg's metrics and health's probes. reg or health may be nil to
// leave their paths out.
func NewServer(addr string, reg *prometheus.Registry, health *Health, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	if reg != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn), Registry: reg, MaxRequestsInFlight: 4,
			Timeout: 10 * time.Second,
		}))
	}
	if health != nil {
		mux.HandleFunc("GET /livez", health.livez)
		mux.HandleFunc("GET /readyz", health.readyz)
	}
	return &Server{
		addr: addr, log: log,
		srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
			WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second},
	}
}

// Start listens on the address and serves in the background. It returns the
// bound address (useful with port 0) and logs it.
func (s *Server) Start() (net.Addr, error) {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return nil, fmt.Errorf("METRICS_ADDR: listen on %s: %w", s.addr, err)
	}
	s.ln, s.done = ln, make(chan error, 1)
	go func() { s.done <- s.srv.Serve(ln) }()
	s.log.Info("metrics and health probes listening", "addr", ln.Addr().String(),
		"paths", "/metrics /livez /readyz")
	return ln.Addr(), nil
}

// Close stops taking requests and waits for those in flight until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	if s.ln == nil {
		return nil
	}
	err := s.srv.Shutdown(ctx)
	if serveErr := <-s.done; err == nil && !errors.Is(serveErr, http.ErrServerClosed) {
		err = serveErr
	}
	return err
}
