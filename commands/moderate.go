package commands

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/kb"
)

// Moderation needs the library (a store behind per-server indexes) and the
// operators allowed to edit the global knowledge base.
type Moderation struct {
	Library *kb.Library
	Owners  []string // OWNER_USER_IDS
	// Post sends a message to a channel (the audit channel); Fetch downloads
	// an attachment. Both are set before the bot connects.
	Post  func(ctx context.Context, channelID string, rep *bot.Reply) error
	Fetch func(ctx context.Context, url string, limit int64) ([]byte, error)
}

const (
	permManageServer = int64(discordgo.PermissionManageGuild)
	permAdmin        = int64(discordgo.PermissionAdministrator)
	settingModRoles  = "mod_roles"
	addedTopic       = "Added by moderators"
)

func (s *Service) kbCommand() command {
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
				sub("auditchannel", "Post every change to this server's answers in a channel",
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "Where to post (leave out to stop)",
						ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}}),
				sub("stats", "Questions asked, answered rate, top answers and feedback"),
				{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "roles", Description: "Roles whose members may moderate",
					Options: []*discordgo.ApplicationCommandOption{sub("add", "Let a role moderate", roleOpt), sub("remove", "Stop a role moderating", roleOpt), sub("list", "List the moderator roles")}},
			},
		},
		routes: func(r *bot.Router) {
			r.Command("kb", s.handleKB)
			r.Autocomplete("kb", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				var choices []*discordgo.ApplicationCommandOptionChoice
				for _, sg := range s.indexes.Index(scope(req)).Complete(req.String("id"), bot.MaxChoices) {
					choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: sg.Question, Value: sg.ID})
				}
				return &bot.Reply{Choices: choices}, nil
			})
			r.ModalSubmit("/kbsave/{scope}/{entry}/{base}", s.handleSave)
			r.Component("/kbrm/{scope}/{entry}/{base}", s.handleRemoveConfirm)
			r.Component("/kbcancel", func(context.Context, *bot.Request) (*bot.Reply, error) {
				return &bot.Reply{Update: true, Content: "Cancelled; nothing changed."}, nil
			})
			r.Component("/kbnew/{rank}", s.handleCreateFromUnanswered)
		},
	}
}

func ptr[T any](v T) *T { return &v }

// editScope resolves and authorises the scope a moderation request acts on.
// Permissions are checked here, on every moderation interaction, from the
// member data Discord sent, not only by the client-side default permission.
func (s *Service) editScope(ctx context.Context, req *bot.Request, requested string) (string, error) {
	if requested == "global" || requested == kb.GlobalScope {
		if !slices.Contains(s.mod.Owners, req.UserID) {
			return "", bot.Userf("Only the bot's operators can change the answers everyone sees. Leave out scope to change this server's answers.")
		}
		return kb.GlobalScope, nil
	}
	if req.GuildID == "" {
		return "", bot.Userf("Moderation happens in a server: run this there.")
	}
	if requested != "" && requested != "server" && requested != req.GuildID {
		return "", bot.Userf("You can only change this server's answers.")
	}
	if req.Permissions&(permManageServer|permAdmin) != 0 {
		return req.GuildID, nil
	}
	roles, err := s.mod.Library.Store().Setting(ctx, req.GuildID, settingModRoles)
	if err != nil {
		return "", err
	}
	for _, r := range req.Roles {
		if r != "" && slices.Contains(strings.Split(roles, ","), r) {
			return req.GuildID, nil
		}
	}
	return "", bot.Userf("Only moderators can change answers: members with Manage Server, or a role added with `/kb roles add`.")
}

func (s *Service) handleKB(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if s.mod == nil {
		return nil, bot.Userf("Moderation is not enabled on this bot.")
	}
	sc, err := s.editScope(ctx, req, req.String("scope"))
	if err != nil {
		return nil, err
	}
	switch req.Subcommand() {
	case "add":
		return &bot.Reply{Modal: s.entryModal(sc, nil, 0, "")}, nil
	case "edit":
		e, base, err := s.current(ctx, sc, req.String("id"))
		if err != nil {
			return nil, err
		}
		return &bot.Reply{Modal: s.entryModal(sc, e, base, "")}, nil
	case "remove":
		e, base, err := s.current(ctx, sc, req.String("id"))
		if err != nil {
			return nil, err
		}
		return &bot.Reply{Ephemeral: true, Content: fmt.Sprintf("Hide **%s** (`%s`)? It stays in the history and can be restored with `/kb revert`.", bot.Escape(e.Question), e.ID),
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Hide it", Style: discordgo.DangerButton, CustomID: bot.MustCustomID("kbrm", sc, e.ID, strconv.Itoa(base))},
				discordgo.Button{Label: "Cancel", Style: discordgo.SecondaryButton, CustomID: "/kbcancel"},
			}}}}, nil
	case "history":
		return s.history(ctx, sc, req.String("id"))
	case "revert":
		return s.revert(ctx, req, sc, req.String("id"), req.Int("version"))
	case "unanswered":
		return s.unanswered(ctx, sc)
	case "export":
		return s.export(ctx, sc)
	case "import":
		return s.importFile(ctx, req, sc)
	case "auditchannel":
		return s.auditChannel(ctx, req, sc)
	case "stats":
		return s.stats(ctx, sc)
	case "roles add", "roles remove", "roles list":
		return s.roles(ctx, req, sc)
	}
	return nil, bot.Userf("I don't know that /kb command.")
}

// current returns the entry as the scope sees it and the scope's version of
// it (0 when the scope has not changed it).
func (s *Service) current(ctx context.Context, sc, id string) (*kb.Entry, int, error) {
	e, ok := s.mod.Library.Index(sc).Entry(id)
	if !ok {
		return nil, 0, bot.Userf("There is no entry `%s` here. Start typing in the id box to pick one.", bot.Escape(bot.Truncate(id, 64)))
	}
	return e, s.version(ctx, sc, id), nil
}

func (s *Service) version(ctx context.Context, sc, id string) int {
	h, err := s.mod.Library.Store().History(ctx, sc, id)
	if err != nil || len(h) == 0 {
		return 0
	}
	return h[len(h)-1].Version
}

// Modal fields.
const (
	fieldQuestion = "question"
	fieldAliases  = "aliases"
	fieldAnswer   = "answer"
	fieldQuote    = "quote"
	fieldSource   = "source"
)

// entryModal is the add/edit form; its custom ID carries the scope, the entry
// and the version the form started from, so a stale save is caught.
func (s *Service) entryModal(sc string, e *kb.Entry, base int, question string) *bot.Modal {
	id, title := "new", "Add an answer"
	vals := map[string]string{fieldQuestion: question, fieldSource: s.defaultSource()}
	if e != nil {
		id, title = e.ID, "Edit an answer"
		vals[fieldQuestion] = e.Question
		vals[fieldAliases] = strings.Join(e.Aliases, "\n")
		vals[fieldAnswer] = e.Answer
		if len(e.Citations) > 0 {
			c := e.Citations[0]
			vals[fieldQuote], vals[fieldSource] = c.Quote, c.SourceID
			if c.Unverified() {
				vals[fieldSource] = c.URL + " " + c.Title
			}
		}
	}
	input := func(cid, label string, style discordgo.TextInputStyle, max int, required bool) discordgo.TextInput {
		return discordgo.TextInput{CustomID: cid, Label: label, Style: style, MaxLength: max, Required: required, Value: vals[cid]}
	}
	return &bot.Modal{
		CustomID: bot.MustCustomID("kbsave", sc, id, strconv.Itoa(base)),
		Title:    title,
		Inputs: []discordgo.TextInput{
			input(fieldQuestion, "Question", discordgo.TextInputShort, kb.MaxQuestionLen, true),
			input(fieldAliases, "Other phrasings, one per line", discordgo.TextInputParagraph, 2000, false),
			input(fieldAnswer, "Answer (attribute and date claims)", discordgo.TextInputParagraph, kb.MaxAnswerLen, true),
			input(fieldQuote, "Quote, word for word from the source", discordgo.TextInputParagraph, kb.MaxQuoteLen, true),
			input(fieldSource, "Source id, or a URL then its title", discordgo.TextInputShort, 400, true),
		},
	}
}

func (s *Service) defaultSource() string {
	srcs := s.mod.Library.Index(kb.GlobalScope).KB().Sources
	if len(srcs) == 0 {
		return ""
	}
	return srcs[0].ID
}

// citationFrom reads the form's source field: a known source id, or a URL
// followed by the page's title (an unverified source).
func citationFrom(k *kb.KB, source, quote string) (kb.Citation, string, error) {
	source, quote = strings.TrimSpace(source), strings.TrimSpace(quote)
	if src, ok := k.Source(source); ok {
		return kb.Citation{SourceID: src.ID, Quote: quote}, src.Outlet, nil
	}
	first, title, _ := strings.Cut(source, " ")
	if u, err := url.Parse(first); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		if strings.TrimSpace(title) == "" {
			return kb.Citation{}, "", bot.Userf("Give the page's title after its URL, e.g. `https://example.org/story Title of the story`.")
		}
		return kb.Citation{URL: first, Title: strings.TrimSpace(title), Quote: quote}, u.Hostname() + " (unverified)", nil
	}
	return kb.Citation{}, "", bot.Userf("I don't know the source `%s`. Use a source id from `/source`, or a URL followed by the page's title.", bot.Escape(bot.Truncate(source, 64)))
}

var slugRun = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes an entry id from a question.
func slug(q string) string {
	s := strings.Trim(slugRun.ReplaceAllString(strings.ToLower(q), "-"), "-")
	if len(s) > 48 {
		s = strings.TrimRight(s[:48], "-")
	}
	if s == "" {
		s = "entry"
	}
	return s
}

// pending reads the scope and base version a form or confirmation button
// carries, and authorises the user for that scope.
func (s *Service) pending(ctx context.Context, req *bot.Request) (string, int, error) {
	if s.mod == nil {
		return "", 0, bot.Userf("Moderation is not enabled on this bot.")
	}
	sc, err := s.editScope(ctx, req, req.Params["scope"])
	if err != nil {
		return "", 0, err
	}
	base, err := strconv.Atoi(req.Params["base"])
	if err != nil || base < 0 {
		return "", 0, bot.Userf("That form or button is damaged; open it again.")
	}
	return sc, base, nil
}

func (s *Service) handleSave(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	sc, base, err := s.pending(ctx, req)
	if err != nil {
		return nil, err
	}
	f := req.Fields
	var aliases []string
	for _, a := range strings.Split(f[fieldAliases], "\n") {
		if a = strings.TrimSpace(a); a != "" {
			aliases = append(aliases, a)
		}
	}
	ix := s.mod.Library.Index(sc)
	cite, outlet, err := citationFrom(ix.KB(), f[fieldSource], f[fieldQuote])
	if err != nil {
		return nil, err
	}
	e := kb.Entry{
		Question: strings.TrimSpace(f[fieldQuestion]), Aliases: aliases, Answer: strings.TrimSpace(f[fieldAnswer]),
		Citations: []kb.Citation{cite},
		AsOf:      time.Now().UTC().Format(time.DateOnly), Topic: addedTopic, AttributedTo: outlet,
	}
	action := kb.ActionAdd
	if id := req.Params["entry"]; id != "new" {
		old, ok := ix.Entry(id)
		if !ok {
			return nil, bot.Userf("That entry was removed since you opened the form; nothing was saved.")
		}
		e.ID, e.Topic, e.AttributedTo, e.Related, action = old.ID, old.Topic, old.AttributedTo, old.Related, kb.ActionEdit
		if len(old.Citations) > 1 && old.Citations[0].Quote == e.Citations[0].Quote {
			e.Citations = old.Citations // the form shows the first quote; keep the others
		}
	} else {
		e.ID = slug(e.Question)
		if _, taken := ix.Entry(e.ID); taken {
			return nil, bot.Userf("An entry `%s` already exists; use `/kb edit` to change it.", e.ID)
		}
	}
	vs, err := s.mod.Library.Apply(ctx, []kb.Change{{Scope: sc, EntryID: e.ID, Entry: &e, Action: action, Author: req.UserID, Base: base}})
	if err != nil {
		return nil, saveError(err)
	}
	s.auditPost(ctx, sc, fmt.Sprintf("✏️ <@%s> %s `%s` (version %d).", req.UserID, map[kb.Action]string{kb.ActionAdd: "added", kb.ActionEdit: "edited"}[action], e.ID, vs[0].Version))
	rep := answerReply(s.mod.Library.Index(sc).KB(), &e, "")
	rep.Ephemeral, rep.Components = true, nil
	rep.Content = fmt.Sprintf("Saved `%s` as version %d. It answers from now on.", e.ID, vs[0].Version)
	return rep, nil
}

// saveError turns a store or validation error into words for the moderator.
func saveError(err error) error {
	var verr *kb.ValidationError
	switch {
	case errors.Is(err, kb.ErrConflict):
		return bot.Userf("This entry changed since you opened it, so nothing was saved. Open it again to see the new version.")
	case errors.As(err, &verr):
		var lines []string
		for i, p := range verr.Problems {
			if i == 5 {
				lines = append(lines, fmt.Sprintf("…and %d more.", len(verr.Problems)-5))
				break
			}
			lines = append(lines, "• "+bot.Escape(p.Field+": "+p.Msg))
		}
		return bot.Userf("Nothing was saved:\n%s", strings.Join(lines, "\n"))
	}
	return err
}

func (s *Service) handleRemoveConfirm(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	sc, base, err := s.pending(ctx, req)
	if err != nil {
		return nil, err
	}
	id := req.Params["entry"]
	vs, err := s.mod.Library.Apply(ctx, []kb.Change{{Scope: sc, EntryID: id, Action: kb.ActionRemove, Author: req.UserID, Base: base}})
	if err != nil {
		return nil, saveError(err)
	}
	s.auditPost(ctx, sc, fmt.Sprintf("🗑️ <@%s> hid `%s` (version %d).", req.UserID, id, vs[0].Version))
	return &bot.Reply{Update: true, Content: fmt.Sprintf("Hidden `%s` (version %d). `/kb revert id:%s version:%d` brings it back.", id, vs[0].Version, id, max(vs[0].Version-1, 1))}, nil
}
