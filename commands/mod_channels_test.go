package commands

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

// newChannelsFixture is newModFixture for a bot with (or without) the
// Message Content intent, sharing its AskChannels with the router as main
// wires them.
func newChannelsFixture(t *testing.T, messageContent bool) (*modFixture, *AskChannels) {
	t.Helper()
	ctx := context.Background()
	curated, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	lib, err := kb.OpenLibrary(ctx, store, curated, kb.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &modFixture{store: store, lib: lib, sender: &fakeSender{files: map[string][]byte{}}, clock: time.Date(2022, 1, 11, 9, 0, 0, 0, time.UTC)}
	ask := NewAskChannels(store, nil)
	mod := NewModeration(ModerationConfig{Library: lib, Store: store, Sender: f.sender, Now: func() time.Time { return f.clock },
		AskChannels: ask, MessageContent: messageContent})
	svc := NewService(lib, Options{RateQuestions: 1000, Records: store, Moderation: mod, Now: func() time.Time { return f.clock }})
	t.Cleanup(func() { svc.Close(ctx) })
	f.router = bot.NewRouter(slog.New(slog.DiscardHandler), nil, bot.WithAskLookup(ask))
	svc.Routes(f.router)
	return f, ask
}

func resolveTyped(id, guild string, typ discordgo.ChannelType) func(*discordgo.Interaction) {
	return func(i *discordgo.Interaction) {
		d := i.Data.(discordgo.ApplicationCommandInteractionData)
		d.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Channels: map[string]*discordgo.Channel{id: {ID: id, GuildID: guild, Type: typ}}}
		i.Data = d
	}
}

func TestModeration_Channels(t *testing.T) {
	f, ask := newChannelsFixture(t, true)
	ctx := context.Background()
	manager := as(guildA, "500000000000000001", manage)
	const forum = "430000000000000001"
	chOpt := opt("channel", discordgo.ApplicationCommandOptionChannel, forum)
	f.do(t, manager, kbCmd("roles add", opt("role", discordgo.ApplicationCommandOptionRole, modRole)))
	f.do(t, manager, kbCmd("auditchannel", opt("channel", discordgo.ApplicationCommandOptionChannel, auditChan)), resolveChannel(auditChan, guildA))

	roleMod := as(guildA, "500000000000000002", plain, modRole)
	for _, sub := range []string{"channels add", "channels remove", "channels list"} {
		if got := text(f.do(t, roleMod, kbCmd(sub, chOpt), resolveTyped(forum, guildA, discordgo.ChannelTypeGuildForum))); !strings.Contains(got, "Only members with Manage Server") {
			t.Errorf("a moderator ran /kb %s: %q", sub, got)
		}
	}
	for name, tc := range map[string]struct {
		edit func(*discordgo.Interaction)
		want string
	}{
		"OtherServer": {resolveTyped(forum, guildB, discordgo.ChannelTypeGuildForum), "this server's channels"},
		"Unresolved":  {func(*discordgo.Interaction) {}, "this server's channels"},
		"Voice":       {resolveTyped(forum, guildA, discordgo.ChannelTypeGuildVoice), "text or forum channel"},
	} {
		if got := text(f.do(t, manager, kbCmd("channels add", chOpt), tc.edit)); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q", name, got)
		}
	}
	if ask.IsAskChannel(ctx, guildA, forum) {
		t.Fatal("a refused add made an ask channel")
	}

	got := text(f.do(t, manager, kbCmd("channels add", chOpt), resolveTyped(forum, guildA, discordgo.ChannelTypeGuildForum)))
	if !strings.Contains(got, "is now an ask channel") || !strings.Contains(got, "new post") {
		t.Fatalf("add: %q", got)
	}
	if !ask.IsAskChannel(ctx, guildA, forum) || ask.IsAskChannel(ctx, guildB, forum) {
		t.Fatal("the lookup does not see the change, or sees it in another server")
	}
	if got := text(f.do(t, manager, kbCmd("channels list"))); !strings.Contains(got, "<#"+forum+">") {
		t.Fatalf("list: %q", got)
	}
	// The router answers a post in that forum at once.
	f.router.HandleThreadCreate(&discordgo.Channel{ID: "440000000000000001", GuildID: guildA, ParentID: forum, Type: discordgo.ChannelTypeGuildPublicThread})
	rec := &recorder{}
	f.router.HandleMessage(ctx, rec, &discordgo.Message{ID: "440000000000000001", ChannelID: "440000000000000001", GuildID: guildA,
		Author: &discordgo.User{ID: "500000000000000077"}, Content: "who is peskov"}, "900")
	if len(rec.messages) != 1 || rec.messages[0].Embeds[0].Title != "Who is Dmitry Peskov?" {
		t.Fatalf("forum post answered with %+v", rec.messages)
	}

	if got := text(f.do(t, manager, kbCmd("channels remove", chOpt), resolveTyped(forum, guildA, discordgo.ChannelTypeGuildForum))); !strings.Contains(got, "no longer an ask channel") {
		t.Fatalf("remove: %q", got)
	}
	if ask.IsAskChannel(ctx, guildA, forum) {
		t.Fatal("the lookup still sees a removed ask channel")
	}
	posts := f.sender.posted(auditChan)
	if joined := strings.Join(posts, "\n"); !strings.Contains(joined, "made <#"+forum+"> an ask channel") || !strings.Contains(joined, "no longer an ask channel") {
		t.Fatalf("audit channel heard %q", posts)
	}
	audit, _ := f.store.Audit(ctx, guildA, 5)
	if audit[0].Detail != "ask_channels=" || audit[1].Detail != "ask_channels="+forum {
		t.Fatalf("audit log %+v", audit[:2])
	}
}

func TestModeration_ChannelsWithoutTheIntent(t *testing.T) {
	f, ask := newChannelsFixture(t, false)
	manager := as(guildA, "500000000000000001", manage)
	const forum = "430000000000000001"
	got := text(f.do(t, manager, kbCmd("channels add", opt("channel", discordgo.ApplicationCommandOptionChannel, forum)), resolveTyped(forum, guildA, discordgo.ChannelTypeGuildForum)))
	if !strings.Contains(got, "ASK_CHANNELS_FROM_DISCORD=on") || !strings.Contains(got, "Privileged Gateway Intents") {
		t.Fatalf("add without the intent: %q", got)
	}
	if ask.IsAskChannel(context.Background(), guildA, forum) {
		t.Fatal("stored an ask channel the bot cannot read")
	}
}
