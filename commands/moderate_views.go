package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/kb"
)

// history lists an entry's versions in a scope with who, when and what changed.
func (s *Service) history(ctx context.Context, sc, id string) (*bot.Reply, error) {
	vs, err := s.mod.Library.Store().History(ctx, sc, id)
	if err != nil || len(vs) == 0 {
		where := "this server's"
		if sc == kb.GlobalScope {
			where = "the global"
		}
		return nil, bot.Userf("`%s` has no versions in %s knowledge base yet.", bot.Escape(bot.Truncate(id, 64)), where)
	}
	var lines []string
	var prev *kb.Entry
	for _, v := range vs {
		who := "the shipped knowledge base"
		if v.Author != kb.CuratedAuthor {
			who = "<@" + v.Author + ">"
		}
		lines = append(lines, fmt.Sprintf("**v%d** · %s · %s · <t:%d:f>\n%s", v.Version, v.Action, who, v.At.Unix(), diff(prev, v.Entry)))
		prev = v.Entry
	}
	if len(lines) > 15 {
		lines = append([]string{fmt.Sprintf("(%d older versions not shown)", len(lines)-15)}, lines[len(lines)-15:]...)
	}
	return &bot.Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{
		Title: "History of " + id, Description: strings.Join(lines, "\n"), Color: colorAnswer,
	}}}, nil
}

// diff says in a line what changed between two versions of an entry.
func diff(a, b *kb.Entry) string {
	switch {
	case b == nil:
		return "hidden"
	case a == nil:
		return "“" + bot.Escape(bot.Truncate(b.Answer, 120)) + "”"
	}
	var parts []string
	if a.Question != b.Question {
		parts = append(parts, "question → “"+bot.Escape(bot.Truncate(b.Question, 80))+"”")
	}
	if a.Answer != b.Answer {
		parts = append(parts, "answer: “"+bot.Escape(bot.Truncate(a.Answer, 60))+"” → “"+bot.Escape(bot.Truncate(b.Answer, 120))+"”")
	}
	if !slices.Equal(a.Aliases, b.Aliases) {
		parts = append(parts, fmt.Sprintf("aliases (%d → %d)", len(a.Aliases), len(b.Aliases)))
	}
	if fmt.Sprint(a.Citations) != fmt.Sprint(b.Citations) {
		parts = append(parts, "quotes")
	}
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, "; ")
}

// revert restores one version as a new version.
func (s *Service) revert(ctx context.Context, req *bot.Request, sc, id string, version int) (*bot.Reply, error) {
	vs, err := s.mod.Library.Store().History(ctx, sc, id)
	if err != nil || version < 1 || version > len(vs) {
		return nil, bot.Userf("`%s` has no version %d here. See `/kb history`.", bot.Escape(bot.Truncate(id, 64)), version)
	}
	old := vs[version-1]
	cur := vs[len(vs)-1].Version
	got, err := s.mod.Library.Apply(ctx, []kb.Change{{Scope: sc, EntryID: id, Entry: old.Entry, Action: kb.ActionRevert, Author: req.UserID, Base: cur}})
	if err != nil {
		return nil, saveError(err)
	}
	s.auditPost(ctx, sc, fmt.Sprintf("↩️ <@%s> restored version %d of `%s` as version %d.", req.UserID, version, id, got[0].Version))
	return &bot.Reply{Ephemeral: true, Content: fmt.Sprintf("Restored version %d of `%s` as version %d.", version, id, got[0].Version)}, nil
}

func (s *Service) unanswered(ctx context.Context, sc string) (*bot.Reply, error) {
	us, err := s.mod.Library.Store().Unanswered(ctx, sc, 5)
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return &bot.Reply{Ephemeral: true, Content: "No declined questions recorded here yet."}, nil
	}
	var lines []string
	var buttons []discordgo.MessageComponent
	for i, u := range us {
		lines = append(lines, fmt.Sprintf("%d. “%s” — asked %d×, last <t:%d:R>", i+1, bot.Escape(bot.Truncate(u.Question, 150)), u.Count, u.Last.Unix()))
		buttons = append(buttons, discordgo.Button{Label: fmt.Sprintf("Create entry %d", i+1), Style: discordgo.PrimaryButton, CustomID: bot.MustCustomID("kbnew", strconv.Itoa(i))})
	}
	return &bot.Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{Title: "Most-asked questions I declined", Description: strings.Join(lines, "\n"), Color: colorDecline}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: buttons}}}, nil
}

// handleCreateFromUnanswered opens the add form with a declined question.
func (s *Service) handleCreateFromUnanswered(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if s.mod == nil {
		return nil, bot.Userf("Moderation is not enabled on this bot.")
	}
	sc, err := s.editScope(ctx, req, "")
	if err != nil {
		return nil, err
	}
	rank, _ := strconv.Atoi(req.Params["rank"])
	us, err := s.mod.Library.Store().Unanswered(ctx, sc, 5)
	if err != nil {
		return nil, err
	}
	q := ""
	if rank >= 0 && rank < len(us) {
		q = bot.Truncate(us[rank].Question, kb.MaxQuestionLen)
	}
	return &bot.Reply{Modal: s.entryModal(sc, nil, 0, q)}, nil
}

func (s *Service) stats(ctx context.Context, sc string) (*bot.Reply, error) {
	st, err := s.mod.Library.Store().Stats(ctx, sc)
	if err != nil {
		return nil, err
	}
	rate := 0.0
	if st.Asked > 0 {
		rate = 100 * float64(st.Answered) / float64(st.Asked)
	}
	lines := []string{fmt.Sprintf("Questions asked: **%d**, answered: **%d** (%.0f%%)", st.Asked, st.Answered, rate)}
	for i, e := range st.Entries {
		if i == 10 {
			break
		}
		lines = append(lines, fmt.Sprintf("`%s` — %d answers · 👍 %d · 👎 %d", e.EntryID, e.Answers, e.Up, e.Down))
	}
	return &bot.Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{Title: "CrisisBot here", Description: strings.Join(lines, "\n"), Color: colorAnswer}}}, nil
}

func (s *Service) roles(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	if sc == kb.GlobalScope {
		return nil, bot.Userf("Moderator roles belong to a server.")
	}
	store := s.mod.Library.Store()
	cur, err := store.Setting(ctx, sc, settingModRoles)
	if err != nil {
		return nil, err
	}
	var roles []string
	for _, r := range strings.Split(cur, ",") {
		if r != "" {
			roles = append(roles, r)
		}
	}
	role := req.Role("role")
	switch req.Subcommand() {
	case "roles add":
		if !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	case "roles remove":
		roles = slices.DeleteFunc(roles, func(r string) bool { return r == role })
	default:
		if len(roles) == 0 {
			return &bot.Reply{Ephemeral: true, Content: "Only members with Manage Server can moderate here."}, nil
		}
		return &bot.Reply{Ephemeral: true, Content: "Moderator roles: <@&" + strings.Join(roles, ">, <@&") + ">, plus anyone with Manage Server."}, nil
	}
	if err := store.SetSetting(ctx, sc, settingModRoles, strings.Join(roles, ","), req.UserID); err != nil {
		return nil, err
	}
	return &bot.Reply{Ephemeral: true, Content: fmt.Sprintf("Moderator roles now: %d. (Members with Manage Server can always moderate.)", len(roles))}, nil
}
