package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// history lists an entry's versions in a scope with who, when and what changed.
func (m *Moderation) handleHistory(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	id := req.String("id")
	var vs []kb.Version
	var err error
	if kb.ValidID(id) {
		vs, err = m.store.History(ctx, sc, id)
	}
	if (err != nil && !errors.Is(err, kb.ErrNotFound)) || len(vs) == 0 {
		if err != nil && !errors.Is(err, kb.ErrNotFound) {
			return nil, err
		}
		shown := "`" + bot.Escape(bot.Truncate(id, 64)) + "`"
		if sc == kb.GlobalScope {
			return nil, &bot.UserError{Msg: l.T("mod_err_no_versions_global", "ID", shown)}
		}
		return nil, &bot.UserError{Msg: l.T("mod_err_no_versions", "ID", shown)}
	}
	var lines []string
	var prev *kb.Entry
	for _, v := range vs {
		lines = append(lines, fmt.Sprintf("**v%d** · %s · %s · <t:%d:f>\n%s", v.Version, v.Action, who(l, v.Author), v.At.Unix(), diff(l, prev, v.Entry)))
		prev = v.Entry
	}
	if len(lines) > 15 {
		lines = append([]string{"(" + l.T("mod_older_versions", "Count", len(lines)-15) + ")"}, lines[len(lines)-15:]...)
	}
	return &bot.Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{
		Title: l.T("mod_history_title", "ID", id), Description: strings.Join(lines, "\n"), Color: colorAnswer,
	}}}, nil
}

// who names the author of a change: a mention (never a ping: every reply has
// empty allowed_mentions), or where the change came from.
func who(l i18n.Lang, author string) string {
	switch {
	case author == kb.CuratedAuthor:
		return l.T("mod_who_shipped")
	case author == "" || strings.ContainsFunc(author, func(r rune) bool { return r < '0' || r > '9' }):
		return "`" + bot.Escape(bot.Truncate(author, 32)) + "`"
	}
	return "<@" + author + ">"
}

// diff says in a line what changed between two versions of an entry.
func diff(l i18n.Lang, a, b *kb.Entry) string {
	switch {
	case b == nil:
		return l.T("mod_diff_hidden")
	case a == nil:
		return "“" + bot.Escape(bot.Truncate(b.Answer, 120)) + "”"
	}
	var parts []string
	if a.Question != b.Question {
		parts = append(parts, l.T("mod_diff_question", "New", "“"+bot.Escape(bot.Truncate(b.Question, 80))+"”"))
	}
	if a.Answer != b.Answer {
		parts = append(parts, l.T("mod_diff_answer", "Old", "“"+bot.Escape(bot.Truncate(a.Answer, 60))+"”", "New", "“"+bot.Escape(bot.Truncate(b.Answer, 120))+"”"))
	}
	if !slices.Equal(a.Aliases, b.Aliases) {
		parts = append(parts, l.T("mod_diff_aliases", "From", len(a.Aliases), "To", len(b.Aliases)))
	}
	if fmt.Sprint(a.Citations) != fmt.Sprint(b.Citations) {
		parts = append(parts, l.T("mod_diff_quotes"))
	}
	if len(parts) == 0 {
		return l.T("mod_diff_none")
	}
	return strings.Join(parts, "; ")
}

// handleRevert restores one version as a new version.
func (m *Moderation) handleRevert(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	id, version := req.String("id"), req.Int("version")
	var vs []kb.Version
	var err error
	if kb.ValidID(id) {
		vs, err = m.store.History(ctx, sc, id)
	}
	if err != nil && !errors.Is(err, kb.ErrNotFound) {
		return nil, err
	}
	if version < 1 || version > len(vs) {
		return nil, &bot.UserError{Msg: l.T("mod_err_no_version", "ID", "`"+bot.Escape(bot.Truncate(id, 64))+"`", "Version", version)}
	}
	old := vs[version-1]
	cur := vs[len(vs)-1].Version
	got, err := m.lib.Apply(ctx, []kb.Change{{Scope: sc, EntryID: id, Entry: old.Entry, Action: kb.ActionRevert, Author: req.UserID, Base: cur}})
	if err != nil {
		return nil, m.refuse(l, err)
	}
	m.audit(ctx, sc, m.serverLang(req).T("audit_entry_restored", "User", req.UserID, "Old", version, "Entry", id, "Version", got[0].Version))
	return &bot.Reply{Ephemeral: true, Content: l.T("mod_restored", "Version", version, "ID", "`"+id+"`", "New", got[0].Version)}, nil
}

func (m *Moderation) handleUnanswered(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	us, err := m.store.Unanswered(ctx, sc, 5)
	if err != nil {
		return nil, err
	}
	picks, pickButtons, err := m.picksEmbed(ctx, l, sc)
	if err != nil {
		return nil, err
	}
	if len(us) == 0 && picks == nil {
		return &bot.Reply{Ephemeral: true, Content: l.T("mod_unanswered_none")}, nil
	}
	rep := &bot.Reply{Ephemeral: true}
	if len(us) > 0 {
		var lines []string
		var buttons []discordgo.MessageComponent
		for i, u := range us {
			lines = append(lines, fmt.Sprintf("%d. “%s” — %s", i+1, bot.Escape(bot.Truncate(u.Question, 150)), l.T("mod_asked_times", "Count", u.Count, "Last", fmt.Sprintf("<t:%d:R>", u.Last.Unix()))))
			buttons = append(buttons, discordgo.Button{Label: l.T("mod_button_create_entry", "N", i+1), Style: discordgo.PrimaryButton, CustomID: bot.MustCustomID("kbnew", strconv.Itoa(i))})
		}
		rep.Embeds = append(rep.Embeds, &discordgo.MessageEmbed{Title: l.T("mod_unanswered_title"), Description: strings.Join(lines, "\n"), Color: colorDecline})
		rep.Components = append(rep.Components, discordgo.ActionsRow{Components: buttons})
	}
	if picks != nil {
		rep.Embeds = append(rep.Embeds, picks)
		rep.Components = append(rep.Components, pickButtons...)
	}
	return rep, nil
}

func (m *Moderation) handleStats(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	st, err := m.store.Stats(ctx, sc)
	if err != nil {
		return nil, err
	}
	rate := 0.0
	if st.Asked > 0 {
		rate = 100 * float64(st.Answered) / float64(st.Asked)
	}
	l := m.lang(req)
	lines := []string{l.T("mod_stats_line", "Asked", fmt.Sprintf("**%d**", st.Asked), "Answered", fmt.Sprintf("**%d**", st.Answered), "Rate", fmt.Sprintf("%.0f%%", rate))}
	for i, e := range st.Entries {
		if i == 10 {
			break
		}
		lines = append(lines, fmt.Sprintf("`%s` — %s · 👍 %d · 👎 %d", e.EntryID, l.T("mod_stats_answers", "Count", e.Answers), e.Up, e.Down))
	}
	return m.withChart(ctx, l, sc, &bot.Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{Title: l.T("mod_stats_title"), Description: strings.Join(lines, "\n"), Color: colorAnswer}}}), nil
}

// auditShown is how many audit records /kb audit shows.
const auditShown = 15

// handleAudit shows the newest records of the scope's audit log.
func (m *Moderation) handleAudit(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	recs, err := m.store.Audit(ctx, sc, auditShown)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return &bot.Reply{Ephemeral: true, Content: l.T("mod_audit_empty")}, nil
	}
	var lines []string
	for _, r := range recs {
		line := fmt.Sprintf("<t:%d:f> · %s · %s", r.At.Unix(), who(l, r.Actor), bot.Escape(r.Action))
		if r.EntryID != "" {
			line += fmt.Sprintf(" `%s` v%d", bot.Escape(r.EntryID), r.Version)
		}
		if r.Detail != "" {
			line += " · " + bot.Escape(bot.Truncate(r.Detail, 120))
		}
		lines = append(lines, line)
	}
	return &bot.Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{
		Title: l.T("mod_audit_title", "Count", len(recs)), Description: strings.Join(lines, "\n"), Color: colorAnswer,
	}}}, nil
}
