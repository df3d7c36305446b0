package bot

import (
	"log/slog"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's limits, from the API docs (the stricter of docs and spec where
// they differ). Lengths are in characters.
const (
	MaxContent          = 2000
	MaxEmbeds           = 10
	MaxEmbedTitle       = 256
	MaxEmbedDescription = 4096
	MaxEmbedFields      = 25
	MaxFieldName        = 256
	MaxFieldValue       = 1024
	MaxFooter           = 2048
	MaxAuthorName       = 256
	MaxEmbedTotal       = 6000
	MaxChoices          = 25
	MaxChoiceName       = 100
	MaxChoiceValue      = 100
	MaxCustomID         = 100
	MaxRows             = 5
	MaxButtonsPerRow    = 5
	MaxButtonLabel      = 80
	MaxSelectOptions    = 25
	MaxOptionText       = 100
	MaxPlaceholder      = 150
	MaxModalTitle       = 45
)

// Truncate shortens s to at most n characters, ending a shortened text with
// an ellipsis so a cut is never silent.
func Truncate(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n { // no more characters than bytes
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// NoMentions allows no pings at all: not @everyone, roles, users, nor the
// author of a replied-to message.
func NoMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// sanitizer enforces the limits above on everything the bot sends. It trims on
// purpose and logs what it had to cut, since a cut here means a renderer did
// not fit its text itself.
type sanitizer struct{ log *slog.Logger }

func (z sanitizer) text(what, s string, n int) string {
	t := Truncate(s, n)
	if t != s {
		z.log.Warn("trimmed text to Discord's limit", "field", what, "limit", n, "length", utf8.RuneCountInString(s))
	}
	return t
}

func (z sanitizer) embeds(in []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	if len(in) > MaxEmbeds {
		z.log.Warn("dropped embeds over Discord's limit", "count", len(in))
		in = in[:MaxEmbeds]
	}
	out := make([]*discordgo.MessageEmbed, 0, len(in))
	for _, e := range in {
		if e == nil {
			continue
		}
		c := *e
		c.Title = z.text("embed.title", c.Title, MaxEmbedTitle)
		c.Description = z.text("embed.description", c.Description, MaxEmbedDescription)
		if len(c.Fields) > MaxEmbedFields {
			c.Fields = c.Fields[:MaxEmbedFields]
		}
		fields := make([]*discordgo.MessageEmbedField, 0, len(c.Fields))
		for _, f := range c.Fields {
			if f == nil {
				continue
			}
			g := *f
			g.Name = z.text("embed.field.name", g.Name, MaxFieldName)
			g.Value = z.text("embed.field.value", g.Value, MaxFieldValue)
			fields = append(fields, &g)
		}
		c.Fields = fields
		if c.Footer != nil {
			f := *c.Footer
			f.Text = z.text("embed.footer", f.Text, MaxFooter)
			c.Footer = &f
		}
		if c.Author != nil {
			a := *c.Author
			a.Name = z.text("embed.author", a.Name, MaxAuthorName)
			c.Author = &a
		}
		out = append(out, &c)
	}
	// The total over all embeds: shorten descriptions, then field values.
	// Bytes bound characters: counting the characters is for embeds that
	// may be over.
	if embedsTotal(out, func(s string) int { return len(s) }) <= MaxEmbedTotal {
		return out
	}
	for total := embedsTotal(out, utf8.RuneCountInString); total > MaxEmbedTotal; total = embedsTotal(out, utf8.RuneCountInString) {
		over := total - MaxEmbedTotal
		if !shrinkOne(out, over) {
			break
		}
		z.log.Warn("trimmed embeds to Discord's total limit", "total", total)
	}
	return out
}

// shrinkOne shortens the longest text of the embeds (descriptions and field
// values first, as they carry the least structure) by over characters, and
// reports whether anything could shrink.
func shrinkOne(es []*discordgo.MessageEmbed, over int) bool {
	var target *string
	longest := 0
	consider := func(s *string) {
		if n := utf8.RuneCountInString(*s); n > longest {
			longest, target = n, s
		}
	}
	for _, e := range es {
		consider(&e.Description)
		for _, f := range e.Fields {
			consider(&f.Value)
		}
	}
	if longest <= 1 {
		for _, e := range es {
			consider(&e.Title)
			for _, f := range e.Fields {
				consider(&f.Name)
			}
			if e.Footer != nil {
				consider(&e.Footer.Text)
			}
			if e.Author != nil {
				consider(&e.Author.Name)
			}
		}
	}
	if target == nil || longest <= 1 {
		return false
	}
	*target = Truncate(*target, max(1, longest-over))
	return true
}

func embedsTotal(es []*discordgo.MessageEmbed, size func(string) int) int {
	n := 0
	for _, e := range es {
		n += size(e.Title) + size(e.Description)
		for _, f := range e.Fields {
			n += size(f.Name) + size(f.Value)
		}
		if e.Footer != nil {
			n += size(e.Footer.Text)
		}
		if e.Author != nil {
			n += size(e.Author.Name)
		}
	}
	return n
}

func (z sanitizer) components(in []discordgo.MessageComponent) []discordgo.MessageComponent {
	out := []discordgo.MessageComponent{}
	for _, c := range in {
		row, ok := c.(discordgo.ActionsRow)
		if p, isPtr := c.(*discordgo.ActionsRow); isPtr && p != nil {
			row, ok = *p, true
		}
		if !ok {
			z.log.Warn("dropped a top-level component that is not an action row")
			continue
		}
		if len(out) == MaxRows {
			z.log.Warn("dropped action rows over Discord's limit")
			break
		}
		var kept []discordgo.MessageComponent
		hasSelect := false
		for _, rc := range row.Components {
			if hasSelect {
				break // a select menu fills its row
			}
			switch v := rc.(type) {
			case discordgo.Button:
				if len(kept) == MaxButtonsPerRow {
					continue
				}
				if v.Style != discordgo.LinkButton && (v.CustomID == "" || utf8.RuneCountInString(v.CustomID) > MaxCustomID) {
					z.log.Warn("dropped a button with a bad custom id", "length", len(v.CustomID))
					continue
				}
				v.Label = z.text("button.label", v.Label, MaxButtonLabel)
				kept = append(kept, v)
			case discordgo.SelectMenu:
				if len(kept) > 0 || utf8.RuneCountInString(v.CustomID) > MaxCustomID {
					continue
				}
				if len(v.Options) > MaxSelectOptions {
					v.Options = v.Options[:MaxSelectOptions]
				}
				opts := make([]discordgo.SelectMenuOption, len(v.Options))
				for i, o := range v.Options {
					o.Label = z.text("option.label", o.Label, MaxOptionText)
					o.Description = z.text("option.description", o.Description, MaxOptionText)
					o.Value = Truncate(o.Value, MaxOptionText)
					opts[i] = o
				}
				v.Options = opts
				v.Placeholder = z.text("select.placeholder", v.Placeholder, MaxPlaceholder)
				kept = append(kept, v)
				hasSelect = true
			case discordgo.TextInput:
				kept = append(kept, v)
			}
		}
		if len(kept) > 0 {
			out = append(out, discordgo.ActionsRow{Components: kept})
		}
	}
	return out
}

func (z sanitizer) choices(in []*discordgo.ApplicationCommandOptionChoice) []*discordgo.ApplicationCommandOptionChoice {
	if len(in) > MaxChoices {
		in = in[:MaxChoices]
	}
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(in))
	for _, c := range in {
		if c == nil {
			continue
		}
		name := Truncate(c.Name, MaxChoiceName)
		v, ok := c.Value.(string)
		if ok && (v == "" || utf8.RuneCountInString(v) > MaxChoiceValue) {
			continue // a cut value would submit something else
		}
		if name == "" {
			continue
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: c.Value})
	}
	return out
}

// responseData makes interaction response data safe. Message responses
// always carry empty allowed mentions and no nulls.
func (z sanitizer) responseData(t discordgo.InteractionResponseType, d *discordgo.InteractionResponseData) *discordgo.InteractionResponseData {
	if d == nil {
		d = &discordgo.InteractionResponseData{}
	}
	c := *d
	switch t {
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		c.Choices = z.choices(c.Choices)
		if c.Choices == nil {
			c.Choices = []*discordgo.ApplicationCommandOptionChoice{}
		}
		return &discordgo.InteractionResponseData{Choices: c.Choices}
	case discordgo.InteractionResponseModal:
		c.Title = z.text("modal.title", c.Title, MaxModalTitle)
	}
	c.Content = z.text("content", c.Content, MaxContent)
	c.Embeds = z.embeds(c.Embeds)
	c.Components = z.components(c.Components)
	c.AllowedMentions = allowMentions(c.AllowedMentions)
	return &c
}
