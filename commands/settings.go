package commands

import (
	"context"
	"slices"
	"strings"

	"crisisbot/kb"
)

// Setting keys in the store.
const (
	settingModRoles     = "mod_roles"
	settingAuditChannel = "audit_channel"
)

// SettingsStore is the part of kb.Store that keeps per-server settings.
type SettingsStore interface {
	Setting(ctx context.Context, scope, key string) (string, error)
	SetSetting(ctx context.Context, scope, key, value, author string) error
}

// Settings owns a server's moderation settings: its moderator roles and its
// audit channel. Every change is audited by the store. Safe for concurrent
// use (the store serialises writes).
type Settings struct{ store SettingsStore }

// ModRoles returns the role ids whose members may moderate in guild.
func (s Settings) ModRoles(ctx context.Context, guild string) ([]string, error) {
	v, err := s.store.Setting(ctx, guild, settingModRoles)
	if err != nil {
		return nil, err
	}
	var roles []string
	for _, r := range strings.Split(v, ",") {
		if r != "" {
			roles = append(roles, r)
		}
	}
	return roles, nil
}

// SetModRoles replaces guild's moderator roles.
func (s Settings) SetModRoles(ctx context.Context, guild string, roles []string, author string) error {
	roles = slices.Compact(slices.Sorted(slices.Values(roles)))
	return s.store.SetSetting(ctx, guild, settingModRoles, strings.Join(roles, ","), author)
}

// AuditChannel returns the channel where guild's changes are posted ("" for
// none).
func (s Settings) AuditChannel(ctx context.Context, guild string) (string, error) {
	if guild == kb.GlobalScope {
		return "", nil
	}
	return s.store.Setting(ctx, guild, settingAuditChannel)
}

// SetAuditChannel sets (or, with "", clears) guild's audit channel.
func (s Settings) SetAuditChannel(ctx context.Context, guild, channel, author string) error {
	return s.store.SetSetting(ctx, guild, settingAuditChannel, channel, author)
}
