package commands

import (
	"context"
	"fmt"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// forOption is /ask's option naming the member an answer is for.
const forOption = "for"

// askedFor returns the member a /ask names in "for" ("" for none), or a
// message for the asker when that cannot be done.
func askedFor(l i18n.Lang, req *bot.Request) (string, error) {
	id, u := req.User(forOption)
	if id == "" {
		return "", nil
	}
	if req.Bool("private") {
		return "", &bot.UserError{Msg: l.T("err_for_and_private")}
	}
	if u != nil && u.Bot {
		return "", &bot.UserError{Msg: l.T("err_for_bot")}
	}
	if req.GuildID == "" {
		return "", &bot.UserError{Msg: l.T("err_for_dm")}
	}
	return id, nil
}

// publicAnswer finishes an /ask answer to entry: aimed at the member named
// in "for" (public, mentioning only them), or else checked for a repeat in
// the channel. A public answer is remembered for corrections.
func (s *Service) publicAnswer(l i18n.Lang, req *bot.Request, forUser string, private bool, rep *bot.Reply, entry string) *bot.Reply {
	if forUser == "" {
		rep = s.withRepeat(l, req.ChannelID, private, rep, entry)
	} else {
		rep.Ephemeral = false
		rep.Content = l.T("answer_for", "Member", "<@"+forUser+">", "Asker", "<@"+req.UserID+">")
		rep.MentionUsers = []string{forUser}
	}
	s.corr.Remember(req, rep, entry, kb.AnswerInteraction)
	return rep
}

// declinedFor keeps a decline private when it was meant for someone: there
// is no sourced answer to show them, so nobody is mentioned for nothing.
func declinedFor(l i18n.Lang, forUser string, rep *bot.Reply) *bot.Reply {
	if forUser != "" {
		rep.Ephemeral = true
		rep.Content = l.T("declined_for")
	}
	return rep
}

// aimAtAuthor makes the Ask CrisisBot answer point at the message it
// answers (an interaction response cannot reply to it, so it links it), and
// mention its author only where the server's moderators allow it
// (/kb settings mention_author:on), never a bot or the asker themself.
func (s *Service) aimAtAuthor(ctx context.Context, l i18n.Lang, req *bot.Request, rep *bot.Reply) {
	if rep == nil || rep.Ephemeral || req.Message == nil || req.Message.ID == "" {
		return
	}
	where := req.GuildID
	if where == "" {
		where = "@me"
	}
	link := fmt.Sprintf("https://discord.com/channels/%s/%s/%s", where, req.ChannelID, req.Message.ID)
	rep.Content = "↪️ " + l.T("answering_message", "Link", link)
	a := req.Message.Author
	if a == nil || a.Bot || a.ID == req.UserID || !s.corr.MentionAuthor(ctx, req.GuildID) {
		return
	}
	rep.Content = "↪️ " + l.T("answering_your_message", "Author", "<@"+a.ID+">", "Link", link)
	rep.MentionUsers = []string{a.ID}
}

// MentionAuthor reports whether Ask CrisisBot may mention the author of the
// message it answers in guild (the mention_author setting). c may be nil
// (then never).
func (c *Corrections) MentionAuthor(ctx context.Context, guild string) bool {
	return c != nil && c.settings.MentionAuthor(ctx, guild)
}
