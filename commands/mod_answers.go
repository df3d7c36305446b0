package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/kb"
)

// answerSettingOptions are the options of /kb settings.
func answerSettingOptions() []*discordgo.ApplicationCommandOption {
	onOff := func(name, desc string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc,
			Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "on", Value: "on"}, {Name: "off", Value: "off"}}}
	}
	return []*discordgo.ApplicationCommandOption{
		onOff(settingCorrections, "Correct my earlier answers here when an answer changes (default on)"),
		onOff(settingMentionAuthor, "Ask CrisisBot mentions the author of the message it answers (default off)"),
	}
}

// handleSettings shows or changes the server's answer settings. Managers
// only, like the audit channel: corrections and mentions reach members.
func (m *Moderation) handleSettings(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	if sc == kb.GlobalScope {
		return nil, &bot.UserError{Msg: l.T("mod_err_settings_in_server")}
	}
	var changed []string
	for _, key := range []string{settingCorrections, settingMentionAuthor} {
		v := req.String(key)
		if v == "" {
			continue
		}
		if v != "on" && v != "off" {
			return nil, &bot.UserError{Msg: l.T("mod_err_on_off")}
		}
		if err := m.store.SetSetting(ctx, sc, key, v, req.UserID); err != nil {
			return nil, err
		}
		changed = append(changed, fmt.Sprintf("`%s` %s", key, v))
	}
	set := Settings{store: m.store}
	state := func(on bool) string {
		if on {
			return "**" + l.T("mod_setting_on") + "**"
		}
		return "**" + l.T("mod_setting_off") + "**"
	}
	now := l.T("mod_settings_now", "Corrections", state(set.CorrectionsOn(ctx, sc)), "MentionAuthor", state(set.MentionAuthor(ctx, sc)))
	if len(changed) == 0 {
		return &bot.Reply{Ephemeral: true, Content: now}, nil
	}
	m.audit(ctx, sc, m.serverLang(req).T("audit_settings_set", "User", req.UserID, "Changes", strings.Join(changed, ", ")))
	return &bot.Reply{Ephemeral: true, Content: l.T("mod_settings_saved", "Settings", now)}, nil
}
