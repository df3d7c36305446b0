package bot

import "github.com/bwmarrin/discordgo"

// AttachmentFile returns an attachment option's file as Discord resolved it
// (name, content type, size and CDN URL), or nil when absent. Download it
// with REST.Fetch, never another client.
func (r *Request) AttachmentFile(name string) *discordgo.MessageAttachment {
	o, ok := r.options[name]
	if !ok || o.Type != discordgo.ApplicationCommandOptionAttachment || r.Interaction == nil {
		return nil
	}
	id, _ := o.Value.(string)
	d, ok := r.Interaction.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok || d.Resolved == nil {
		return nil
	}
	return d.Resolved.Attachments[id]
}
