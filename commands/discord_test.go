package commands

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// recorder is a hand-written bot.Responder.
type recorder struct {
	mu        sync.Mutex
	responses []*discordgo.InteractionResponse
	messages  []*discordgo.MessageSend
}

func (r *recorder) InteractionRespond(_ *discordgo.Interaction, resp *discordgo.InteractionResponse, _ ...discordgo.RequestOption) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.responses = append(r.responses, resp)
	return nil
}

func (r *recorder) InteractionResponseEdit(*discordgo.Interaction, *discordgo.WebhookEdit, ...discordgo.RequestOption) (*discordgo.Message, error) {
	return &discordgo.Message{}, nil
}

func (r *recorder) FollowupMessageCreate(*discordgo.Interaction, bool, *discordgo.WebhookParams, ...discordgo.RequestOption) (*discordgo.Message, error) {
	return &discordgo.Message{}, nil
}

func (r *recorder) ChannelMessageSendComplex(ch string, m *discordgo.MessageSend, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages = append(r.messages, m)
	return &discordgo.Message{ID: "77", ChannelID: ch}, nil
}

// memRecords is a hand-written Records that keeps votes in memory.
type memRecords struct {
	mu    sync.Mutex
	votes map[[2]string]bool // (user, entry) -> up
	asked []string
	picks [][2]string // (question, entry)
}

func (m *memRecords) RecordQuestions(_ context.Context, qs []kb.Question) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, q := range qs {
		m.asked = append(m.asked, q.Question)
	}
	return nil
}

func (m *memRecords) Vote(_ context.Context, scope, entryID, user string, up bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.votes == nil {
		m.votes = map[[2]string]bool{}
	}
	m.votes[[2]string{user, entryID}] = up
	return nil
}

func (m *memRecords) RecordPick(_ context.Context, scope, question, entryID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.picks = append(m.picks, [2]string{question, entryID})
	return nil
}

func (m *memRecords) count(entry string) (up, down int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, v := range m.votes {
		switch {
		case k[1] != entry:
		case v:
			up++
		default:
			down++
		}
	}
	return up, down
}

type fixture struct {
	records *memRecords
	svc     *Service
	router  *bot.Router
	clock   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{clock: time.Date(2022, 1, 10, 12, 0, 0, 0, time.UTC), records: &memRecords{}}
	f.svc = NewService(Fixed{Live: kb.NewLive(kb.NewIndex(k, kb.Options{}))}, Options{RateQuestions: 100, Now: func() time.Time { return f.clock }, Records: f.records})
	t.Cleanup(func() { f.svc.Close(context.Background()) })
	f.router = bot.NewRouter(slog.New(slog.DiscardHandler), nil)
	f.svc.Routes(f.router)
	return f
}

// payload loads a real interaction payload from testdata.
func payload(t *testing.T, name string, edit func(*discordgo.Interaction)) *discordgo.Interaction {
	t.Helper()
	raw, err := os.ReadFile("../testdata/discord/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(raw, &i); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&i)
	}
	return &i
}

func question(q string) func(*discordgo.Interaction) {
	return func(i *discordgo.Interaction) {
		d := i.Data.(discordgo.ApplicationCommandInteractionData)
		d.Options = []*discordgo.ApplicationCommandInteractionDataOption{{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: q}}
		i.Data = d
	}
}

func (f *fixture) respond(t *testing.T, i *discordgo.Interaction) *discordgo.InteractionResponseData {
	t.Helper()
	rec := &recorder{}
	f.router.HandleInteraction(context.Background(), rec, i)
	if len(rec.responses) != 1 {
		t.Fatalf("%d responses", len(rec.responses))
	}
	return rec.responses[0].Data
}

func TestAsk_AnswerIsCitedAndFits(t *testing.T) {
	f := newFixture(t)
	d := f.respond(t, payload(t, "slash_ask", nil))
	e := d.Embeds[0]
	if e.Title != "How many Russian troops are near the Ukrainian border?" {
		t.Fatalf("title %q", e.Title)
	}
	var sources string
	for _, fl := range e.Fields {
		if strings.HasPrefix(fl.Name, "Sources") {
			sources += fl.Value
			if utf8.RuneCountInString(fl.Value) > bot.MaxFieldValue {
				t.Errorf("sources field of %d characters", utf8.RuneCountInString(fl.Value))
			}
		}
	}
	for _, want := range []string{"**[1]**", "**[2]**", "Nearly 100,000 Russian troops", "(https://www.hngn.com/"} {
		if !strings.Contains(sources, want) {
			t.Errorf("sources lack %q:\n%s", want, sources)
		}
	}
	if !strings.Contains(e.Footer.Text, "As reported on 10 January 2022") || !strings.Contains(e.Footer.Text, "russian-troop-numbers") {
		t.Errorf("footer %q", e.Footer.Text)
	}
}

func TestSourceFields_LongQuoteKeepsLink(t *testing.T) {
	q := kb.SourcedQuote{Outlet: "HNGN", Published: "2022-01-10", URL: "https://example.org/a", Quote: strings.Repeat("word ", 400)}
	fields := sourceFields(i18n.MustLoad().For(i18n.English), []kb.SourcedQuote{q, q})
	if len(fields) != 2 {
		t.Fatalf("%d fields", len(fields))
	}
	for _, fl := range fields {
		if n := utf8.RuneCountInString(fl.Value); n > bot.MaxFieldValue {
			t.Fatalf("field of %d characters", n)
		}
		if !strings.Contains(fl.Value, "…”") || !strings.Contains(fl.Value, "(https://example.org/a)") {
			t.Fatalf("shortened quote lost its ellipsis or link: %q", fl.Value[len(fl.Value)-80:])
		}
	}
}

func TestAsk_RepeatInChannelIsPrivate(t *testing.T) {
	f := newFixture(t)
	first := f.respond(t, payload(t, "slash_ask", nil))
	if first.Flags != 0 {
		t.Fatalf("first answer is not public")
	}
	f.clock = f.clock.Add(30 * time.Second)
	second := f.respond(t, payload(t, "slash_ask", nil))
	if second.Flags != discordgo.MessageFlagsEphemeral || !strings.Contains(second.Content, "answered in this channel 30 seconds ago") {
		t.Fatalf("second: flags %v content %q", second.Flags, second.Content)
	}
	f.clock = f.clock.Add(5 * time.Minute)
	if third := f.respond(t, payload(t, "slash_ask", nil)); third.Flags != 0 {
		t.Fatalf("after the window the answer should be public again")
	}
}

func TestAsk_HostileQuestionIsEscaped(t *testing.T) {
	f := newFixture(t)
	d := f.respond(t, payload(t, "slash_ask", question("@everyone **how many** russian troops [near] <@123> ukraine\u200b?")))
	if d.Embeds[0].Title != "How many Russian troops are near the Ukrainian border?" {
		t.Fatalf("not answered: %+v", d.Embeds[0])
	}
	desc := d.Embeds[0].Description
	for _, bad := range []string{"@everyone", "**how", "[near]", "<@123>"} {
		if strings.Contains(desc, bad) {
			t.Errorf("description shows %q raw: %q", bad, desc)
		}
	}
	if d.AllowedMentions == nil || len(d.AllowedMentions.Parse) != 0 {
		t.Fatal("allowed mentions not empty")
	}
}

func TestAsk_DeclineEscapesLinks(t *testing.T) {
	f := newFixture(t)
	d := f.respond(t, payload(t, "slash_ask", question("[official news](https://evil.example) says what?")))
	desc := d.Embeds[0].Description
	if d.Embeds[0].Title != "I don't have a sourced answer for that" || strings.Contains(desc, "](") || strings.Contains(desc, "https://") {
		t.Fatalf("a link could be forged: %q", desc)
	}
}

func TestAsk_EmptyGetsHelp(t *testing.T) {
	f := newFixture(t)
	d := f.respond(t, payload(t, "slash_ask", question(" \u200b ")))
	if d.Flags != discordgo.MessageFlagsEphemeral || d.Embeds[0].Title != "What would you like to know?" {
		t.Fatalf("got %+v", d)
	}
}

func TestFeedback_OneVotePerUser(t *testing.T) {
	f := newFixture(t)
	click := func(user, vote string) {
		f.respond(t, payload(t, "button_open", func(i *discordgo.Interaction) {
			i.Member.User.ID = user
			i.Data = discordgo.MessageComponentInteractionData{CustomID: "/fb/guard-act/" + vote, ComponentType: discordgo.ButtonComponent}
		}))
	}
	click("1", "up")
	click("1", "up")
	click("2", "up")
	click("1", "down")
	if up, down := f.records.count("guard-act"); up != 1 || down != 1 {
		t.Fatalf("up %d down %d", up, down)
	}
}

func TestTopics_Pages(t *testing.T) {
	f := newFixture(t)
	d := f.respond(t, payload(t, "select_topic", nil))
	if !strings.Contains(d.Embeds[0].Footer.Text, "Page 1 of 2") || len(d.Components) != 2 {
		t.Fatalf("got %+v", d.Embeds[0])
	}
	stale := f.respond(t, payload(t, "select_topic", func(i *discordgo.Interaction) {
		i.Data = discordgo.MessageComponentInteractionData{CustomID: "/topics/99/0", ComponentType: discordgo.ButtonComponent}
	}))
	if !strings.Contains(stale.Content, "out of date") {
		t.Fatalf("stale topic: %q", stale.Content)
	}
}

func TestDefinitions(t *testing.T) {
	f := newFixture(t)
	defs := f.svc.Definitions()
	if len(defs) != 5 {
		t.Fatalf("%d commands", len(defs))
	}
	for _, c := range defs {
		if c.Type == discordgo.ChatApplicationCommand || c.Type == 0 {
			if n := utf8.RuneCountInString(c.Description); n < 1 || n > 100 {
				t.Errorf("/%s description of %d characters", c.Name, n)
			}
		}
	}
}

func TestMessages_ThrottledOnceNotEveryTime(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2022, 1, 10, 12, 0, 0, 0, time.UTC)
	svc := NewService(Fixed{Live: kb.NewLive(kb.NewIndex(k, kb.Options{}))}, Options{RateQuestions: 2, RateWindow: time.Minute, Now: func() time.Time { return clock }})
	router := bot.NewRouter(slog.New(slog.DiscardHandler), nil)
	svc.Routes(router)
	raw, err := os.ReadFile("../testdata/discord/message_mention.json")
	if err != nil {
		t.Fatal(err)
	}
	send := func(q string) []*discordgo.MessageSend {
		var m discordgo.Message
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		m.Content = "<@900000000000000001> " + q
		rec := &recorder{}
		router.HandleMessage(context.Background(), rec, &m, "900000000000000001")
		return rec.messages
	}
	var replies []string
	for _, q := range []string{"peskov", "guard act", "sherman", "geneva", "osce", "nato"} {
		for _, m := range send(q) {
			replies = append(replies, m.Content)
		}
	}
	// Two answers, one notice, and the other three dropped.
	if len(replies) != 3 || !strings.Contains(replies[2], "asking quickly") {
		t.Fatalf("replies %q", replies)
	}
	clock = clock.Add(time.Minute)
	if got := send("peskov"); len(got) != 1 || strings.Contains(got[0].Content, "quickly") {
		t.Fatalf("after the window: %+v", got)
	}
}
