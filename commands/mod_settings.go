package commands

import (
	"context"
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
	}, true)
}

func (m *Moderation) handleRolesRemove(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	return m.changeRoles(ctx, req, sc, func(roles []string, role string) []string {
		return slices.DeleteFunc(roles, func(r string) bool { return r == role })
	}, false)
}

// changeRoles edits the moderator roles, then says so in the audit channel.
// added says whether the role was added (or removed).
func (m *Moderation) changeRoles(ctx context.Context, req *bot.Request, sc string, edit func([]string, string) []string, added bool) (*bot.Reply, error) {
	l := m.lang(req)
	if sc == kb.GlobalScope {
		return nil, &bot.UserError{Msg: l.T("mod_err_roles_in_server")}
	}
	role := req.Role("role")
	if !isSnowflake(role) {
		return nil, &bot.UserError{Msg: l.T("mod_err_pick_role")}
	}
	if role == req.GuildID {
		return nil, &bot.UserError{Msg: l.T("mod_err_everyone_role")}
	}
	roles, err := m.settings.ModRoles(ctx, sc)
	if err != nil {
		return nil, err
	}
	roles = edit(roles, role)
	if err := m.settings.SetModRoles(ctx, sc, roles, req.UserID); err != nil {
		return nil, err
	}
	sl := m.serverLang(req)
	post, msg := sl.T("audit_role_added", "User", req.UserID, "Role", role), l.T("mod_role_added", "Role", "<@&"+role+">", "Count", len(roles))
	if !added {
		post, msg = sl.T("audit_role_removed", "User", req.UserID, "Role", role), l.T("mod_role_removed", "Role", "<@&"+role+">", "Count", len(roles))
	}
	m.audit(ctx, sc, post)
	return &bot.Reply{Ephemeral: true, Content: msg}, nil
}

func (m *Moderation) handleRolesList(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	if sc == kb.GlobalScope {
		return nil, &bot.UserError{Msg: l.T("mod_err_roles_in_server")}
	}
	roles, err := m.settings.ModRoles(ctx, sc)
	if err != nil {
		return nil, err
	}
	if len(roles) == 0 {
		return &bot.Reply{Ephemeral: true, Content: l.T("mod_roles_none")}, nil
	}
	return &bot.Reply{Ephemeral: true, Content: l.T("mod_roles_list", "Roles", "<@&"+strings.Join(roles, ">, <@&")+">")}, nil
}

// handleAuditChannel sets the channel where this server's changes are posted.
// The channel must be one of this server's text channels, as Discord resolved
// it for this interaction. The change is posted to the old channel too, so
// moving or silencing the audit trail is itself on the record.
func (m *Moderation) handleAuditChannel(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	if sc == kb.GlobalScope {
		return nil, &bot.UserError{Msg: l.T("mod_err_audit_in_server")}
	}
	ch := req.Channel("channel")
	if ch != "" {
		c := req.ResolvedChannel(ch)
		if c == nil || (c.GuildID != "" && c.GuildID != req.GuildID) {
			return nil, &bot.UserError{Msg: l.T("mod_err_pick_text_channel")}
		}
		if c.Type != discordgo.ChannelTypeGuildText && c.Type != discordgo.ChannelTypeGuildNews {
			return nil, &bot.UserError{Msg: l.T("mod_err_audit_text_only")}
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
			m.post(ctx, old, m.serverLang(req).T("audit_log_stopped", "User", req.UserID))
		} else {
			m.post(ctx, old, m.serverLang(req).T("audit_log_moved", "User", req.UserID, "Channel", ch))
		}
	}
	if ch == "" {
		return &bot.Reply{Ephemeral: true, Content: l.T("mod_audit_stopped")}, nil
	}
	m.post(ctx, ch, m.serverLang(req).T("audit_log_chosen", "User", req.UserID))
	return &bot.Reply{Ephemeral: true, Content: l.T("mod_audit_set", "Channel", "<#"+ch+">")}, nil
}

// isSnowflake reports whether s looks like a Discord id.
func isSnowflake(s string) bool {
	return len(s) >= 15 && len(s) <= 21 && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}
