package ops_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands"
	"crisisbot/kb"
	"crisisbot/ops"
)

// discard is a Responder that sends nothing: the benchmark measures the bot,
// not the network.
type discard struct{}

func (discard) InteractionRespond(*discordgo.Interaction, *discordgo.InteractionResponse, ...discordgo.RequestOption) error {
	return nil
}
func (discard) InteractionResponseEdit(*discordgo.Interaction, *discordgo.WebhookEdit, ...discordgo.RequestOption) (*discordgo.Message, error) {
	return &discordgo.Message{}, nil
}
func (discard) FollowupMessageCreate(*discordgo.Interaction, bool, *discordgo.WebhookParams, ...discordgo.RequestOption) (*discordgo.Message, error) {
	return &discordgo.Message{}, nil
}
func (discard) ChannelMessageSendComplex(string, *discordgo.MessageSend, ...discordgo.RequestOption) (*discordgo.Message, error) {
	return &discordgo.Message{}, nil
}

// BenchmarkAnswer_Metrics answers /ask interactions (the eval questions)
// through the router and the commands, with metrics off (no observer) and on
// (the observer counting), and on with /metrics scraped every 100 ms
// meanwhile (ten times Prometheus's usual rate): the difference is what
// metrics cost an answer.
func BenchmarkAnswer_Metrics(b *testing.B) {
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	questions := evalQuestions(b)
	for _, mode := range []string{"off", "on", "on+scrape"} {
		on, scraping := mode != "off", mode == "on+scrape"
		b.Run("metrics="+mode, func(b *testing.B) {
			log := slog.New(slog.DiscardHandler)
			svc := commands.NewService(commands.Fixed{Live: kb.NewLive(kb.NewIndex(k, kb.Options{}))}, commands.Options{RateQuestions: 1 << 30, Logger: log})
			defer svc.Close(context.Background())
			router := bot.NewRouter(log, nil)
			svc.Routes(router)
			if on {
				m := ops.NewMetrics("bench")
				router.Observer = m
				srv := ops.NewServer("127.0.0.1:0", m.Registry(), nil, nil)
				addr, err := srv.Start()
				if err != nil {
					b.Fatal(err)
				}
				defer srv.Close(context.Background())
				if scraping {
					stop := make(chan struct{})
					defer close(stop)
					go scrapeEvery(100*time.Millisecond, "http://"+addr.String()+"/metrics", stop)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				router.HandleInteraction(context.Background(), discard{}, askInteraction(i, questions[i%len(questions)]))
			}
		})
	}
}

func scrapeEvery(d time.Duration, url string, stop <-chan struct{}) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if resp, err := http.Get(url); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	}
}

func askInteraction(i int, q string) *discordgo.Interaction {
	return &discordgo.Interaction{
		ID: fmt.Sprint(2_000_000_000_000_000_000 + i), AppID: "900000000000000001", Token: "tok", Type: discordgo.InteractionApplicationCommand,
		GuildID: "300000000000000001", ChannelID: fmt.Sprint(310000000000000000 + i%64),
		Member: &discordgo.Member{User: &discordgo.User{ID: fmt.Sprint(500000000000000000 + i%1000)}},
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: q},
		}},
	}
}

func evalQuestions(tb testing.TB) []string {
	f, err := os.Open("../kb/testdata/eval.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if _, q, ok := strings.Cut(sc.Text(), "\t"); ok && !strings.HasPrefix(sc.Text(), "#") {
			qs = append(qs, q)
		}
	}
	return qs
}

// BenchmarkMetrics_Scrape is one scrape of /metrics (every series, the Go
// runtime and process collectors included): at Prometheus's usual 15 s
// interval, a bot spends this once per 15 s.
func BenchmarkMetrics_Scrape(b *testing.B) {
	m := ops.NewMetrics("bench")
	srv := ops.NewServer("127.0.0.1:0", m.Registry(), nil, nil)
	addr, err := srv.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close(context.Background())
	url := "http://" + addr.String() + "/metrics"
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkMetrics_Handled is the observer's work for one answered question.
func BenchmarkMetrics_Handled(b *testing.B) {
	m := ops.NewMetrics("bench")
	h := bot.Handled{RequestID: "0a1b2c3d", Surface: bot.SurfaceSlash, Command: "ask", Outcome: bot.OutcomeAnswered,
		EntryID: "who-is-peskov", Question: true, Latency: 2 * time.Millisecond, Match: 8 * time.Microsecond}
	b.ReportAllocs()
	for b.Loop() {
		m.Handled(h)
	}
}
