package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/internal/doctext"
	"crisisbot/kb"
)

// maxSourceFile bounds a source file's download: its text may be at most
// kb.MaxSourceBytes, and an HTML page is allowed some markup on top.
const (
	maxSourceFile = kb.MaxSourceBytes
	maxSourceHTML = 4 * kb.MaxSourceBytes
)

// sourceGroup is /kb source: add, remove, history and revert a source
// document of the scope.
func sourceGroup(sub func(string, string, ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption, scopeOpt *discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	str := func(name, desc string, max int) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc, Required: true, MaxLength: max}
	}
	idOpt := func() *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "source", Description: "The source id (from /source)", Required: true, Autocomplete: true}
	}
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "source", Description: "Source documents whose quotes are checked word for word",
		Options: []*discordgo.ApplicationCommandOption{
			sub("add", "Add a source: a .txt, .md or .html file of the article",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "The article's text (.txt, .md or .html, at most 1 MiB of text)", Required: true},
				str("title", "The article's headline", 300), str("outlet", "Who published it", 200),
				str("url", "Where it was published (https://…)", 2048), str("published", "Publication date, YYYY-MM-DD", 10), scopeOpt),
			sub("remove", "Stop using a source (refused while entries cite it)", idOpt(), scopeOpt),
			sub("history", "Versions of a source: who, when", idOpt(), scopeOpt),
			sub("revert", "Restore a version of a source as a new version", idOpt(),
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "version", Description: "The version to restore", Required: true, MinValue: ptr(1.0)}, scopeOpt),
		}}
}

func (m *Moderation) sourceRoutes(r *bot.Router) {
	r.Command("kb/source/add", m.guard(moderator, m.handleSourceAdd), bot.Private)
	r.Command("kb/source/remove", m.guard(moderator, m.handleSourceRemove), bot.Private)
	r.Command("kb/source/history", m.guard(moderator, m.handleSourceHistory), bot.Private)
	r.Command("kb/source/revert", m.guard(moderator, m.handleSourceRevert), bot.Private)
}

// completeSource suggests the scope's own sources (only those served, to
// remove one; removed ones too, for history and revert).
func (m *Moderation) completeSource(req *bot.Request) *bot.Reply {
	sc := scope(req)
	if req.String("scope") == "global" {
		sc = kb.GlobalScope
	}
	typed := strings.ToLower(req.String("source"))
	removing := strings.HasSuffix(req.Subcommand(), "remove")
	var choices []*discordgo.ApplicationCommandOptionChoice
	for _, v := range m.lib.ScopeSources(sc) {
		if len(choices) == bot.MaxChoices {
			break
		}
		name := v.SourceID + " (removed)"
		if v.Source != nil {
			name = v.Source.Outlet + ": " + v.Source.Title
		} else if removing {
			continue
		}
		if strings.Contains(v.SourceID, typed) || strings.Contains(strings.ToLower(name), typed) {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: bot.Truncate(name, 100), Value: v.SourceID})
		}
	}
	return &bot.Reply{Choices: choices}
}

// handleSourceAdd downloads the attached file from Discord's CDN (the bot
// never fetches the article's URL itself), reduces it to text and adds it to
// the scope's sources under an id made from the title.
func (m *Moderation) handleSourceAdd(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	a := req.AttachmentFile("file")
	if a == nil || a.URL == "" {
		return nil, &bot.UserError{Msg: l.T("mod_err_attach_article")}
	}
	kind := doctext.KindOf(a.Filename, a.ContentType)
	if kind == doctext.Unknown {
		return nil, &bot.UserError{Msg: l.T("mod_err_file_kind", "File", "`"+bot.Escape(bot.Truncate(a.Filename, 64))+"`")}
	}
	limit := int64(maxSourceFile)
	if kind == doctext.HTML {
		limit = maxSourceHTML
	}
	if int64(a.Size) > limit {
		return nil, &bot.UserError{Msg: l.T("mod_err_source_too_big", "Size", a.Size, "Limit", limit)}
	}
	data, err := m.send.Fetch(ctx, a.URL, limit)
	if err != nil {
		return nil, &bot.UserError{Msg: l.T("mod_err_source_download")}
	}
	text, err := doctext.Text(kind, data)
	if err != nil {
		if errors.Is(err, doctext.ErrFormat) {
			return nil, &bot.UserError{Msg: l.T("mod_err_source_format", "Problem", err.Error())}
		}
		return nil, &bot.UserError{Msg: l.T("mod_err_source_html")}
	}
	src := kb.Source{Title: strings.TrimSpace(req.String("title")), Outlet: strings.TrimSpace(req.String("outlet")),
		URL: strings.TrimSpace(req.String("url")), Published: strings.TrimSpace(req.String("published")), Text: text}
	v, err := m.lib.AddSource(ctx, sc, src, req.UserID)
	if err != nil {
		return nil, sourceError(l, err, l.T("mod_done_added"))
	}
	m.audit(ctx, sc, m.serverLang(req).T("audit_source_added", "User", req.UserID, "Source", v.SourceID, "Title", bot.Escape(bot.Truncate(src.Title, 200)), "Outlet", bot.Escape(bot.Truncate(src.Outlet, 100)), "Date", HumanDate(src.Published)))
	return &bot.Reply{Ephemeral: true, Content: l.T("mod_source_added", "ID", "`"+v.SourceID+"`",
		"Source", fmt.Sprintf("**%s** (%s, %s)", bot.Escape(bot.Truncate(src.Title, 200)), bot.Escape(bot.Truncate(src.Outlet, 100)), dateIn(l, src.Published)),
		"Count", utf8.RuneCountInString(text))}, nil
}

func (m *Moderation) handleSourceRemove(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	id := req.String("source")
	if !kb.ValidID(id) {
		return nil, noSource(l, id, sc)
	}
	v, err := m.lib.RemoveSource(ctx, sc, id, req.UserID)
	if errors.Is(err, kb.ErrSourceNotFound) {
		return nil, noSource(l, id, sc)
	}
	if err != nil {
		return nil, sourceError(l, err, l.T("mod_done_removed"))
	}
	m.audit(ctx, sc, m.serverLang(req).T("audit_source_removed", "User", req.UserID, "Source", id, "Version", v.Version))
	return &bot.Reply{Ephemeral: true, Content: l.T("mod_source_removed", "ID", "`"+id+"`", "Version", v.Version,
		"Revert", l.Commands(fmt.Sprintf("`/kb source revert source:%s version:%d`", id, v.Version-1)))}, nil
}

func (m *Moderation) handleSourceHistory(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	id := req.String("source")
	var vs []kb.SourceVersion
	var err error
	if kb.ValidID(id) {
		vs, err = m.store.SourceHistory(ctx, sc, id)
	}
	if err != nil && !errors.Is(err, kb.ErrNotFound) {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, noSource(l, id, sc)
	}
	var lines []string
	for _, v := range vs {
		what := l.T("mod_done_removed")
		if v.Source != nil {
			what = fmt.Sprintf("“%s” (%s, %s), %s", bot.Escape(bot.Truncate(v.Source.Title, 80)), bot.Escape(bot.Truncate(v.Source.Outlet, 60)), dateIn(l, v.Source.Published), l.T("mod_characters", "Count", utf8.RuneCountInString(v.Source.Text)))
		}
		lines = append(lines, fmt.Sprintf("**v%d** · %s · %s · <t:%d:f>\n%s", v.Version, v.Action, who(l, v.Author), v.At.Unix(), what))
	}
	if len(lines) > 15 {
		lines = append([]string{"(" + l.T("mod_older_versions", "Count", len(lines)-15) + ")"}, lines[len(lines)-15:]...)
	}
	return &bot.Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{Title: l.T("mod_source_history_title", "ID", id), Description: strings.Join(lines, "\n"), Color: colorAnswer}}}, nil
}

func (m *Moderation) handleSourceRevert(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	id, version := req.String("source"), req.Int("version")
	if !kb.ValidID(id) {
		return nil, noSource(l, id, sc)
	}
	v, err := m.lib.RevertSource(ctx, sc, id, version, req.UserID)
	if errors.Is(err, kb.ErrSourceNotFound) {
		return nil, &bot.UserError{Msg: l.T("mod_err_source_no_version", "ID", "`"+id+"`", "Version", version)}
	}
	if err != nil {
		return nil, sourceError(l, err, l.T("mod_done_restored"))
	}
	m.audit(ctx, sc, m.serverLang(req).T("audit_source_restored", "User", req.UserID, "Old", version, "Source", id, "Version", v.Version))
	return &bot.Reply{Ephemeral: true, Content: l.T("mod_source_restored", "Version", version, "ID", "`"+id+"`", "New", v.Version)}, nil
}

func noSource(l i18n.Lang, id, sc string) error {
	shown := "`" + bot.Escape(bot.Truncate(id, 64)) + "`"
	if sc == kb.GlobalScope {
		return &bot.UserError{Msg: l.T("mod_err_no_source_global", "ID", shown)}
	}
	return &bot.UserError{Msg: l.T("mod_err_no_source", "ID", shown)}
}

// sourceError turns an error from a change to the sources into words for
// the moderator, in l; done says what did not happen ("added").
func sourceError(l i18n.Lang, err error, done string) error {
	var verr *kb.ValidationError
	var inUse *kb.SourceInUseError
	var full *kb.SourcesFullError
	switch {
	case errors.As(err, &inUse):
		shown := inUse.Entries
		list := "`" + strings.Join(shown, "`, `") + "`"
		if len(shown) > 10 {
			list = "`" + strings.Join(shown[:10], "`, `") + "`" + l.T("mod_and_n_more", "Count", len(inUse.Entries)-10)
		}
		return &bot.UserError{Msg: l.T("mod_err_source_in_use", "ID", "`"+inUse.SourceID+"`", "Done", done, "Count", len(inUse.Entries), "Entries", list)}
	case errors.As(err, &full):
		return &bot.UserError{Msg: l.T("mod_err_sources_full", "Done", done, "Count", full.Limit)}
	case errors.As(err, &verr):
		var lines []string
		for _, p := range verr.Problems {
			lines = append(lines, "• "+bot.Escape(strings.TrimPrefix(p.Field, "sources[0].")+": "+p.Msg))
		}
		return &bot.UserError{Msg: l.T("mod_err_nothing_done", "Done", done) + "\n" + strings.Join(lines, "\n")}
	case errors.Is(err, kb.ErrConflict):
		return &bot.UserError{Msg: l.T("mod_err_source_conflict", "Done", done)}
	}
	return saveError(l, err)
}

// sourceLine is one source in a /source list of many.
func sourceLine(l i18n.Lang, s kb.Source, cited, entries int) string {
	return fmt.Sprintf("**%s** — %s, %s · %s · `%s` · <%s>", bot.Escape(bot.Truncate(s.Title, 120)), bot.Escape(bot.Truncate(s.Outlet, 60)),
		dateIn(l, s.Published), l.T("source_cited_by", "Cited", cited, "Count", entries), s.ID, s.URL)
}

// maxSourceEmbeds is how many sources /source shows as an embed each; more
// are listed one a line.
const maxSourceEmbeds = 5

// sourceList is /source for many sources: one line each, as many as fit.
func sourceList(l i18n.Lang, k *kb.KB) *bot.Reply {
	var b strings.Builder
	for i, s := range k.Sources {
		line := sourceLine(l, s, k.CitationCount(s.ID), len(k.Entries))
		if b.Len()+len(line) > 3800 {
			b.WriteString(l.T("and_more", "Count", len(k.Sources)-i))
			break
		}
		b.WriteString(line + "\n")
	}
	return &bot.Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{
		Title: l.T("sources_title", "Count", len(k.Sources)), Description: strings.TrimSpace(b.String()), Color: colorAnswer,
	}}}
}
