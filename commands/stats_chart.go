package commands

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/internal/chart"
	"crisisbot/kb"
)

// statsDays is how many days the statistics chart shows.
const statsDays = 30

// statsChartName is the chart's file name, as attached and as the embed
// refers to it.
const statsChartName = "kb-stats.png"

// dailyStats reads a scope's last statsDays days (one entry per day, zeros
// included) and draws them.
func dailyStats(ctx context.Context, store kb.Store, scope string, now time.Time) ([]kb.Day, []byte, error) {
	since := chart.Since(now, statsDays)
	days, err := store.Daily(ctx, scope, since)
	if err != nil {
		return nil, nil, err
	}
	series := kb.DailySeries(days, since, now)
	img, err := chart.Daily(fmt.Sprintf("Questions and feedback per day, last %d days (UTC)", statsDays), series)
	return series, img, err
}

// dailyTotals adds up days.
func dailyTotals(days []kb.Day) kb.Day {
	var t kb.Day
	for _, d := range days {
		t.Asked += d.Asked
		t.Answered += d.Answered
		t.Partial += d.Partial
		t.Declined += d.Declined
		t.Up += d.Up
		t.Down += d.Down
	}
	return t
}

// dailyLines are the chart's figures as text, newest day first, for the days
// with any activity: what a screen reader reads instead of the picture.
func dailyLines(days []kb.Day) []string {
	var lines []string
	for i := len(days) - 1; i >= 0; i-- {
		d := days[i]
		if d == (kb.Day{Date: d.Date}) {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s: %d asked, %d answered, %d partly, %d declined, 👍 %d, 👎 %d",
			d.Date.Format("2 Jan"), d.Asked, d.Answered, d.Partial, d.Declined, d.Up, d.Down))
	}
	return lines
}

// withChart adds the last 30 days to a /kb stats reply: the chart as an
// attached PNG shown in the embed, and the same figures as text. Without
// figures (a store error) the reply goes out as it is, and the error is
// logged. The summary is in l; the chart and the per-day lines, shared with
// the command line, are in English.
func (m *Moderation) withChart(ctx context.Context, l i18n.Lang, sc string, rep *bot.Reply) *bot.Reply {
	days, img, err := dailyStats(ctx, m.store, sc, m.now())
	if err != nil {
		m.log.Warn("no statistics chart", "err", err)
		return rep
	}
	t := dailyTotals(days)
	value := l.T("mod_stats_summary", "Count", t.Asked, "Answered", t.Answered, "Partial", t.Partial, "Declined", t.Declined) +
		fmt.Sprintf(" 👍 %d, 👎 %d.", t.Up, t.Down)
	for _, line := range dailyLines(days) {
		if len(value)+len(line)+1 > bot.MaxFieldValue {
			break
		}
		value += "\n" + line
	}
	e := rep.Embeds[0]
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: l.T("mod_stats_days", "Count", statsDays), Value: value})
	e.Image = &discordgo.MessageEmbedImage{URL: "attachment://" + statsChartName}
	rep.Files = append(rep.Files, &discordgo.File{Name: statsChartName, ContentType: "image/png", Reader: bytes.NewReader(img)})
	return rep
}

// Stats prints a scope's statistics for the last 30 days, one line per day
// with activity, and writes the chart as a PNG to pngPath when it is not "".
func (o Operator) Stats(ctx context.Context, scope, pngPath string, now time.Time, w io.Writer) error {
	days, img, err := dailyStats(ctx, o.Store, scope, now)
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	t := dailyTotals(days)
	fmt.Fprintf(w, "Last %d days in %s: %d questions, %d answered, %d partly answered, %d declined; 👍 %d, 👎 %d\n",
		statsDays, scope, t.Asked, t.Answered, t.Partial, t.Declined, t.Up, t.Down)
	for _, l := range dailyLines(days) {
		fmt.Fprintln(w, l)
	}
	if pngPath == "" {
		return nil
	}
	if err := os.WriteFile(pngPath, img, 0o644); err != nil {
		return fmt.Errorf("stats: write the chart: %w", err)
	}
	fmt.Fprintf(w, "Chart written to %s\n", pngPath)
	return nil
}
