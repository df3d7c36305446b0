package chart_test

import (
	"testing"
	"time"

	"crisisbot/internal/chart"
	"crisisbot/kb"
)

// BenchmarkDaily draws 30 days: the cost /kb stats adds to its reply.
func BenchmarkDaily(b *testing.B) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var days []kb.Day
	for i := 0; i < 30; i++ {
		days = append(days, kb.Day{Date: chart.Since(now, 30).AddDate(0, 0, i), Answered: i, Declined: 30 - i, Up: i / 2})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := chart.Daily("Last 30 days", days); err != nil {
			b.Fatal(err)
		}
	}
}
