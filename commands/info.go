package commands

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
)

func (s *Service) sourceCommand() command {
	return command{
		def: &discordgo.ApplicationCommand{Name: "source", Description: s.en.T("cmd_source_desc"), Contexts: everywhere()},
		routes: func(r *bot.Router) {
			r.Command("source", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				k := s.indexes.Index(scope(req)).KB()
				l := s.lang(req)
				if len(k.Sources) > maxSourceEmbeds {
					return sourceList(l, k), nil
				}
				var embeds []*discordgo.MessageEmbed
				for _, src := range k.Sources {
					embeds = append(embeds, &discordgo.MessageEmbed{
						Title: bot.Escape(src.Title), URL: src.URL, Color: colorAnswer,
						Fields: []*discordgo.MessageEmbedField{
							{Name: l.T("field_outlet"), Value: bot.Escape(src.Outlet), Inline: true},
							{Name: l.T("field_published"), Value: dateIn(l, src.Published), Inline: true},
							{Name: l.T("field_cited_by"), Value: l.T("cited_by_entries", "Cited", k.CitationCount(src.ID), "Count", len(k.Entries)), Inline: true},
						},
						Footer: &discordgo.MessageEmbedFooter{Text: l.T("source_id", "ID", src.ID)},
					})
				}
				return &bot.Reply{Ephemeral: true, Embeds: embeds}, nil
			}, bot.Private)
		},
	}
}

func (s *Service) helpCommand() command {
	return command{
		def: &discordgo.ApplicationCommand{Name: "help", Description: s.en.T("cmd_help_desc"), Contexts: everywhere()},
		routes: func(r *bot.Router) {
			r.Command("help", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				return helpReply(s.lang(req), false), nil
			})
		},
	}
}

// helpReply explains the bot. empty says the user sent an empty question.
func helpReply(l i18n.Lang, empty bool) *bot.Reply {
	desc := l.T("help_intro") + "\n\n**" + l.T("help_how_to_ask") + "**\n" + l.T("help_ways")
	title := "CrisisBot"
	if empty {
		title = l.T("help_empty_title")
	}
	return &bot.Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{Title: title, Description: desc, Color: colorAnswer}}}
}
