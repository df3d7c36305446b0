package commands

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// Form fields of the add/edit modal.
const (
	fieldQuestion = "question"
	fieldAliases  = "aliases"
	fieldAnswer   = "answer"
	fieldQuote    = "quote"
	fieldSource   = "source"
)

func (m *Moderation) handleAdd(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	return &bot.Reply{Modal: m.entryModal(m.lang(req), sc, nil, 0, "")}, nil
}

func (m *Moderation) handleEdit(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	e, base, err := m.current(ctx, m.lang(req), sc, req.String("id"))
	if err != nil {
		return nil, err
	}
	return &bot.Reply{Modal: m.entryModal(m.lang(req), sc, &e, base, "")}, nil
}

func (m *Moderation) handleRemove(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	e, base, err := m.current(ctx, l, sc, req.String("id"))
	if err != nil {
		return nil, err
	}
	return &bot.Reply{Ephemeral: true, Content: l.T("mod_hide_confirm", "Question", "**"+bot.Escape(e.Question)+"**", "ID", "`"+e.ID+"`"),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: l.T("mod_button_hide"), Style: discordgo.DangerButton, CustomID: bot.MustCustomID("kbrm", sc, e.ID, strconv.Itoa(base))},
			discordgo.Button{Label: l.T("mod_button_cancel"), Style: discordgo.SecondaryButton, CustomID: "/kbcancel"},
		}}}}, nil
}

// current returns an entry as the scope sees it and the scope's version of
// it, both read from the store in one go, so a form always starts from the
// version it shows: a change made meanwhile by another process or moderator
// makes the save a conflict instead of being overwritten. The version is 0
// when the scope has not changed the entry (it comes from the global layer).
func (m *Moderation) current(ctx context.Context, l i18n.Lang, sc, id string) (kb.Entry, int, error) {
	notFound := &bot.UserError{Msg: l.T("mod_err_no_entry", "ID", "`"+bot.Escape(bot.Truncate(id, 64))+"`")}
	if !kb.ValidID(id) {
		return kb.Entry{}, 0, notFound
	}
	vs, err := m.store.History(ctx, sc, id)
	if err != nil && !errors.Is(err, kb.ErrNotFound) {
		return kb.Entry{}, 0, err
	}
	if len(vs) > 0 {
		last := vs[len(vs)-1]
		if last.Entry == nil {
			return kb.Entry{}, 0, &bot.UserError{Msg: l.T("mod_err_hidden", "ID", "`"+id+"`", "History", l.Commands("`/kb history id:"+id+"`"))}
		}
		return *last.Entry, last.Version, nil
	}
	if sc != kb.GlobalScope {
		if e, ok := m.lib.Index(kb.GlobalScope).Entry(id); ok {
			return *e, 0, nil
		}
	}
	return kb.Entry{}, 0, notFound
}

// entryModal is the add/edit form; its custom ID carries the scope, the entry
// and the version the form started from, so a stale save is caught.
func (m *Moderation) entryModal(l i18n.Lang, sc string, e *kb.Entry, base int, question string) *bot.Modal {
	id, title := "new", l.T("mod_form_add_title")
	vals := map[string]string{fieldQuestion: question, fieldSource: m.defaultSource()}
	if e != nil {
		id, title = e.ID, l.T("mod_form_edit_title")
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
			input(fieldQuestion, l.T("mod_form_question"), discordgo.TextInputShort, kb.MaxQuestionLen, true),
			input(fieldAliases, l.T("mod_form_aliases"), discordgo.TextInputParagraph, 2000, false),
			input(fieldAnswer, l.T("mod_form_answer"), discordgo.TextInputParagraph, kb.MaxAnswerLen, true),
			input(fieldQuote, l.T("mod_form_quote"), discordgo.TextInputParagraph, kb.MaxQuoteLen, true),
			input(fieldSource, l.T("mod_form_source"), discordgo.TextInputShort, 400, true),
		},
	}
}

func (m *Moderation) defaultSource() string {
	srcs := m.lib.Index(kb.GlobalScope).KB().Sources
	if len(srcs) == 0 {
		return ""
	}
	return srcs[0].ID
}

// citationFrom reads the form's source field: a known source id, or an
// absolute http(s) URL followed by the page's title (an unverified source).
func citationFrom(l i18n.Lang, k *kb.KB, source, quote string) (kb.Citation, string, error) {
	source, quote = strings.TrimSpace(source), strings.TrimSpace(quote)
	if src, ok := k.Source(source); ok {
		return kb.Citation{SourceID: src.ID, Quote: quote}, src.Outlet, nil
	}
	first, title, _ := strings.Cut(source, " ")
	if strings.HasPrefix(first, "http://") || strings.HasPrefix(first, "https://") {
		if !kb.SafeURL(first) {
			return kb.Citation{}, "", &bot.UserError{Msg: l.T("mod_err_bad_url")}
		}
		if strings.TrimSpace(title) == "" {
			return kb.Citation{}, "", &bot.UserError{Msg: l.T("mod_err_url_title")}
		}
		u, _ := url.Parse(first)
		return kb.Citation{URL: first, Title: strings.TrimSpace(title), Quote: quote}, u.Hostname() + " (unverified)", nil
	}
	return kb.Citation{}, "", &bot.UserError{Msg: l.T("mod_err_unknown_source", "Source", "`"+bot.Escape(bot.Truncate(source, 64))+"`")}
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

// formBase reads the base version a form or confirmation button carries.
func formBase(l i18n.Lang, req *bot.Request) (int, error) {
	base, err := strconv.Atoi(req.Params["base"])
	if err != nil || base < 0 {
		return 0, &bot.UserError{Msg: l.T("mod_err_damaged_form")}
	}
	return base, nil
}

func (m *Moderation) handleSave(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	base, err := formBase(l, req)
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
	ix := m.lib.Index(sc)
	cite, outlet, err := citationFrom(l, ix.KB(), f[fieldSource], f[fieldQuote])
	if err != nil {
		return nil, err
	}
	e := kb.Entry{
		Question: strings.TrimSpace(f[fieldQuestion]), Aliases: aliases, Answer: strings.TrimSpace(f[fieldAnswer]),
		Citations: []kb.Citation{cite},
		AsOf:      m.now().UTC().Format("2006-01-02"), Topic: addedTopic, AttributedTo: outlet,
	}
	action, note := kb.ActionAdd, ""
	if id := req.Params["entry"]; id != "new" {
		old, _, err := m.current(ctx, l, sc, id)
		if err != nil {
			return nil, &bot.UserError{Msg: l.T("mod_err_removed_meanwhile")}
		}
		e.ID, e.Topic, e.AttributedTo, e.Related, action = old.ID, old.Topic, old.AttributedTo, old.Related, kb.ActionEdit
		if len(old.Citations) > 1 && old.Citations[0].Quote == e.Citations[0].Quote {
			e.Citations = old.Citations // the form shows the first quote; keep the others
		}
	} else {
		e.ID = slug(e.Question)
		if _, taken := ix.Entry(e.ID); taken {
			return nil, &bot.UserError{Msg: l.T("mod_err_exists", "ID", "`"+e.ID+"`", "Edit", l.Commands("`/kb edit id:"+e.ID+"`"))}
		}
		// The id may belong to an entry hidden here: the new entry is added
		// on top of its history, which stays readable and revertible.
		vs, err := m.store.History(ctx, sc, e.ID)
		if err != nil && !errors.Is(err, kb.ErrNotFound) {
			return nil, err
		}
		if len(vs) > 0 {
			base = vs[len(vs)-1].Version
			note = " " + l.T("mod_id_was_hidden", "ID", "`"+e.ID+"`")
		}
	}
	vs, err := m.lib.Apply(ctx, []kb.Change{{Scope: sc, EntryID: e.ID, Entry: &e, Action: action, Author: req.UserID, Base: base}})
	if err != nil {
		return nil, m.refuse(l, err)
	}
	m.audit(ctx, sc, m.serverLang(req).T(map[kb.Action]string{kb.ActionAdd: "audit_entry_added", kb.ActionEdit: "audit_entry_edited"}[action], "User", req.UserID, "Entry", e.ID, "Version", vs[0].Version))
	rep := answerReply(l, m.lib.Index(sc).KB(), &e, "")
	rep.Ephemeral, rep.Components = true, nil
	rep.Content = l.T("mod_saved", "ID", "`"+e.ID+"`", "Version", vs[0].Version) + note
	return rep, nil
}

// saveError turns a store or validation error into words for the moderator,
// in l.
func saveError(l i18n.Lang, err error) error {
	var verr *kb.ValidationError
	var full *kb.LayerFullError
	switch {
	case errors.As(err, &full):
		return &bot.UserError{Msg: l.T("mod_err_layer_full", "Count", full.Limit)}
	case errors.Is(err, kb.ErrScopeUnavailable):
		return &bot.UserError{Msg: l.T("mod_err_scope_unavailable")}
	case errors.Is(err, kb.ErrUnavailable):
		return errModerationUnavailable
	case errors.Is(err, kb.ErrConflict):
		return &bot.UserError{Msg: l.T("mod_err_conflict")}
	case errors.As(err, &verr):
		var lines []string
		for i, p := range verr.Problems {
			if i == 5 {
				lines = append(lines, l.T("and_more", "Count", len(verr.Problems)-5))
				break
			}
			lines = append(lines, "• "+bot.Escape(p.Field+": "+p.Msg))
		}
		return &bot.UserError{Msg: l.T("mod_err_not_saved") + "\n" + strings.Join(lines, "\n")}
	}
	return err
}

// handleRemoveConfirm hides an entry once the moderator confirms. The button
// carries the entry id: it is checked to name an entry this scope serves, so a
// forged button cannot store a version for an arbitrary id.
func (m *Moderation) handleRemoveConfirm(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	base, err := formBase(l, req)
	if err != nil {
		return nil, err
	}
	id := req.Params["entry"]
	if _, _, err := m.current(ctx, l, sc, id); err != nil {
		return &bot.Reply{Update: true, Content: l.T("mod_no_such_entry")}, nil
	}
	vs, err := m.lib.Apply(ctx, []kb.Change{{Scope: sc, EntryID: id, Action: kb.ActionRemove, Author: req.UserID, Base: base}})
	if err != nil {
		return nil, m.refuse(l, err)
	}
	m.audit(ctx, sc, m.serverLang(req).T("audit_entry_hidden", "User", req.UserID, "Entry", id, "Version", vs[0].Version))
	return &bot.Reply{Update: true, Content: l.T("mod_hidden", "ID", "`"+id+"`", "Version", vs[0].Version, "Revert", l.Commands(fmt.Sprintf("`/kb revert id:%s version:%d`", id, max(vs[0].Version-1, 1))))}, nil
}

// handleCreateFromUnanswered opens the add form with a declined question.
func (m *Moderation) handleCreateFromUnanswered(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	rank, err := strconv.Atoi(req.Params["rank"])
	if err != nil || rank < 0 {
		return nil, &bot.UserError{Msg: m.lang(req).T("mod_err_damaged_button")}
	}
	us, err := m.store.Unanswered(ctx, sc, 5)
	if err != nil {
		return nil, err
	}
	q := ""
	if rank < len(us) {
		q = bot.Truncate(us[rank].Question, kb.MaxQuestionLen)
	}
	return &bot.Reply{Modal: m.entryModal(m.lang(req), sc, nil, 0, q)}, nil
}
