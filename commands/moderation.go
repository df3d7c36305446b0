package commands

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// Sender is what moderation needs from Discord besides answering the
// interaction: posting to a channel (the audit channel) and downloading an
// attachment (an import file). *bot.Bot satisfies it.
type Sender interface {
	Send(ctx context.Context, channelID string, rep *bot.Reply) error
	Fetch(ctx context.Context, url string, limit int64) ([]byte, error)
}

// ModerationConfig is what the /kb command needs. Library, Store and Sender
// are required; zero values of the rest mean defaults.
type ModerationConfig struct {
	// Words are the bot's own words; nil loads the embedded message files.
	Words   *i18n.Catalog
	Library *kb.Library // the per-server indexes that edits rebuild
	Store   kb.Store    // the store behind Library: history, audit, settings, statistics
	Sender  Sender
	Owners  []string // OWNER_USER_IDS: may change the global knowledge base
	Now     func() time.Time
	Logger  *slog.Logger
	// AskChannels keeps the servers' own ask channels (/kb channels); nil
	// keeps them in Store, uncached by anyone else.
	AskChannels *AskChannels
	// MessageContent says the bot has the Message Content intent, without
	// which /kb channels add explains what the operator must do.
	MessageContent bool
	// PerServer is how many /kb commands one server may run per minute,
	// shared by its moderators (default 30): one server cannot spend the
	// bot's CPU and disk for all.
	PerServer int
	// Observer is told of refused edits; nil means none.
	Observer EditObserver
}

// Moderation is the /kb command: moderators keep their server's answers
// current, with history, rollback and an audit trail, and never reach
// another server's answers. Safe for concurrent use.
type Moderation struct {
	words    *i18n.Catalog
	lib      *kb.Library
	store    kb.Store
	send     Sender
	owners   []string
	now      func() time.Time
	log      *slog.Logger
	settings Settings
	limiter  *limiter
	observer EditObserver

	askChannels    *AskChannels
	messageContent bool
}

// NewModeration returns the /kb command over its dependencies.
func NewModeration(c ModerationConfig) *Moderation {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.PerServer == 0 {
		c.PerServer = 30
	}
	if c.Words == nil {
		c.Words = i18n.MustLoad()
	}
	if c.AskChannels == nil {
		c.AskChannels = NewAskChannels(c.Store, c.Logger)
	}
	return &Moderation{
		words: c.Words, lib: c.Library, store: c.Store, send: c.Sender, owners: c.Owners, now: c.Now, log: c.Logger,
		settings: Settings{store: c.Store},
		limiter:  newLimiter(c.PerServer, time.Minute, c.Now),
		observer: c.Observer,

		askChannels: c.AskChannels, messageContent: c.MessageContent,
	}
}

const (
	permManageServer = int64(discordgo.PermissionManageGuild)
	permAdmin        = int64(discordgo.PermissionAdministrator)
	addedTopic       = "Added by moderators"
)

// level is who may run a moderation action.
type level int

const (
	// moderator: Manage Server, Administrator, or a moderator role.
	moderator level = iota
	// manager: Manage Server or Administrator only. Who moderates and where
	// the audit trail goes are decided by managers, so a moderator role can
	// neither grant itself to others nor silence the audit channel.
	manager
)

// scopedHandler handles a moderation request in an authorised scope.
type scopedHandler func(ctx context.Context, req *bot.Request, scope string) (*bot.Reply, error)

// guard authorises a request for the scope it names (the "scope" option of a
// command, or the scope a form or button carries) at the given level, applies
// the per-server rate limit, then runs h.
func (m *Moderation) guard(need level, h scopedHandler) bot.HandlerFunc {
	return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		requested := req.String("scope")
		if p, ok := req.Params["scope"]; ok {
			requested = p
		}
		l := m.lang(req)
		sc, err := m.authorize(ctx, req, requested, need)
		if err != nil {
			return nil, err
		}
		if ok, wait := m.limiter.allow(sc); !ok {
			return nil, &bot.UserError{Msg: l.T("mod_err_too_fast", "Count", int(wait/time.Second))}
		}
		rep, err := h(ctx, req, sc)
		if errors.Is(err, kb.ErrUnavailable) || errors.Is(err, errModerationUnavailable) {
			return nil, &bot.UserError{Msg: l.T("mod_err_unavailable")}
		}
		return rep, err
	}
}

// errModerationUnavailable means the database cannot be reached: answers
// still come (from memory), changes wait. guard tells the moderator so in
// their language (mod_err_unavailable).
var errModerationUnavailable = bot.Userf("Moderation is unavailable right now: the database cannot be reached. Members still get answers; nothing was changed. Try again in a minute.")

// lang is the language to answer a moderator in.
func (m *Moderation) lang(req *bot.Request) i18n.Lang {
	return m.words.For(req.Locale, req.GuildLocale)
}

// serverLang is the language of posts that the server's moderators read
// (the audit channel): the server's locale, else English, never the acting
// moderator's own.
func (m *Moderation) serverLang(req *bot.Request) i18n.Lang {
	return m.words.For(req.GuildLocale)
}

// authorize resolves the scope a request acts on and checks the user may act
// there. It runs on every moderation interaction, from the member data
// Discord sent, not only through the command's default permission (which a
// server can change).
func (m *Moderation) authorize(ctx context.Context, req *bot.Request, requested string, need level) (string, error) {
	l := m.lang(req)
	if requested == "global" || requested == kb.GlobalScope {
		if !slices.Contains(m.owners, req.UserID) {
			return "", &bot.UserError{Msg: l.T("mod_err_operators_only")}
		}
		return kb.GlobalScope, nil
	}
	if req.GuildID == "" {
		return "", &bot.UserError{Msg: l.T("mod_err_in_server")}
	}
	if requested != "" && requested != "server" && requested != req.GuildID {
		return "", &bot.UserError{Msg: l.T("mod_err_this_server_only")}
	}
	if req.Permissions&(permManageServer|permAdmin) != 0 {
		return req.GuildID, nil
	}
	if need == manager {
		return "", &bot.UserError{Msg: l.T("mod_err_managers_only")}
	}
	roles, err := m.settings.ModRoles(ctx, req.GuildID)
	if err != nil {
		return "", err
	}
	for _, r := range req.Roles {
		if r != "" && slices.Contains(roles, r) {
			return req.GuildID, nil
		}
	}
	return "", &bot.UserError{Msg: l.T("mod_err_moderators_only")}
}

// command is /kb: its definition and its routes, one route per subcommand.
func (m *Moderation) command(indexes Indexes) command {
	perm := permManageServer
	idOpt := func() *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "id", Description: "The entry", Required: true, Autocomplete: true}
	}
	scopeOpt := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "scope", Description: "Where the change applies (default: this server)",
		Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "this server", Value: "server"}, {Name: "everyone (bot operators only)", Value: "global"}}}
	sub := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: desc, Options: opts}
	}
	roleOpt := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionRole, Name: "role", Description: "The role", Required: true}
	return command{
		def: &discordgo.ApplicationCommand{
			Name: "kb", Description: "Moderators: keep CrisisBot's answers current for this server.",
			DefaultMemberPermissions: &perm,
			Contexts:                 &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
			Options: []*discordgo.ApplicationCommandOption{
				sub("add", "Add an answer (opens a form)", scopeOpt),
				sub("edit", "Edit an answer (opens the form filled in)", idOpt(), scopeOpt),
				sub("remove", "Hide an answer (asks to confirm; it stays in the history)", idOpt(), scopeOpt),
				sub("history", "Versions of an answer: who, when, what changed", idOpt(), scopeOpt),
				sub("revert", "Restore a version as a new version", idOpt(),
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "version", Description: "The version to restore", Required: true, MinValue: ptr(1.0)}, scopeOpt),
				sub("unanswered", "The most-asked questions I declined"),
				sub("export", "This server's changes (or, for operators, everything) as a JSON file", scopeOpt),
				sub("import", "Apply a JSON file: all of it, or nothing if any entry is wrong",
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "A file from /kb export", Required: true}, scopeOpt),
				sub("auditchannel", "Managers: post every change to this server's answers in a channel",
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "Where to post (leave out to stop)",
						ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}}),
				sub("audit", "The latest changes here: who changed what, and when", scopeOpt),
				sub("stats", "Questions asked, answered rate, top answers and feedback"),
				sub("settings", "Managers: correcting earlier answers, and mentioning authors", answerSettingOptions()...),
				{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "roles", Description: "Roles whose members may moderate",
					Options: []*discordgo.ApplicationCommandOption{sub("add", "Managers: let a role moderate", roleOpt), sub("remove", "Managers: stop a role moderating", roleOpt), sub("list", "List the moderator roles")}},
				sourceGroup(sub, scopeOpt),
				channelsGroup(sub),
			},
		},
		routes: func(r *bot.Router) {
			r.Command("kb/add", m.guard(moderator, m.handleAdd), bot.OpensModal)
			r.Command("kb/edit", m.guard(moderator, m.handleEdit), bot.OpensModal)
			r.Command("kb/remove", m.guard(moderator, m.handleRemove), bot.Private)
			r.Command("kb/history", m.guard(moderator, m.handleHistory), bot.Private)
			r.Command("kb/revert", m.guard(moderator, m.handleRevert), bot.Private)
			r.Command("kb/unanswered", m.guard(moderator, m.handleUnanswered), bot.Private)
			r.Command("kb/export", m.guard(moderator, m.handleExport), bot.Private)
			r.Command("kb/import", m.guard(moderator, m.handleImport), bot.Private)
			r.Command("kb/auditchannel", m.guard(manager, m.handleAuditChannel), bot.Private)
			r.Command("kb/audit", m.guard(moderator, m.handleAudit), bot.Private)
			r.Command("kb/stats", m.guard(moderator, m.handleStats), bot.Private)
			r.Command("kb/settings", m.guard(manager, m.handleSettings), bot.Private)
			r.Command("kb/roles/add", m.guard(manager, m.handleRolesAdd), bot.Private)
			r.Command("kb/roles/remove", m.guard(manager, m.handleRolesRemove), bot.Private)
			r.Command("kb/roles/list", m.guard(moderator, m.handleRolesList), bot.Private)
			m.sourceRoutes(r)
			m.channelRoutes(r)
			r.Command("kb", func(_ context.Context, req *bot.Request) (*bot.Reply, error) {
				return nil, &bot.UserError{Msg: m.lang(req).T("mod_err_unknown_command")}
			}, bot.Private)
			r.Autocomplete("kb", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				if req.Focused() == "source" {
					return m.completeSource(req), nil
				}
				var choices []*discordgo.ApplicationCommandOptionChoice
				for _, sg := range indexes.Index(scope(req)).Complete(req.String("id"), bot.MaxChoices) {
					choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: sg.Question, Value: sg.ID})
				}
				return &bot.Reply{Choices: choices}, nil
			})
			r.ModalSubmit("/kbsave/{scope}/{entry}/{base}", m.guard(moderator, m.handleSave), bot.Private)
			r.Component("/kbrm/{scope}/{entry}/{base}", m.guard(moderator, m.handleRemoveConfirm), bot.UpdatesMessage)
			r.Component("/kbcancel", func(_ context.Context, req *bot.Request) (*bot.Reply, error) {
				return &bot.Reply{Update: true, Content: m.lang(req).T("mod_cancelled")}, nil
			}, bot.UpdatesMessage)
			r.Component("/kbnew/{rank}", m.guard(moderator, m.handleCreateFromUnanswered), bot.OpensModal)
			r.Component("/kbphr/{entry}/{ref}", m.guard(moderator, m.handleAddPhrasing), bot.UpdatesMessage)
		},
	}
}

func ptr[T any](v T) *T { return &v }

// audit posts a change to the server's audit channel, if it has one. The
// audit log in the store is the record; a failed post is only logged.
func (m *Moderation) audit(ctx context.Context, sc, text string) {
	if sc == kb.GlobalScope {
		return
	}
	ch, err := m.settings.AuditChannel(ctx, sc)
	if err != nil || ch == "" {
		return
	}
	m.post(ctx, ch, text)
}

func (m *Moderation) post(ctx context.Context, channel, text string) {
	if err := m.send.Send(ctx, channel, &bot.Reply{Content: text}); err != nil {
		m.log.Warn("could not post to the audit channel", "err", err, "channel", channel)
	}
}
