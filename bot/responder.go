package bot

import "github.com/bwmarrin/discordgo"

// safeResponder is the single place where outgoing payloads are made safe:
// every message, edit and followup gets allowed mentions with an empty parse
// (only the user ids a Reply named in MentionUsers may be pinged), and
// everything is trimmed to Discord's limits.
type safeResponder struct {
	next Responder
	z    sanitizer
}

func (s safeResponder) InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error {
	c := *resp
	switch c.Type {
	case discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseDeferredMessageUpdate, discordgo.InteractionResponsePong:
	default:
		c.Data = s.z.responseData(c.Type, c.Data)
	}
	return s.next.InteractionRespond(i, &c, options...)
}

func (s safeResponder) InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	c := *edit
	if c.Content != nil {
		t := s.z.text("content", *c.Content, MaxContent)
		c.Content = &t
	}
	if c.Embeds != nil {
		e := s.z.embeds(*c.Embeds)
		c.Embeds = &e
	}
	if c.Components != nil {
		comps := s.z.components(*c.Components)
		c.Components = &comps
	}
	c.AllowedMentions = allowMentions(c.AllowedMentions)
	return s.next.InteractionResponseEdit(i, &c, options...)
}

func (s safeResponder) FollowupMessageCreate(i *discordgo.Interaction, wait bool, p *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	c := *p
	c.Content = s.z.text("content", c.Content, MaxContent)
	c.Embeds = s.z.embeds(c.Embeds)
	c.Components = s.z.components(c.Components)
	c.AllowedMentions = allowMentions(c.AllowedMentions)
	return s.next.FollowupMessageCreate(i, wait, &c, options...)
}

func (s safeResponder) ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	return s.next.ChannelMessageSendComplex(channelID, s.z.message(data), options...)
}

// message returns a safe copy of a channel message.
func (z sanitizer) message(data *discordgo.MessageSend) *discordgo.MessageSend {
	c := *data
	c.Content = z.text("content", c.Content, MaxContent)
	c.Embeds = z.embeds(c.Embeds)
	c.Components = z.components(c.Components)
	c.AllowedMentions = allowMentions(c.AllowedMentions)
	return &c
}

// InteractionRespondMessage answers like InteractionRespond, made safe the
// same way, and returns the message created when the next responder can
// tell (nil otherwise).
func (s safeResponder) InteractionRespondMessage(i *discordgo.Interaction, resp *discordgo.InteractionResponse) (*discordgo.Message, error) {
	mr, ok := s.next.(MessageResponder)
	if !ok {
		return nil, s.InteractionRespond(i, resp)
	}
	c := *resp
	c.Data = s.z.responseData(c.Type, c.Data)
	return mr.InteractionRespondMessage(i, &c)
}
