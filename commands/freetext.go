package commands

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/kb"
)

// askMessageName is the message context-menu command.
const askMessageName = "Ask CrisisBot"

func (s *Service) askMessageCommand() command {
	return command{
		def: &discordgo.ApplicationCommand{Name: askMessageName, Type: discordgo.MessageApplicationCommand, Contexts: everywhere()},
		routes: func(r *bot.Router) {
			r.Command(askMessageName, s.handleAskMessage)
		},
	}
}

// handleAskMessage answers the question in the targeted message.
func (s *Service) handleAskMessage(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if req.Message == nil {
		return nil, &bot.UserError{Msg: s.lang(req).T("err_unreadable_message")}
	}
	rep, err := s.answer(req, req.Message.Content)
	if err != nil {
		return nil, err
	}
	if rep.entryID != "" {
		l := s.lang(req)
		out := s.withRepeat(l, req.ChannelID, false, rep.Reply, rep.entryID)
		s.aimAtAuthor(ctx, l, req, out)
		s.corr.Remember(req, out, rep.entryID, kb.AnswerInteraction)
		return out, nil
	}
	return rep.Reply, nil
}

// handleMessage answers a DM, a mention or a message in an ask channel, as a
// reply that does not ping its author. A repeat in a channel within the
// window gets a short pointer to the earlier answer.
func (s *Service) handleMessage(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	rep, err := s.answer(req, req.Text)
	if quietlyThrottled(err) {
		return nil, nil // told once already; answering every one would be the spam
	}
	if err != nil || rep.entryID == "" || req.GuildID == "" {
		if err == nil && rep.entryID != "" {
			s.corr.Remember(req, rep.Reply, rep.entryID, kb.AnswerReply)
		}
		return rep.Reply, err
	}
	if a, ok := s.recent.lookup(req.ChannelID, rep.entryID); ok {
		l := s.lang(req)
		where := l.T("just_above")
		if a.link != "" {
			where = a.link
		}
		return &bot.Reply{Content: l.T("repeat_here", "Ago", ago(l, s.opts.Now().Sub(a.at)), "Where", where)}, nil
	}
	channel, guild, entry := req.ChannelID, req.GuildID, rep.entryID
	s.recent.record(channel, entry, "")
	rep.OnSent = func(m *discordgo.Message) {
		s.recent.setLink(channel, entry, fmt.Sprintf("https://discord.com/channels/%s/%s/%s", guild, channel, m.ID))
	}
	s.corr.Remember(req, rep.Reply, entry, kb.AnswerReply)
	return rep.Reply, nil
}
