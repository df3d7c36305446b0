package bot

import (
	"slices"

	"github.com/bwmarrin/discordgo"
)

// maxMentionUsers is Discord's limit on allowed_mentions.users.
const maxMentionUsers = 100

// allowMentions is the allowed_mentions of a message the bot sends: parse is
// always empty (never @everyone, roles or every user named in the text) and
// replied_user false; users lists exactly the user ids the reply named on
// purpose (Reply.MentionUsers), and only ids that look like ids.
func allowMentions(in *discordgo.MessageAllowedMentions) *discordgo.MessageAllowedMentions {
	out := NoMentions()
	if in == nil {
		return out
	}
	for _, u := range in.Users {
		if isID(u) && !slices.Contains(out.Users, u) && len(out.Users) < maxMentionUsers {
			out.Users = append(out.Users, u)
		}
	}
	return out
}

// mentionsOf carries a reply's explicitly allowed user mentions to the
// payload; the sanitizer keeps exactly those.
func mentionsOf(rep *Reply) *discordgo.MessageAllowedMentions {
	if rep == nil || len(rep.MentionUsers) == 0 {
		return nil
	}
	return &discordgo.MessageAllowedMentions{Users: rep.MentionUsers}
}

// MessageResponder is a Responder that can also return the message an
// interaction response created (the callback's with_response=true), so a
// public answer's message id is known. The REST client's responder is one.
type MessageResponder interface {
	InteractionRespondMessage(i *discordgo.Interaction, resp *discordgo.InteractionResponse) (*discordgo.Message, error)
}
