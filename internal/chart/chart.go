// Package chart draws the moderators' statistics as a PNG (with
// gonum.org/v1/plot): questions per day, stacked by what came of them, and
// the 👍/👎 votes per day. It draws only; the figures come from kb.Store.
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"crisisbot/kb"
)

// Size of the image: 800 × 400 pixels at 100 dots per inch.
const (
	Width  = 800
	Height = 400
	dpi    = 100
)

var (
	colorAnswered = color.RGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff} // green
	colorPartial  = color.RGBA{R: 0xf9, G: 0xa8, B: 0x25, A: 0xff} // amber
	colorDeclined = color.RGBA{R: 0x9e, G: 0x9e, B: 0x9e, A: 0xff} // grey
	colorUp       = color.RGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff} // blue
	colorDown     = color.RGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff} // red
)

// Daily draws days (one per calendar day, as kb.DailySeries gives them) as a
// PNG of Width × Height pixels: stacked bars of the questions answered,
// partly answered and declined each day, and lines of the 👍 and 👎 votes.
// title heads the chart. Safe for concurrent use.
func Daily(title string, days []kb.Day) ([]byte, error) {
	if len(days) == 0 {
		return nil, fmt.Errorf("chart: no days to draw")
	}
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "per day"
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())

	answered := make(plotter.Values, len(days))
	partial := make(plotter.Values, len(days))
	declined := make(plotter.Values, len(days))
	up := make(plotter.XYs, len(days))
	down := make(plotter.XYs, len(days))
	maxY := 1.0
	for i, d := range days {
		answered[i], partial[i], declined[i] = float64(d.Answered), float64(d.Partial), float64(d.Declined)
		up[i] = plotter.XY{X: float64(i), Y: float64(d.Up)}
		down[i] = plotter.XY{X: float64(i), Y: float64(d.Down)}
		maxY = max(maxY, float64(d.Answered+d.Partial+d.Declined), float64(d.Up), float64(d.Down))
	}
	p.Y.Max = maxY * 1.35 // room for the legend
	barWidth := vg.Points(float64(Width) * 0.72 * 0.6 / float64(len(days)))
	var below *plotter.BarChart
	for _, s := range []struct {
		name string
		v    plotter.Values
		c    color.Color
	}{{"answered", answered, colorAnswered}, {"partly answered", partial, colorPartial}, {"declined", declined, colorDeclined}} {
		b, err := plotter.NewBarChart(s.v, barWidth)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		b.Color, b.LineStyle.Width = s.c, 0
		if below != nil {
			b.StackOn(below)
		}
		below = b
		p.Add(b)
		p.Legend.Add(s.name, b)
	}
	for _, s := range []struct {
		name string
		xy   plotter.XYs
		c    color.Color
	}{{"thumbs up", up, colorUp}, {"thumbs down", down, colorDown}} {
		l, pts, err := plotter.NewLinePoints(s.xy)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		l.Color, l.Width = s.c, vg.Points(2)
		pts.Color, pts.Shape, pts.Radius = s.c, draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(l, pts)
		p.Legend.Add(s.name, l, pts)
	}
	p.X.Min, p.X.Max = -0.6, float64(len(days))-0.4
	p.X.Tick.Marker = dayTicks(days)

	c := vgimg.NewWith(vgimg.UseWH(vg.Length(Width)*vg.Inch/dpi, vg.Length(Height)*vg.Inch/dpi), vgimg.UseDPI(dpi),
		vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed} // a few flat colours: compresses well even so
	if err := enc.Encode(&buf, c.Image()); err != nil {
		return nil, fmt.Errorf("chart: encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// dayTicks labels about one day in five ("2 Jan"), and the last day.
func dayTicks(days []kb.Day) plot.Ticker {
	var ticks []plot.Tick
	step := max(1, len(days)/6)
	for i, d := range days {
		label := ""
		if (len(days)-1-i)%step == 0 {
			label = d.Date.Format("2 Jan")
		}
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: label})
	}
	return plot.ConstantTicks(ticks)
}

// Since returns the first day of the last n days up to now (UTC), now's day
// included.
func Since(now time.Time, n int) time.Time {
	return now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -(n - 1))
}
