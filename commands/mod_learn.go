package commands

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// picksShown is how many confirmed phrasings /kb unanswered offers.
const picksShown = 5

// questionRef names a question in a custom ID: 12 hex characters of its
// SHA-256, enough to tell a server's questions apart.
func questionRef(q string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.Join(strings.Fields(q), " "))))
	return hex.EncodeToString(sum[:6])
}

// picksEmbed lists the questions members confirmed an entry answers, each
// with an "Add as phrasing" button.
func (m *Moderation) picksEmbed(ctx context.Context, l i18n.Lang, sc string) (*discordgo.MessageEmbed, []discordgo.MessageComponent, error) {
	ps, err := m.store.Picks(ctx, sc, picksShown)
	if err != nil || len(ps) == 0 {
		return nil, nil, err
	}
	var lines []string
	var buttons []discordgo.MessageComponent
	for i, p := range ps {
		lines = append(lines, fmt.Sprintf("%d. “%s” → `%s` — %s", i+1, bot.Escape(bot.Truncate(p.Question, 150)), p.EntryID, l.T("mod_confirmed_times", "Count", p.Count)))
		buttons = append(buttons, discordgo.Button{Label: l.T("mod_button_add_phrasing", "N", i+1), Style: discordgo.SuccessButton,
			CustomID: bot.MustCustomID("kbphr", p.EntryID, questionRef(p.Question))})
	}
	return &discordgo.MessageEmbed{
		Title:       l.T("mod_picks_title"),
		Description: l.T("mod_picks_intro") + "\n" + strings.Join(lines, "\n"),
		Color:       colorAnswer,
	}, []discordgo.MessageComponent{discordgo.ActionsRow{Components: buttons}}, nil
}

// handleAddPhrasing stores a confirmed question as a new phrasing (alias) of
// its entry in this scope: a new version, audited and revertible. The
// moderator's click is what teaches the bot; members' picks alone never do.
func (m *Moderation) handleAddPhrasing(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	id, ref := req.Params["entry"], req.Params["ref"]
	ps, err := m.store.Picks(ctx, sc, 100)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(ps, func(p kb.Pick) bool { return p.EntryID == id && questionRef(p.Question) == ref })
	if i < 0 {
		return &bot.Reply{Update: true, Content: l.T("mod_pick_gone")}, nil
	}
	p := ps[i]
	e, base, err := m.current(ctx, l, sc, id)
	if err != nil {
		return nil, err
	}
	switch {
	case utf8.RuneCountInString(p.Question) > kb.MaxQuestionLen:
		return nil, &bot.UserError{Msg: l.T("mod_err_phrasing_long", "Count", kb.MaxQuestionLen, "Edit", l.Commands("`/kb edit id:"+id+"`"))}
	case len(e.Aliases) >= kb.MaxAliases:
		return nil, &bot.UserError{Msg: l.T("mod_err_phrasings_full", "ID", "`"+id+"`", "Count", kb.MaxAliases, "Edit", l.Commands("`/kb edit id:"+id+"`"))}
	case slices.ContainsFunc(append([]string{e.Question}, e.Aliases...), func(a string) bool { return strings.EqualFold(strings.TrimRight(a, "?!. "), p.Question) }):
		_ = m.store.DropPick(ctx, sc, p.Question, id)
		return &bot.Reply{Update: true, Content: l.T("mod_phrasing_exists", "ID", "`"+id+"`")}, nil
	}
	e.Aliases = append(slices.Clone(e.Aliases), p.Question)
	vs, err := m.lib.Apply(ctx, []kb.Change{{Scope: sc, EntryID: id, Entry: &e, Action: kb.ActionEdit, Author: req.UserID, Base: base}})
	if err != nil {
		return nil, saveError(l, err)
	}
	if err := m.store.DropPick(ctx, sc, p.Question, id); err != nil {
		m.log.Warn("could not drop an added pick", "err", err)
	}
	m.audit(ctx, sc, m.serverLang(req).T("audit_phrasing_added", "User", req.UserID, "Question", bot.Escape(bot.Truncate(p.Question, 100)), "Entry", id, "Version", vs[0].Version))
	return &bot.Reply{Update: true, Content: l.T("mod_phrasing_added", "Question", "“"+bot.Escape(p.Question)+"”", "ID", "`"+id+"`", "Version", vs[0].Version)}, nil
}
