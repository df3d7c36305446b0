package kb

import (
	"testing"
	"time"
)

func TestDailySeries(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	got := DailySeries([]Day{{Date: day(28), Asked: 3}, {Date: day(1), Asked: 9}, {Date: day(30), Up: 1}},
		day(27).Add(13*time.Hour), day(30).Add(23*time.Hour))
	if len(got) != 4 {
		t.Fatalf("%d days: %+v", len(got), got)
	}
	for i, d := range got {
		if !d.Date.Equal(day(27 + i)) {
			t.Errorf("day %d is %v", i, d.Date)
		}
	}
	if got[0].Asked != 0 || got[1].Asked != 3 || got[2] != (Day{Date: day(29)}) || got[3].Up != 1 {
		t.Errorf("%+v", got)
	}
}
