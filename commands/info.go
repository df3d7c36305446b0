package commands

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
)

func (s *Service) sourceCommand() command {
	return command{
		def: &discordgo.ApplicationCommand{Name: "source", Description: "The sources CrisisBot's answers quote, and how many answers cite each.", Contexts: everywhere()},
		routes: func(r *bot.Router) {
			r.Command("source", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				k := s.indexes.Index(scope(req)).KB()
				if len(k.Sources) > maxSourceEmbeds {
					return sourceList(k), nil
				}
				var embeds []*discordgo.MessageEmbed
				for _, src := range k.Sources {
					embeds = append(embeds, &discordgo.MessageEmbed{
						Title: bot.Escape(src.Title), URL: src.URL, Color: colorAnswer,
						Fields: []*discordgo.MessageEmbedField{
							{Name: "Outlet", Value: bot.Escape(src.Outlet), Inline: true},
							{Name: "Published", Value: HumanDate(src.Published), Inline: true},
							{Name: "Cited by", Value: fmt.Sprintf("%d of %d entries", k.CitationCount(src.ID), len(k.Entries)), Inline: true},
						},
						Footer: &discordgo.MessageEmbedFooter{Text: "source id: " + src.ID},
					})
				}
				return &bot.Reply{Ephemeral: true, Embeds: embeds}, nil
			}, bot.Private)
		},
	}
}

func (s *Service) helpCommand() command {
	return command{
		def: &discordgo.ApplicationCommand{Name: "help", Description: "What CrisisBot can do and how to ask.", Contexts: everywhere()},
		routes: func(r *bot.Router) {
			r.Command("help", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				return helpReply(false), nil
			})
		},
	}
}

// helpReply explains the bot. empty says the user sent an empty question.
func helpReply(empty bool) *bot.Reply {
	desc := "I answer questions about the US-Russia talks over the Russian troop build-up near Ukraine, " +
		"**only** from its sources: a news report (HNGN, 10 January 2022) and any your moderators added. Every answer quotes its source word for word, " +
		"says who made the claim and as of when. When I'm not sure, I say so and suggest the closest topics.\n\n" +
		"**How to ask**\n" +
		"• `/ask` with your question (suggestions appear as you type)\n" +
		"• `/topics` to browse everything I can answer\n" +
		"• `/source` for the sources themselves\n" +
		"• Right-click a message › Apps › **Ask CrisisBot**\n" +
		"• Send me a direct message, or mention me in a channel"
	title := "CrisisBot"
	if empty {
		title = "What would you like to know?"
	}
	return &bot.Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{Title: title, Description: desc, Color: colorAnswer}}}
}
