package commands

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

// posted is a hand-written Poster that keeps what it was asked to send.
type posted struct {
	mu      sync.Mutex
	edits   []string // "channel/message: content"
	replies []string // "channel>replyTo: content"
}

func (p *posted) EditMessage(_ context.Context, ch, msg string, rep *bot.Reply) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.edits = append(p.edits, ch+"/"+msg+": "+rep.Content)
	return nil
}

func (p *posted) SendReply(_ context.Context, ch, to string, rep *bot.Reply) (*discordgo.Message, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.replies = append(p.replies, ch+">"+to+": "+rep.Content)
	return &discordgo.Message{ID: "1"}, nil
}

func (p *posted) take() (edits, replies []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	edits, replies = p.edits, p.replies
	p.edits, p.replies = nil, nil
	return edits, replies
}

// flush runs every queued correction now, as if its delay had passed.
func (c *Corrections) flush() {
	c.mu.Lock()
	var due []change
	for k, t := range c.timers {
		if t.Stop() {
			c.wg.Done()
			due = append(due, k)
		}
		delete(c.timers, k)
	}
	c.mu.Unlock()
	for _, k := range due {
		c.correct(c.ctx, k)
	}
}

type corrFixture struct {
	lib  *kb.Library
	corr *Corrections
	post *posted
}

func newCorrFixture(t *testing.T) *corrFixture {
	t.Helper()
	return newCorrFixtureWith(t, nil)
}

// newCorrFixtureWith is newCorrFixture with the gateway's view of servers'
// preferred locales.
func newCorrFixtureWith(t *testing.T, guildLocale func(string) string) *corrFixture {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	curated, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := &corrFixture{post: &posted{}}
	lib, err := kb.OpenLibrary(ctx, store, curated, kb.Options{OnChange: func(sc string, ids []string) { f.corr.Changed(sc, ids) }}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.lib = lib
	f.corr = NewCorrections(CorrectionsConfig{Library: lib, Store: store, Poster: f.post, Delay: time.Hour, GuildLocale: guildLocale,
		Now: func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) }})
	t.Cleanup(func() { f.corr.Close(ctx) })
	return f
}

// answered remembers an answer as if Discord had just sent message msg.
func (f *corrFixture) answered(guild, channel, msg, entry string, kind kb.AnswerKind) {
	f.answeredIn("", guild, channel, msg, entry, kind)
}

// answeredIn is answered for an interaction that carried the server's
// locale (guild_locale).
func (f *corrFixture) answeredIn(guildLocale, guild, channel, msg, entry string, kind kb.AnswerKind) {
	rep := &bot.Reply{}
	f.corr.Remember(&bot.Request{GuildID: guild, ChannelID: channel, GuildLocale: guildLocale}, rep, entry, kind)
	rep.OnSent(&discordgo.Message{ID: msg, ChannelID: channel})
}

func (f *corrFixture) edit(t *testing.T, scope, answer string) {
	t.Helper()
	e, base, _ := f.lib.Entry(scope, "who-is-peskov")
	e.Answer = answer
	if _, err := f.lib.Apply(context.Background(), []kb.Change{{Scope: scope, EntryID: e.ID, Entry: &e, Action: kb.ActionEdit, Author: "m", Base: base}}); err != nil {
		t.Fatal(err)
	}
}

// TestCorrections_InServersLocale: an edited message has no reader's
// locale, so a correction speaks the server's preferred locale: the
// gateway's (GUILD_CREATE) first, else the one the server's interactions
// carried, else English.
func TestCorrections_InServersLocale(t *testing.T) {
	const ukServer, deServer, unknown = "300000000000000011", "300000000000000012", "300000000000000013"
	f := newCorrFixtureWith(t, func(guild string) string {
		if guild == ukServer {
			return "uk"
		}
		return ""
	})
	f.answeredIn("fr", ukServer, "310000000000000011", "2001", "who-is-peskov", kb.AnswerReply) // the gateway's locale wins
	f.answeredIn("de", deServer, "310000000000000012", "2002", "who-is-peskov", kb.AnswerReply)
	f.answeredIn("de", deServer, "310000000000000015", "2005", "who-is-peskov", kb.AnswerInteraction)
	f.answered(unknown, "310000000000000013", "2003", "who-is-peskov", kb.AnswerReply)
	for _, g := range []string{ukServer, deServer, unknown} {
		f.edit(t, g, "Dmitry Peskov is the Kremlin spokesman, edited.")
	}
	f.corr.flush()
	edits, replies := f.post.take()
	slices.Sort(edits)
	want := []string{
		"310000000000000011/2001: ✏️ **Виправлено 30 листопада 2026:** ",
		"310000000000000012/2002: ✏️ **Korrigiert am 30. November 2026:** ",
		"310000000000000013/2003: ✏️ **Corrected on 30 November 2026:** ",
	}
	if len(edits) != len(want) {
		t.Fatalf("edits %q", edits)
	}
	for i, w := range want {
		if !strings.HasPrefix(edits[i], w) {
			t.Errorf("edit %q, want it to start %q", edits[i], w)
		}
	}
	if len(replies) != 1 || !strings.HasPrefix(replies[0], "310000000000000015>2005: ") || strings.Contains(replies[0], "Corrected") {
		t.Errorf("the German server's /ask correction: %q", replies)
	}
}

func TestCorrections_BurstYieldsOne(t *testing.T) {
	f := newCorrFixture(t)
	f.answered("300000000000000001", "310000000000000001", "1001", "who-is-peskov", kb.AnswerReply)
	f.answered("300000000000000001", "310000000000000002", "1002", "who-is-peskov", kb.AnswerInteraction)
	f.answered("300000000000000001", "310000000000000002", "1003", "who-is-peskov", kb.AnswerInteraction)
	f.answered("", "310000000000000004", "1004", "who-is-peskov", kb.AnswerReply) // a DM: served the global entry
	for i := 0; i < 5; i++ {
		f.edit(t, "300000000000000001", "Dmitry Peskov is the Kremlin spokesman, edit "+string(rune('A'+i))+".")
	}
	f.corr.flush()
	edits, replies := f.post.take()
	if len(edits) != 1 || !strings.HasPrefix(edits[0], "310000000000000001/1001: ✏️ **Corrected on 30 November 2026:** the answer was updated") {
		t.Fatalf("edits %q", edits)
	}
	// One reply per channel, under the newest /ask answer there.
	if len(replies) != 1 || !strings.HasPrefix(replies[0], "310000000000000002>1003: ") {
		t.Fatalf("replies %q", replies)
	}
	f.corr.flush() // nothing left to correct
	if edits, replies := f.post.take(); len(edits)+len(replies) != 0 {
		t.Fatalf("corrected twice: %q %q", edits, replies)
	}

	t.Run("GlobalChangeReachesDMsNotOverrides", func(t *testing.T) {
		f.edit(t, kb.GlobalScope, "Dmitry Peskov is the Kremlin spokesman (global).")
		f.corr.flush()
		edits, replies := f.post.take()
		if len(edits) != 1 || !strings.HasPrefix(edits[0], "310000000000000004/1004: ") || len(replies) != 0 {
			t.Fatalf("a global edit corrected %q %q; want only the DM", edits, replies)
		}
	})
	t.Run("Off", func(t *testing.T) {
		ctx := context.Background()
		if err := f.corr.settings.store.SetSetting(ctx, "300000000000000001", settingCorrections, "off", "m"); err != nil {
			t.Fatal(err)
		}
		f.edit(t, "300000000000000001", "Dmitry Peskov is the Kremlin spokesman (while off).")
		f.corr.flush()
		if edits, replies := f.post.take(); len(edits)+len(replies) != 0 {
			t.Fatalf("corrections are off, yet %q %q", edits, replies)
		}
	})
	t.Run("ClosedTakesNoMore", func(t *testing.T) {
		if err := f.corr.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		f.corr.Changed("300000000000000001", []string{"who-is-peskov"})
		if n := len(f.corr.timers); n != 0 {
			t.Fatalf("%d corrections queued after Close", n)
		}
	})
}

func TestCorrectedMessage(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, _ := kb.NewIndex(k, kb.Options{}).Entry("who-is-peskov")
	at := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	t.Run("StruckWhenSourcesChangeAndItFits", func(t *testing.T) {
		old := *e
		old.Citations = append([]kb.Citation{{SourceID: e.Citations[0].SourceID, Quote: "Kremlin spokesman Dmitry Peskov"}}, e.Citations...)
		rep := correctedMessage(i18n.MustLoad().For(i18n.English), k, &kb.Version{Entry: &old}, e, at)
		f := rep.Embeds[0].Fields
		if last := f[len(f)-1]; last.Name != "Previously cited" || !strings.Contains(last.Value, "~~[1] “Kremlin spokesman Dmitry Peskov”~~") {
			t.Fatalf("fields %+v", f)
		}
		if !strings.Contains(rep.Content, "its sources changed") {
			t.Fatalf("content %q", rep.Content)
		}
	})
	t.Run("NotStruckWhenItWouldNotFit", func(t *testing.T) {
		old := *e
		old.Citations = []kb.Citation{{SourceID: "x", Quote: strings.Repeat("q", 1100)}}
		rep := correctedMessage(i18n.MustLoad().For(i18n.English), k, &kb.Version{Entry: &old}, e, at)
		for _, f := range rep.Embeds[0].Fields {
			if f.Name == "Previously cited" {
				t.Fatal("an old citation over the field limit was added")
			}
		}
	})
	t.Run("Withdrawn", func(t *testing.T) {
		rep := correctedMessage(i18n.MustLoad().For(i18n.English), k, &kb.Version{Entry: e}, nil, at)
		if !strings.Contains(rep.Content, "withdrew this answer") || len(rep.Components) != 0 || rep.Embeds[0].Title != bot.Escape(e.Question) {
			t.Fatalf("%+v", rep)
		}
	})
}

func TestAsk_For(t *testing.T) {
	f := newFixture(t)
	const member = "500000000000000077"
	forOpt := func(user string, bot, private bool) func(*discordgo.Interaction) {
		return func(i *discordgo.Interaction) {
			d := i.Data.(discordgo.ApplicationCommandInteractionData)
			d.Options = []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: "who is peskov"},
				{Name: "for", Type: discordgo.ApplicationCommandOptionUser, Value: user},
			}
			if private {
				d.Options = append(d.Options, &discordgo.ApplicationCommandInteractionDataOption{Name: "private", Type: discordgo.ApplicationCommandOptionBoolean, Value: true})
			}
			d.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Users: map[string]*discordgo.User{user: {ID: user, Bot: bot}}}
			i.Data = d
		}
	}
	t.Run("OK", func(t *testing.T) {
		d := f.respond(t, payload(t, "slash_ask_for", nil))
		if d.Flags != 0 || !strings.HasPrefix(d.Content, "<@"+member+">") || len(d.Embeds) != 1 {
			t.Fatalf("%+v", d)
		}
		if am := d.AllowedMentions; am == nil || len(am.Parse) != 0 || len(am.Users) != 1 || am.Users[0] != member || am.RepliedUser {
			t.Fatalf("allowed mentions %+v", am)
		}
	})
	for name, edit := range map[string]func(*discordgo.Interaction){
		"ABot":        forOpt(member, true, false),
		"WithPrivate": forOpt(member, false, true),
	} {
		t.Run(name, func(t *testing.T) {
			d := f.respond(t, payload(t, "slash_ask", edit))
			if d.Flags != discordgo.MessageFlagsEphemeral || len(d.Embeds) != 0 || (d.AllowedMentions != nil && len(d.AllowedMentions.Users) != 0) {
				t.Fatalf("%+v", d)
			}
		})
	}
}

// TestCorrections_ChangedWhileSending: an answer whose entry changes while
// it is on its way to Discord is corrected once Discord has it.
func TestCorrections_ChangedWhileSending(t *testing.T) {
	f := newCorrFixture(t)
	rep := &bot.Reply{}
	f.corr.Remember(&bot.Request{GuildID: "300000000000000001", ChannelID: "310000000000000001"}, rep, "who-is-peskov", kb.AnswerReply)
	f.edit(t, "300000000000000001", "Dmitry Peskov is the Kremlin spokesman (edited meanwhile).")
	f.corr.flush() // the answer is not remembered yet: nothing to correct
	rep.OnSent(&discordgo.Message{ID: "2001", ChannelID: "310000000000000001"})
	f.corr.flush()
	if edits, _ := f.post.take(); len(edits) != 1 || !strings.HasPrefix(edits[0], "310000000000000001/2001: ") {
		t.Fatalf("edits %q", edits)
	}
}
