package commands

import (
	"context"
	"fmt"

	"crisisbot/bot"
	"crisisbot/kb"
)

// forOption is /ask's option naming the member an answer is for.
const forOption = "for"

// askedFor returns the member a /ask names in "for" ("" for none), or a
// message for the asker when that cannot be done.
func askedFor(req *bot.Request) (string, error) {
	id, u := req.User(forOption)
	if id == "" {
		return "", nil
	}
	if req.Bool("private") {
		return "", bot.Userf("Choose one: `private` shows the answer only to you, `for` shows it to everyone and mentions that member.")
	}
	if u != nil && u.Bot {
		return "", bot.Userf("I answer people, not bots: pick a member for `for`.")
	}
	if req.GuildID == "" {
		return "", bot.Userf("`for` works in a server's channels, where the member can see the answer.")
	}
	return id, nil
}

// publicAnswer finishes an /ask answer to entry: aimed at the member named
// in "for" (public, mentioning only them), or else checked for a repeat in
// the channel. A public answer is remembered for corrections.
func (s *Service) publicAnswer(req *bot.Request, forUser string, private bool, rep *bot.Reply, entry string) *bot.Reply {
	if forUser == "" {
		rep = s.withRepeat(req.ChannelID, private, rep, entry)
	} else {
		rep.Ephemeral = false
		rep.Content = fmt.Sprintf("<@%s>, <@%s> thought this answers your question:", forUser, req.UserID)
		rep.MentionUsers = []string{forUser}
	}
	s.corr.Remember(req, rep, entry, kb.AnswerInteraction)
	return rep
}

// declinedFor keeps a decline private when it was meant for someone: there
// is no sourced answer to show them, so nobody is mentioned for nothing.
func declinedFor(forUser string, rep *bot.Reply) *bot.Reply {
	if forUser != "" {
		rep.Ephemeral = true
		rep.Content = "I have no sourced answer to share for this, so I did not mention anyone."
	}
	return rep
}

// aimAtAuthor makes the Ask CrisisBot answer point at the message it
// answers (an interaction response cannot reply to it, so it links it), and
// mention its author only where the server's moderators allow it
// (/kb settings mention_author:on), never a bot or the asker themself.
func (s *Service) aimAtAuthor(ctx context.Context, req *bot.Request, rep *bot.Reply) {
	if rep == nil || rep.Ephemeral || req.Message == nil || req.Message.ID == "" {
		return
	}
	where := req.GuildID
	if where == "" {
		where = "@me"
	}
	link := fmt.Sprintf("https://discord.com/channels/%s/%s/%s", where, req.ChannelID, req.Message.ID)
	rep.Content = fmt.Sprintf("↪️ Answering [this message](%s).", link)
	a := req.Message.Author
	if a == nil || a.Bot || a.ID == req.UserID || !s.corr.MentionAuthor(ctx, req.GuildID) {
		return
	}
	rep.Content = fmt.Sprintf("↪️ <@%s>, answering [your message](%s).", a.ID, link)
	rep.MentionUsers = []string{a.ID}
}

// MentionAuthor reports whether Ask CrisisBot may mention the author of the
// message it answers in guild (the mention_author setting). c may be nil
// (then never).
func (c *Corrections) MentionAuthor(ctx context.Context, guild string) bool {
	return c != nil && c.settings.MentionAuthor(ctx, guild)
}
