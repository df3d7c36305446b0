package ops

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func probe(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	body, _ := io.ReadAll(rec.Body)
	return rec.Code, string(body)
}

func TestHealth_Probes(t *testing.T) {
	gatewayUp := false
	h := NewHealth(
		Check{Name: "kb", Fn: func(context.Context) error { return nil }},
		Check{Name: "gateway-shard-0", Fn: func(context.Context) error {
			if !gatewayUp {
				return errors.New("no READY")
			}
			return nil
		}},
	)
	srv := NewServer("127.0.0.1:0", nil, h, nil).srv.Handler
	t.Run("NotReady", func(t *testing.T) {
		code, body := probe(t, srv, "/readyz")
		if code != 503 || body != "[-]gateway-shard-0 failed: no READY\nreadyz check failed\n" {
			t.Fatalf("%d %q", code, body)
		}
		code, body = probe(t, srv, "/readyz?verbose")
		if code != 503 || !strings.HasPrefix(body, "[+]kb ok\n[-]gateway-shard-0 failed: no READY\n") {
			t.Fatalf("%d %q", code, body)
		}
	})
	t.Run("LiveWhileNotReady", func(t *testing.T) {
		if code, body := probe(t, srv, "/livez"); code != 200 || body != "ok" {
			t.Fatalf("%d %q", code, body)
		}
	})
	t.Run("OK", func(t *testing.T) {
		gatewayUp = true
		if code, body := probe(t, srv, "/readyz"); code != 200 || body != "ok" {
			t.Fatalf("%d %q", code, body)
		}
		if code, body := probe(t, srv, "/readyz?verbose"); code != 200 || body != "[+]kb ok\n[+]gateway-shard-0 ok\nreadyz check passed\n" {
			t.Fatalf("%d %q", code, body)
		}
	})
	t.Run("NoMetricsWithoutRegistry", func(t *testing.T) {
		if code, _ := probe(t, srv, "/metrics"); code != 404 {
			t.Fatalf("%d", code)
		}
	})
}

func TestServer_StartClose(t *testing.T) {
	s := NewServer("127.0.0.1:0", NewMetrics("test").Registry(), NewHealth(), nil)
	addr, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr.String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `crisisbot_build_info{goversion="go`) || !strings.Contains(string(body), `version="test"} 1`) {
		t.Fatalf("build info missing:\n%.2000s", body)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + addr.String() + "/livez"); err == nil {
		t.Fatal("still serving after Close")
	}
}
