package kb

import "time"

// Day is one day's figures in a scope, for charts: the questions asked that
// day (UTC) and what came of them, and the 👍/👎 votes cast that day (a vote
// that changes a member's earlier vote counts on the day it is cast; a repeat
// of the same vote does not count).
type Day struct {
	Date     time.Time // midnight UTC
	Asked    int
	Answered int
	Partial  int // declined, with a related entry offered (0 until the store records it)
	Declined int
	Up, Down int
}

// DailySeries returns one Day per calendar day (UTC) from since's day to
// until's day, both included, taking the figures from days (in any order;
// days outside the range are ignored) and zeros elsewhere.
func DailySeries(days []Day, since, until time.Time) []Day {
	start := since.UTC().Truncate(24 * time.Hour)
	end := until.UTC().Truncate(24 * time.Hour)
	byDate := map[time.Time]Day{}
	for _, d := range days {
		byDate[d.Date.UTC().Truncate(24*time.Hour)] = d
	}
	var out []Day
	for t := start; !t.After(end); t = t.Add(24 * time.Hour) {
		d, ok := byDate[t]
		if !ok {
			d = Day{}
		}
		d.Date = t
		out = append(out, d)
	}
	return out
}
