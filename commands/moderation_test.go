package commands

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

const (
	guildA    = "300000000000000001" // the guild of the recorded payloads
	guildB    = "300000000000000002"
	modRole   = "600000000000000001"
	otherRole = "600000000000000002"
	auditChan = "420000000000000001"
)

// fakeSender is a hand-written Sender: it records posts and serves files.
type fakeSender struct {
	mu    sync.Mutex
	posts map[string][]string // channel -> contents
	files map[string][]byte
}

func (f *fakeSender) Send(_ context.Context, channel string, rep *bot.Reply) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.posts == nil {
		f.posts = map[string][]string{}
	}
	f.posts[channel] = append(f.posts[channel], rep.Content)
	return nil
}

func (f *fakeSender) Fetch(_ context.Context, url string, limit int64) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.files[url]
	if !ok {
		return nil, errors.New("404")
	}
	return b, nil
}

func (f *fakeSender) posted(channel string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.posts[channel]...)
}

type modFixture struct {
	store  *sqlite.Store
	lib    *kb.Library
	sender *fakeSender
	router *bot.Router
	clock  time.Time
}

func newModFixture(t *testing.T, perServer int) *modFixture {
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
	mod := NewModeration(ModerationConfig{Library: lib, Store: store, Sender: f.sender, Owners: []string{"700000000000000001"},
		Now: func() time.Time { return f.clock }, PerServer: perServer})
	svc := NewService(lib, Options{RateQuestions: 1000, Records: store, Moderation: mod, Now: func() time.Time { return f.clock }})
	t.Cleanup(func() { svc.Close(ctx) })
	f.router = bot.NewRouter(slog.New(slog.DiscardHandler), nil)
	// These tests read the first response; drawing the /kb stats chart can
	// take over the default 1.5 s under -race on a busy machine.
	f.router.SlowAfter = time.Minute
	svc.Routes(f.router)
	return f
}

// as sets who runs an interaction: their guild, Discord permissions and roles.
func as(guild, user string, perms int64, roles ...string) func(*discordgo.Interaction) {
	return func(i *discordgo.Interaction) {
		i.GuildID = guild
		i.Member = &discordgo.Member{User: &discordgo.User{ID: user}, Permissions: perms, Roles: roles}
	}
}

const (
	manage = int64(discordgo.PermissionManageGuild)
	plain  = int64(discordgo.PermissionSendMessages)
)

// kbCmd turns the recorded /ask payload into /kb with a subcommand path
// ("roles add") and options.
func kbCmd(path string, opts ...*discordgo.ApplicationCommandInteractionDataOption) func(*discordgo.Interaction) {
	return func(i *discordgo.Interaction) {
		names := strings.Fields(path)
		leaf := &discordgo.ApplicationCommandInteractionDataOption{Name: names[len(names)-1], Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}
		top := leaf
		if len(names) == 2 {
			top = &discordgo.ApplicationCommandInteractionDataOption{Name: names[0], Type: discordgo.ApplicationCommandOptionSubCommandGroup, Options: []*discordgo.ApplicationCommandInteractionDataOption{leaf}}
		}
		i.Data = discordgo.ApplicationCommandInteractionData{ID: "806", Name: "kb", Options: []*discordgo.ApplicationCommandInteractionDataOption{top}}
	}
}

func opt(name string, typ discordgo.ApplicationCommandOptionType, v any) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: typ, Value: v}
}

// resolveChannel adds the channel Discord resolved for a channel option.
func resolveChannel(id, guild string) func(*discordgo.Interaction) {
	return func(i *discordgo.Interaction) {
		d := i.Data.(discordgo.ApplicationCommandInteractionData)
		d.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Channels: map[string]*discordgo.Channel{id: {ID: id, GuildID: guild, Type: discordgo.ChannelTypeGuildText}}}
		i.Data = d
	}
}

func button(customID string) func(*discordgo.Interaction) {
	return func(i *discordgo.Interaction) {
		i.Type = discordgo.InteractionMessageComponent
		i.Data = discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}
	}
}

func modal(customID string, fields map[string]string) func(*discordgo.Interaction) {
	return func(i *discordgo.Interaction) {
		i.Type = discordgo.InteractionModalSubmit
		var rows []discordgo.MessageComponent
		for _, k := range []string{fieldQuestion, fieldAliases, fieldAnswer, fieldQuote, fieldSource} {
			rows = append(rows, &discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: k, Value: fields[k]}}})
		}
		i.Data = discordgo.ModalSubmitInteractionData{CustomID: customID, Components: rows}
	}
}

func all(edits ...func(*discordgo.Interaction)) func(*discordgo.Interaction) {
	return func(i *discordgo.Interaction) {
		for _, e := range edits {
			e(i)
		}
	}
}

// do runs one interaction and returns the response.
func (f *modFixture) do(t *testing.T, edits ...func(*discordgo.Interaction)) *discordgo.InteractionResponse {
	t.Helper()
	rec := &recorder{}
	f.router.HandleInteraction(context.Background(), rec, payload(t, "slash_ask", all(edits...)))
	if len(rec.responses) != 1 {
		t.Fatalf("%d responses", len(rec.responses))
	}
	return rec.responses[0]
}

func text(r *discordgo.InteractionResponse) string {
	if r.Data == nil {
		return ""
	}
	s := r.Data.Content
	for _, e := range r.Data.Embeds {
		s += "\n" + e.Title + "\n" + e.Description
	}
	return s
}

func TestModeration_RolesAndAuditNeedManageServer(t *testing.T) {
	f := newModFixture(t, 0)
	owner := as(guildA, "500000000000000001", manage)
	roleMod := as(guildA, "500000000000000002", plain, modRole)
	if got := text(f.do(t, owner, kbCmd("roles add", opt("role", discordgo.ApplicationCommandOptionRole, modRole)))); !strings.Contains(got, "may now moderate") {
		t.Fatalf("manager adding a role: %q", got)
	}
	// The role's members moderate entries...
	if r := f.do(t, roleMod, kbCmd("stats")); !strings.Contains(text(r), "Questions asked") {
		t.Fatalf("role moderator reading stats: %q", text(r))
	}
	// ...but cannot change who moderates or where the audit trail goes.
	for name, edit := range map[string]func(*discordgo.Interaction){
		"roles add":    kbCmd("roles add", opt("role", discordgo.ApplicationCommandOptionRole, otherRole)),
		"roles remove": kbCmd("roles remove", opt("role", discordgo.ApplicationCommandOptionRole, modRole)),
		"auditchannel": all(kbCmd("auditchannel"), resolveChannel(auditChan, guildA)),
	} {
		if got := text(f.do(t, roleMod, edit)); !strings.Contains(got, "Only members with Manage Server") {
			t.Errorf("role moderator ran %s: %q", name, got)
		}
	}
	roles, err := Settings{store: f.store}.ModRoles(context.Background(), guildA)
	if err != nil || len(roles) != 1 || roles[0] != modRole {
		t.Fatalf("roles after refused changes: %v %v", roles, err)
	}
	// @everyone can never be made a moderator role.
	if got := text(f.do(t, owner, kbCmd("roles add", opt("role", discordgo.ApplicationCommandOptionRole, guildA)))); !strings.Contains(got, "@everyone") {
		t.Fatalf("@everyone as a moderator role: %q", got)
	}
}

func TestModeration_SettingsChangesAreAudited(t *testing.T) {
	f := newModFixture(t, 0)
	owner := as(guildA, "500000000000000001", manage)
	const newChan = "420000000000000002"
	f.do(t, owner, kbCmd("auditchannel", opt("channel", discordgo.ApplicationCommandOptionChannel, auditChan)), resolveChannel(auditChan, guildA))
	f.do(t, owner, kbCmd("roles add", opt("role", discordgo.ApplicationCommandOptionRole, modRole)))
	f.do(t, owner, kbCmd("roles remove", opt("role", discordgo.ApplicationCommandOptionRole, modRole)))
	f.do(t, owner, kbCmd("auditchannel", opt("channel", discordgo.ApplicationCommandOptionChannel, newChan)), resolveChannel(newChan, guildA))
	f.do(t, owner, kbCmd("auditchannel"))
	old := f.sender.posted(auditChan)
	if len(old) != 4 || !strings.Contains(old[1], "may now moderate") || !strings.Contains(old[2], "no longer moderates") || !strings.Contains(old[3], "moved") {
		t.Fatalf("old audit channel heard %q", old)
	}
	if moved := f.sender.posted(newChan); len(moved) != 2 || !strings.Contains(moved[1], "stopped posting") {
		t.Fatalf("new audit channel heard %q", moved)
	}
	// The log itself is readable from Discord.
	got := text(f.do(t, owner, kbCmd("audit")))
	if !strings.Contains(got, `audit\_channel=420000000000000001`) || !strings.Contains(got, `mod\_roles=600000000000000001`) {
		t.Fatalf("/kb audit: %q", got)
	}
}

func TestModeration_AuditChannelMustBeThisServers(t *testing.T) {
	f := newModFixture(t, 0)
	owner := as(guildA, "500000000000000001", manage)
	for name, edit := range map[string]func(*discordgo.Interaction){
		"OtherServer": resolveChannel(auditChan, guildB),
		"Unresolved":  func(*discordgo.Interaction) {},
	} {
		got := text(f.do(t, owner, kbCmd("auditchannel", opt("channel", discordgo.ApplicationCommandOptionChannel, auditChan)), edit))
		if !strings.Contains(got, "this server's text channels") {
			t.Errorf("%s: %q", name, got)
		}
	}
	if ch, _ := (Settings{store: f.store}).AuditChannel(context.Background(), guildA); ch != "" {
		t.Fatalf("audit channel set to %q", ch)
	}
}

func TestModeration_ForgedRemoveButton(t *testing.T) {
	f := newModFixture(t, 0)
	owner := as(guildA, "500000000000000001", manage)
	for _, id := range []string{"no-such-entry", "Bad`Id", strings.Repeat("a", 70)} {
		r := f.do(t, owner, button("/kbrm/"+guildA+"/"+id+"/0"))
		if !strings.Contains(text(r), "no such entry") {
			t.Errorf("forged id %q: %q", id, text(r))
		}
		if strings.Contains(text(r), "`") && strings.Contains(text(r), id) {
			t.Errorf("forged id %q echoed", id)
		}
		if vs, _ := f.store.History(context.Background(), guildA, id); len(vs) != 0 {
			t.Errorf("forged id %q stored %d versions", id, len(vs))
		}
	}
	// A real one is hidden.
	if r := f.do(t, owner, button("/kbrm/"+guildA+"/who-is-peskov/0")); !strings.Contains(text(r), "Hidden `who-is-peskov`") {
		t.Fatalf("real remove: %q", text(r))
	}
}

func TestModeration_CitationURL(t *testing.T) {
	f := newModFixture(t, 0)
	owner := as(guildA, "500000000000000001", manage)
	form := func(source string) func(*discordgo.Interaction) {
		return modal("/kbsave/"+guildA+"/new/0", map[string]string{
			fieldQuestion: "What did the embassy say?", fieldAnswer: "The embassy said it is open.",
			fieldQuote: "The embassy is open.", fieldSource: source,
		})
	}
	for _, bad := range []string{
		"https://example.org/a)[click](https://evil.example Title",
		"https://example.org/<script> Title",
		"javascript:alert(1) Title",
		"https://example.org/a\tb Title",
		"https://example.org/*bold* Title",
	} {
		if got := text(f.do(t, owner, form(bad))); !strings.Contains(got, "can't be used as a source") && !strings.Contains(got, "I don't know the source") {
			t.Errorf("source %q accepted: %q", bad, got)
		}
	}
	got := f.do(t, owner, form("https://example.org/story?id=1 The [embassy] *story*"))
	if !strings.Contains(text(got), "Saved `what-did-the-embassy-say`") {
		t.Fatalf("a plain URL refused: %q", text(got))
	}
	var sources string
	for _, fl := range got.Data.Embeds[0].Fields {
		sources += fl.Value
	}
	if !strings.Contains(sources, `The \[embassy\] \*story\*`) {
		t.Fatalf("title not escaped: %q", sources)
	}
}

func TestModeration_ReAddHiddenID(t *testing.T) {
	f := newModFixture(t, 0)
	owner := as(guildA, "500000000000000001", manage)
	form := map[string]string{
		fieldQuestion: "Who is Dmitry Peskov exactly?", fieldAnswer: "The Kremlin spokesman.",
		fieldQuote: "according to Kremlin spokesman Dmitry Peskov", fieldSource: "hngn-2022-01-10",
	}
	if got := text(f.do(t, owner, modal("/kbsave/"+guildA+"/new/0", form))); !strings.Contains(got, "Saved `who-is-dmitry-peskov-exactly` as version 1") {
		t.Fatalf("first add: %q", got)
	}
	if got := text(f.do(t, owner, button("/kbrm/"+guildA+"/who-is-dmitry-peskov-exactly/1"))); !strings.Contains(got, "Hidden") {
		t.Fatalf("hide: %q", got)
	}
	got := text(f.do(t, owner, modal("/kbsave/"+guildA+"/new/0", form)))
	if !strings.Contains(got, "as version 3") || !strings.Contains(got, "belonged to a hidden entry") {
		t.Fatalf("re-add of a hidden id: %q", got)
	}
}

func TestModeration_StaleFormIsAConflict(t *testing.T) {
	f := newModFixture(t, 0)
	owner := as(guildA, "500000000000000001", manage)
	r := f.do(t, owner, kbCmd("edit", opt("id", discordgo.ApplicationCommandOptionString, "who-is-peskov")))
	if r.Type != discordgo.InteractionResponseModal {
		t.Fatalf("edit opened %v", r.Type)
	}
	customID := r.Data.CustomID
	// Another process changes the entry in the database meanwhile (the bot's
	// in-memory index does not know).
	e, _ := f.lib.Index(guildA).Entry("who-is-peskov")
	changed := *e
	changed.Answer = "Changed by the command line."
	if _, err := f.store.Apply(context.Background(), []kb.Change{{Scope: guildA, EntryID: e.ID, Entry: &changed, Action: kb.ActionEdit, Author: "cli"}}); err != nil {
		t.Fatal(err)
	}
	save := modal(customID, map[string]string{fieldQuestion: "Who is Dmitry Peskov?", fieldAnswer: "Mine.",
		fieldQuote: "according to Kremlin spokesman Dmitry Peskov", fieldSource: "hngn-2022-01-10"})
	if got := text(f.do(t, owner, save)); !strings.Contains(got, "changed since you opened it") {
		t.Fatalf("stale save: %q", got)
	}
	// Opened again, the form starts from the other process's version.
	r = f.do(t, owner, kbCmd("edit", opt("id", discordgo.ApplicationCommandOptionString, "who-is-peskov")))
	if !strings.HasSuffix(r.Data.CustomID, "/1") {
		t.Fatalf("fresh form %q", r.Data.CustomID)
	}
	answer := r.Data.Components[2].(discordgo.ActionsRow).Components[0].(discordgo.TextInput).Value
	if answer != "Changed by the command line." {
		t.Fatalf("form shows %q", answer)
	}
}

func TestModeration_RateLimitPerServer(t *testing.T) {
	f := newModFixture(t, 3)
	owner := as(guildA, "500000000000000001", manage)
	list := kbCmd("roles list")
	for n := range 3 {
		if got := text(f.do(t, owner, list)); strings.Contains(got, "very quickly") {
			t.Fatalf("request %d limited", n+1)
		}
	}
	if got := text(f.do(t, as(guildA, "500000000000000009", manage), list)); !strings.Contains(got, "very quickly") {
		t.Fatalf("4th request in a minute (another moderator): %q", got)
	}
	if got := text(f.do(t, as(guildB, "500000000000000001", manage), list)); strings.Contains(got, "very quickly") {
		t.Fatalf("another server limited: %q", got)
	}
	f.clock = f.clock.Add(time.Minute)
	if got := text(f.do(t, owner, list)); strings.Contains(got, "very quickly") {
		t.Fatalf("still limited a minute later: %q", got)
	}
}

func TestModeration_Routes(t *testing.T) {
	f := newModFixture(t, 0)
	owner := as(guildA, "500000000000000001", manage)
	for _, c := range []struct {
		path string
		opts []*discordgo.ApplicationCommandInteractionDataOption
		want string
	}{
		{"add", nil, "modal"},
		{"edit", []*discordgo.ApplicationCommandInteractionDataOption{opt("id", discordgo.ApplicationCommandOptionString, "who-is-peskov")}, "modal"},
		{"remove", []*discordgo.ApplicationCommandInteractionDataOption{opt("id", discordgo.ApplicationCommandOptionString, "who-is-peskov")}, "Hide **"},
		{"history", []*discordgo.ApplicationCommandInteractionDataOption{opt("id", discordgo.ApplicationCommandOptionString, "who-is-peskov")}, "no versions in this server's"},
		{"revert", []*discordgo.ApplicationCommandInteractionDataOption{opt("id", discordgo.ApplicationCommandOptionString, "who-is-peskov"), opt("version", discordgo.ApplicationCommandOptionInteger, 9.0)}, "has no version 9"},
		{"unanswered", nil, "No declined questions"},
		{"export", nil, "`/kb import` takes this file back"},
		{"audit", nil, "empty"},
		{"stats", nil, "Questions asked"},
		{"roles list", nil, "Only members with Manage Server can moderate here."},
		{"nonsense", nil, "I don't know that /kb command"},
	} {
		t.Run(strings.ReplaceAll(c.path, " ", "_"), func(t *testing.T) {
			r := f.do(t, owner, kbCmd(c.path, c.opts...))
			got := text(r)
			if r.Type == discordgo.InteractionResponseModal {
				got = "modal"
			}
			if !strings.Contains(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			if r.Type != discordgo.InteractionResponseModal && r.Data.Flags != discordgo.MessageFlagsEphemeral {
				t.Fatalf("a /kb reply was public: %q", got)
			}
		})
	}
	// Not a moderator; a moderator of another server; a DM.
	for name, who := range map[string]func(*discordgo.Interaction){
		"Member":      as(guildA, "500000000000000003", plain),
		"OtherServer": as(guildB, "500000000000000004", plain, modRole),
		"DM": func(i *discordgo.Interaction) {
			i.GuildID, i.Member, i.User = "", nil, &discordgo.User{ID: "500000000000000005"}
		},
	} {
		got := text(f.do(t, who, kbCmd("edit", opt("id", discordgo.ApplicationCommandOptionString, "who-is-peskov"))))
		if !strings.Contains(got, "Only moderators") && !strings.Contains(got, "Moderation happens in a server") {
			t.Errorf("%s edited: %q", name, got)
		}
	}
	// The scope in a forged form is checked like the command's.
	got := text(f.do(t, owner, modal("/kbsave/"+guildB+"/new/0", map[string]string{fieldQuestion: "x"})))
	if !strings.Contains(got, "only change this server's answers") {
		t.Fatalf("form for another server: %q", got)
	}
	if got := text(f.do(t, owner, modal("/kbsave/global/new/"+strconv.Itoa(0), map[string]string{fieldQuestion: "x"}))); !strings.Contains(got, "Only the bot's operators") {
		t.Fatalf("form for the global scope: %q", got)
	}
}

func TestModeration_AddPhrasingFromPicks(t *testing.T) {
	f := newModFixture(t, 0)
	ctx := context.Background()
	owner := as(guildA, "500000000000000001", manage)
	const q = "which bloke talks for the kremlin"
	if err := f.store.RecordPick(ctx, guildA, q, "who-is-peskov"); err != nil {
		t.Fatal(err)
	}
	has := func(scope string) bool {
		e, _, _ := f.lib.Entry(scope, "who-is-peskov")
		return slices.Contains(e.Aliases, q)
	}
	if has(guildA) {
		t.Fatal("learned before a moderator chose to")
	}
	r := f.do(t, owner, kbCmd("unanswered"))
	if !strings.Contains(text(r), "“"+q+"” → `who-is-peskov`") {
		t.Fatalf("unanswered: %q", text(r))
	}
	var id string
	for _, row := range r.Data.Components {
		for _, c := range row.(discordgo.ActionsRow).Components {
			if b := c.(discordgo.Button); strings.HasPrefix(b.CustomID, "/kbphr/") {
				id = b.CustomID
			}
		}
	}
	if got := text(f.do(t, owner, button(id))); !strings.Contains(got, "Added “"+q+"” as a phrasing of `who-is-peskov` (version 1)") {
		t.Fatalf("add phrasing: %q", got)
	}
	if !has(guildA) || has(guildB) || has(kb.GlobalScope) {
		t.Fatal("the phrasing is not exactly in this server's layer")
	}
	if ps, _ := f.store.Picks(ctx, guildA, 10); len(ps) != 0 {
		t.Fatalf("picks left %+v", ps)
	}
	if got := text(f.do(t, owner, button(id))); !strings.Contains(got, "gone") {
		t.Fatalf("second click: %q", got)
	}
	if vs, _ := f.store.History(ctx, guildA, "who-is-peskov"); len(vs) != 1 || vs[0].Author != "500000000000000001" {
		t.Fatalf("history %+v", vs)
	}
}
