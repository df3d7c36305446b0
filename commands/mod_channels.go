package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/kb"
)

// askChannelTypes are the channels that can be ask channels: text and
// announcement channels, forums (each post is a question) and threads.
var askChannelTypes = []discordgo.ChannelType{
	discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews, discordgo.ChannelTypeGuildForum,
	discordgo.ChannelTypeGuildPublicThread, discordgo.ChannelTypeGuildPrivateThread, discordgo.ChannelTypeGuildNewsThread,
}

// channelsGroup is /kb channels: which channels are ask channels.
func channelsGroup(sub func(string, string, ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	chOpt := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "A text or forum channel, or a thread", Required: true, ChannelTypes: askChannelTypes}
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "channels", Description: "Ask channels: every message (every forum post) is a question",
		Options: []*discordgo.ApplicationCommandOption{
			sub("add", "Managers: answer every message (or forum post) in a channel", chOpt),
			sub("remove", "Managers: stop answering every message in a channel", chOpt),
			sub("list", "Managers: list this server's ask channels"),
		}}
}

func (m *Moderation) channelRoutes(r *bot.Router) {
	r.Command("kb/channels/add", m.guard(manager, m.handleChannelsAdd), bot.Private)
	r.Command("kb/channels/remove", m.guard(manager, m.handleChannelsRemove), bot.Private)
	r.Command("kb/channels/list", m.guard(manager, m.handleChannelsList), bot.Private)
}

// noMessageContent tells a manager why ask channels cannot be chosen here.
const noMessageContent = "I can't read messages in ask channels yet: that needs Discord's Message Content intent, which the bot's operator must enable " +
	"(Developer Portal › the application › Bot › Privileged Gateway Intents › Message Content) and then turn on for me with " +
	"`ASK_CHANNELS_FROM_DISCORD=on` before restarting me. Until then, mention me or use `/ask`. Nothing was changed."

func (m *Moderation) handleChannelsAdd(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	ch, err := m.askChannelOption(req, sc)
	if err != nil {
		return nil, err
	}
	list, err := m.askChannels.List(ctx, sc)
	if err != nil {
		return nil, err
	}
	if slices.Contains(list, ch.ID) {
		return &bot.Reply{Ephemeral: true, Content: fmt.Sprintf("<#%s> is already an ask channel.", ch.ID)}, nil
	}
	if len(list) >= maxAskChannels {
		return nil, bot.Userf("This server already has %d ask channels, the most it may have. Remove one first.", maxAskChannels)
	}
	if err := m.askChannels.Set(ctx, sc, append(slices.Clone(list), ch.ID), req.UserID); err != nil {
		return nil, err
	}
	what := "Every message there is now a question: I answer when I'm sure and offer the closest topics when I'm not."
	if ch.Type == discordgo.ChannelTypeGuildForum {
		what = "Every new post there is now a question: I answer in its thread when I'm sure, and offer the closest topics as buttons when I'm not."
	}
	m.audit(ctx, sc, fmt.Sprintf("💬 <@%s> made <#%s> an ask channel.", req.UserID, ch.ID))
	return &bot.Reply{Ephemeral: true, Content: fmt.Sprintf("<#%s> is now an ask channel. %s", ch.ID, what)}, nil
}

func (m *Moderation) handleChannelsRemove(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	if sc == kb.GlobalScope {
		return nil, bot.Userf("Ask channels belong to a server.")
	}
	ch := req.Channel("channel")
	list, err := m.askChannels.List(ctx, sc)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(list, ch) {
		return &bot.Reply{Ephemeral: true, Content: fmt.Sprintf("<#%s> is not one of this server's ask channels; nothing changed.", ch)}, nil
	}
	if err := m.askChannels.Set(ctx, sc, slices.DeleteFunc(slices.Clone(list), func(c string) bool { return c == ch }), req.UserID); err != nil {
		return nil, err
	}
	m.audit(ctx, sc, fmt.Sprintf("💬 <@%s>: <#%s> is no longer an ask channel.", req.UserID, ch))
	return &bot.Reply{Ephemeral: true, Content: fmt.Sprintf("<#%s> is no longer an ask channel: I answer there only when mentioned.", ch)}, nil
}

func (m *Moderation) handleChannelsList(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	if sc == kb.GlobalScope {
		return nil, bot.Userf("Ask channels belong to a server.")
	}
	list, err := m.askChannels.List(ctx, sc)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		msg := "This server has no ask channels of its own (the bot's operator may have set some in its configuration)."
		if !m.messageContent {
			msg += " " + strings.TrimSuffix(noMessageContent, " Nothing was changed.")
		}
		return &bot.Reply{Ephemeral: true, Content: msg}, nil
	}
	return &bot.Reply{Ephemeral: true, Content: "Ask channels here: <#" + strings.Join(list, ">, <#") + ">."}, nil
}

// askChannelOption reads and checks the channel a manager chose: one of
// this server's channels of a kind that can be an ask channel, as Discord
// resolved it; and the bot must be able to read messages.
func (m *Moderation) askChannelOption(req *bot.Request, sc string) (*discordgo.Channel, error) {
	if sc == kb.GlobalScope {
		return nil, bot.Userf("Ask channels belong to a server.")
	}
	if !m.messageContent {
		return nil, bot.Userf("%s", noMessageContent)
	}
	id := req.Channel("channel")
	c := req.ResolvedChannel(id)
	if id == "" || c == nil || (c.GuildID != "" && c.GuildID != req.GuildID) {
		return nil, bot.Userf("Pick one of this server's channels.")
	}
	if !slices.Contains(askChannelTypes, c.Type) {
		return nil, bot.Userf("Pick a text or forum channel, or a thread: I answer messages there.")
	}
	return c, nil
}
