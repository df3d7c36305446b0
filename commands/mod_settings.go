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

func (m *Moderation) handleRolesAdd(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	return m.changeRoles(ctx, req, sc, func(roles []string, role string) []string {
		if !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
		return roles
	}, "may now moderate")
}

func (m *Moderation) handleRolesRemove(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	return m.changeRoles(ctx, req, sc, func(roles []string, role string) []string {
		return slices.DeleteFunc(roles, func(r string) bool { return r == role })
	}, "no longer moderates")
}

// changeRoles edits the moderator roles, then says so in the audit channel.
func (m *Moderation) changeRoles(ctx context.Context, req *bot.Request, sc string, edit func([]string, string) []string, what string) (*bot.Reply, error) {
	if sc == kb.GlobalScope {
		return nil, bot.Userf("Moderator roles belong to a server.")
	}
	role := req.Role("role")
	if !isSnowflake(role) {
		return nil, bot.Userf("Pick a role from the list.")
	}
	if role == req.GuildID {
		return nil, bot.Userf("That is the @everyone role: every member would moderate. Pick a role given to moderators.")
	}
	roles, err := m.settings.ModRoles(ctx, sc)
	if err != nil {
		return nil, err
	}
	roles = edit(roles, role)
	if err := m.settings.SetModRoles(ctx, sc, roles, req.UserID); err != nil {
		return nil, err
	}
	m.audit(ctx, sc, fmt.Sprintf("🛡️ <@%s>: members of <@&%s> %s.", req.UserID, role, what))
	return &bot.Reply{Ephemeral: true, Content: fmt.Sprintf("Members of <@&%s> %s. Moderator roles now: %d. (Members with Manage Server can always moderate.)", role, what, len(roles))}, nil
}

func (m *Moderation) handleRolesList(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	if sc == kb.GlobalScope {
		return nil, bot.Userf("Moderator roles belong to a server.")
	}
	roles, err := m.settings.ModRoles(ctx, sc)
	if err != nil {
		return nil, err
	}
	if len(roles) == 0 {
		return &bot.Reply{Ephemeral: true, Content: "Only members with Manage Server can moderate here."}, nil
	}
	return &bot.Reply{Ephemeral: true, Content: "Moderator roles: <@&" + strings.Join(roles, ">, <@&") + ">, plus anyone with Manage Server."}, nil
}

// handleAuditChannel sets the channel where this server's changes are posted.
// The channel must be one of this server's text channels, as Discord resolved
// it for this interaction. The change is posted to the old channel too, so
// moving or silencing the audit trail is itself on the record.
func (m *Moderation) handleAuditChannel(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	if sc == kb.GlobalScope {
		return nil, bot.Userf("The audit channel belongs to a server.")
	}
	ch := req.Channel("channel")
	if ch != "" {
		c := req.ResolvedChannel(ch)
		if c == nil || (c.GuildID != "" && c.GuildID != req.GuildID) {
			return nil, bot.Userf("Pick one of this server's text channels.")
		}
		if c.Type != discordgo.ChannelTypeGuildText && c.Type != discordgo.ChannelTypeGuildNews {
			return nil, bot.Userf("Pick a text channel: I post the log there as messages.")
		}
	}
	old, err := m.settings.AuditChannel(ctx, sc)
	if err != nil {
		return nil, err
	}
	if err := m.settings.SetAuditChannel(ctx, sc, ch, req.UserID); err != nil {
		return nil, err
	}
	if old != "" && old != ch {
		if ch == "" {
			m.post(ctx, old, fmt.Sprintf("🛈 <@%s> stopped posting CrisisBot's moderation log here (it is still kept: `/kb audit`).", req.UserID))
		} else {
			m.post(ctx, old, fmt.Sprintf("🛈 <@%s> moved CrisisBot's moderation log to <#%s>.", req.UserID, ch))
		}
	}
	if ch == "" {
		return &bot.Reply{Ephemeral: true, Content: "Changes are no longer posted to a channel (they are still in the audit log: `/kb audit`)."}, nil
	}
	m.post(ctx, ch, fmt.Sprintf("🛈 <@%s> chose this channel for CrisisBot's moderation log.", req.UserID))
	return &bot.Reply{Ephemeral: true, Content: "Every change to this server's answers will be posted in <#" + ch + ">."}, nil
}

// isSnowflake reports whether s looks like a Discord id.
func isSnowflake(s string) bool {
	return len(s) >= 15 && len(s) <= 21 && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}
