package chart_test

import (
	"bytes"
	"context"
	"image/png"
	"path/filepath"
	"testing"
	"time"

	"crisisbot/internal/chart"
	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

func TestDaily_FromSeededStore(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	for i := 0; i < 12; i++ {
		entry := ""
		if i%3 != 0 {
			entry = "who-is-peskov"
		}
		s.RecordQuestion(ctx, "300000000000000001", "question", entry)
	}
	s.Vote(ctx, "300000000000000001", "who-is-peskov", "u1", true)
	s.Vote(ctx, "300000000000000001", "who-is-peskov", "u2", false)
	now := time.Now()
	since := chart.Since(now, 30)
	days, err := s.Daily(ctx, "300000000000000001", since)
	if err != nil || len(days) == 0 {
		t.Fatalf("%+v %v", days, err)
	}
	img, err := chart.Daily("Last 30 days", kb.DailySeries(days, since, now))
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, img)
}

func TestDaily_ThirtyDays(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var days []kb.Day
	for i := 0; i < 30; i++ {
		days = append(days, kb.Day{Date: chart.Since(now, 30).AddDate(0, 0, i), Answered: i, Partial: i % 3, Declined: 30 - i, Up: i / 2, Down: i % 4})
	}
	img, err := chart.Daily("Last 30 days", days)
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, img)
	if _, err := chart.Daily("none", nil); err == nil {
		t.Fatal("drew no days")
	}
}

func TestSince(t *testing.T) {
	now := time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC)
	if got := chart.Since(now, 30); !got.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatal(got)
	}
}

func checkPNG(t *testing.T, img []byte) {
	t.Helper()
	if !bytes.HasPrefix(img, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatal("not a PNG")
	}
	m, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	if b := m.Bounds(); b.Dx() != chart.Width || b.Dy() != chart.Height {
		t.Fatalf("image is %dx%d, want %dx%d", b.Dx(), b.Dy(), chart.Width, chart.Height)
	}
	if len(img) < 5_000 || len(img) > 500_000 {
		t.Fatalf("%d bytes", len(img))
	}
}
