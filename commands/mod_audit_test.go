package commands

import (
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestModeration_AuditInServerLanguage: the audit channel is read by the
// server's moderators, so its posts follow the server's locale, not the
// locale of the moderator who acted.
func TestModeration_AuditInServerLanguage(t *testing.T) {
	f := newModFixture(t, 0)
	owner := as(guildA, "500000000000000001", manage)
	ukServer := func(i *discordgo.Interaction) {
		uk := discordgo.Ukrainian
		i.GuildLocale, i.Locale = &uk, discordgo.German
	}
	f.do(t, owner, kbCmd("auditchannel", opt("channel", discordgo.ApplicationCommandOptionChannel, auditChan)), all(resolveChannel(auditChan, guildA), ukServer))
	f.do(t, owner, kbCmd("roles add", opt("role", discordgo.ApplicationCommandOptionRole, modRole)), ukServer)
	posts := f.sender.posted(auditChan)
	want := []string{
		"🛈 <@500000000000000001> обрав(-ла) цей канал для журналу модерації CrisisBot.",
		"🛡️ <@500000000000000001>: учасники <@&" + modRole + "> тепер можуть модерувати.",
	}
	if !slices.Equal(posts, want) {
		t.Fatalf("audit channel of a Ukrainian server heard %q, want %q", posts, want)
	}
}
