package bot

import (
	"context"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

// EditMessage replaces the content, embeds and components of a message the
// bot sent (PATCH /channels/{channel}/messages/{message}), made safe like
// every other message: no mentions are parsed, only rep.MentionUsers may be
// pinged, everything is trimmed to Discord's limits. Parts rep leaves empty
// are cleared.
func (r *REST) EditMessage(ctx context.Context, channelID, messageID string, rep *Reply) error {
	if !isID(channelID) || !isID(messageID) {
		return fmt.Errorf("edit a message: %q/%q is not a channel and message id", channelID, messageID)
	}
	content := r.z.text("content", rep.Content, MaxContent)
	embeds := r.z.embeds(rep.Embeds)
	comps := r.z.components(rep.Components)
	// discordgo.MessageEdit would send its untagged ID and Channel fields.
	edit := struct {
		Content         string                            `json:"content"`
		Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
		Components      []discordgo.MessageComponent      `json:"components"`
		AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	}{content, embeds, comps, allowMentions(mentionsOf(rep))}
	_, err := r.do(ctx, "edit a message", http.MethodPatch, discordgo.EndpointChannelMessage(channelID, messageID), true, edit, nil)
	return err
}

// SendReply posts rep in a channel as a reply to the message replyTo, which
// pings nobody (not even the replied-to author) beyond rep.MentionUsers. A
// reply to a message that no longer exists is sent as a plain message.
func (r *REST) SendReply(ctx context.Context, channelID, replyTo string, rep *Reply) (*discordgo.Message, error) {
	no := false
	m := r.z.message(&discordgo.MessageSend{
		Content: rep.Content, Embeds: rep.Embeds, Components: rep.Components, AllowedMentions: mentionsOf(rep),
		Reference: &discordgo.MessageReference{MessageID: replyTo, ChannelID: channelID, FailIfNotExists: &no},
	})
	return r.message(ctx, channelID, m)
}

// respondMessage answers an interaction with ?with_response=true and returns
// the message the response created (nil for responses that create none).
func (r *REST) respondMessage(ctx context.Context, i *discordgo.Interaction, resp *discordgo.InteractionResponse) (*discordgo.Message, error) {
	if i.ID == "" || i.Token == "" {
		return nil, ErrNoInteraction
	}
	var files []*discordgo.File
	if resp.Data != nil {
		files = resp.Data.Files
	}
	out, err := r.do(ctx, "interaction response", http.MethodPost, discordgo.EndpointInteractionResponse(i.ID, i.Token)+"?with_response=true", false, resp, files)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	cb, err := decode[struct {
		Resource *struct {
			Message *discordgo.Message `json:"message"`
		} `json:"resource"`
	}]("interaction response", out)
	if err != nil || cb.Resource == nil {
		return nil, err
	}
	return cb.Resource.Message, nil
}

// InteractionRespondMessage implements MessageResponder.
func (rr restResponder) InteractionRespondMessage(i *discordgo.Interaction, resp *discordgo.InteractionResponse) (*discordgo.Message, error) {
	return rr.r.respondMessage(context.Background(), i, resp)
}
