package commands

import (
	"context"
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

func (m *Moderation) handleChannelsAdd(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	ch, err := m.askChannelOption(req, sc)
	if err != nil {
		return nil, err
	}
	list, err := m.askChannels.List(ctx, sc)
	if err != nil {
		return nil, err
	}
	if slices.Contains(list, ch.ID) {
		return &bot.Reply{Ephemeral: true, Content: l.T("mod_channel_already", "Channel", "<#"+ch.ID+">")}, nil
	}
	if len(list) >= maxAskChannels {
		return nil, &bot.UserError{Msg: l.T("mod_err_channels_full", "Count", maxAskChannels)}
	}
	if err := m.askChannels.Set(ctx, sc, append(slices.Clone(list), ch.ID), req.UserID); err != nil {
		return nil, err
	}
	msg := l.T("mod_channel_added", "Channel", "<#"+ch.ID+">")
	if ch.Type == discordgo.ChannelTypeGuildForum {
		msg = l.T("mod_channel_added_forum", "Channel", "<#"+ch.ID+">")
	}
	m.audit(ctx, sc, m.serverLang(req).T("audit_channel_added", "User", req.UserID, "Channel", ch.ID))
	return &bot.Reply{Ephemeral: true, Content: msg}, nil
}

func (m *Moderation) handleChannelsRemove(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	if sc == kb.GlobalScope {
		return nil, &bot.UserError{Msg: l.T("mod_err_channels_in_server")}
	}
	ch := req.Channel("channel")
	list, err := m.askChannels.List(ctx, sc)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(list, ch) {
		return &bot.Reply{Ephemeral: true, Content: l.T("mod_channel_not_ask", "Channel", "<#"+ch+">")}, nil
	}
	if err := m.askChannels.Set(ctx, sc, slices.DeleteFunc(slices.Clone(list), func(c string) bool { return c == ch }), req.UserID); err != nil {
		return nil, err
	}
	m.audit(ctx, sc, m.serverLang(req).T("audit_channel_removed", "User", req.UserID, "Channel", ch))
	return &bot.Reply{Ephemeral: true, Content: l.T("mod_channel_removed", "Channel", "<#"+ch+">")}, nil
}

func (m *Moderation) handleChannelsList(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	if sc == kb.GlobalScope {
		return nil, &bot.UserError{Msg: l.T("mod_err_channels_in_server")}
	}
	list, err := m.askChannels.List(ctx, sc)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		msg := l.T("mod_channels_none")
		if !m.messageContent {
			msg += " " + l.T("mod_no_message_content")
		}
		return &bot.Reply{Ephemeral: true, Content: msg}, nil
	}
	return &bot.Reply{Ephemeral: true, Content: l.T("mod_channels_list", "Channels", "<#"+strings.Join(list, ">, <#")+">")}, nil
}

// askChannelOption reads and checks the channel a manager chose: one of
// this server's channels of a kind that can be an ask channel, as Discord
// resolved it; and the bot must be able to read messages.
// Without the Message Content intent it tells the manager why ask channels
// cannot be chosen here.
func (m *Moderation) askChannelOption(req *bot.Request, sc string) (*discordgo.Channel, error) {
	l := m.lang(req)
	if sc == kb.GlobalScope {
		return nil, &bot.UserError{Msg: l.T("mod_err_channels_in_server")}
	}
	if !m.messageContent {
		return nil, &bot.UserError{Msg: l.T("mod_no_message_content") + " " + l.T("mod_nothing_changed")}
	}
	id := req.Channel("channel")
	c := req.ResolvedChannel(id)
	if id == "" || c == nil || (c.GuildID != "" && c.GuildID != req.GuildID) {
		return nil, &bot.UserError{Msg: l.T("mod_err_pick_channel")}
	}
	if !slices.Contains(askChannelTypes, c.Type) {
		return nil, &bot.UserError{Msg: l.T("mod_err_ask_channel_type")}
	}
	return c, nil
}
