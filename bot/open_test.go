package bot

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"crisisbot/internal/fakediscord"
)

func TestBot_OpenTimeout(t *testing.T) {
	fake := fakediscord.New(t, "tok")
	fake.Silent = true
	base, _ := url.Parse(fake.URL)
	rest, err := NewREST(RESTOptions{Token: "tok", APIBase: base})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{OpenTimeout: 300 * time.Millisecond, Logger: quiet()}, rest, NewRouter(quiet(), nil))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = b.Open(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no READY within") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Open took %v", d)
	}
}
