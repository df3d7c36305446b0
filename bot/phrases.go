package bot

import "github.com/bwmarrin/discordgo"

// Phrase names one of the few sentences the bot package says to members on
// its own: refusals, fallbacks and placeholders that no handler wrote.
type Phrase int

// The bot package's own phrases, with their English text in English.
const (
	PhraseBusy              Phrase = iota // BusyMessage
	PhraseUnknownRoute                    // an interaction no route knows
	PhraseSlowForm                        // a form that could not open in time
	PhraseDone                            // a handler that answered nothing after a deferral
	PhraseAnsweredPrivately               // a public placeholder whose answer went to the user alone
	PhraseError                           // a handler failed; {{ref}} is the request id, "" for none
)

// Phrasebook returns a phrase in the language of a member's Discord locale,
// else the server's ("" when unknown). ref is the request id for
// PhraseError ("" for none) and unused otherwise. It must be safe for
// concurrent use.
type Phrasebook func(p Phrase, locale, guildLocale, ref string) string

// English is the Phrasebook used when none is given.
func English(p Phrase, _, _, ref string) string {
	switch p {
	case PhraseBusy:
		return BusyMessage
	case PhraseUnknownRoute:
		return "I don't know that command or button any more; it may be from an older version of me. Try /help."
	case PhraseSlowForm:
		return "Sorry, that took me too long to open the form. Please try again."
	case PhraseDone:
		return "Done."
	case PhraseAnsweredPrivately:
		return answeredPrivately
	case PhraseError:
		return errorMessage(ref)
	}
	return ""
}

// WithPhrasebook makes the router (and a Bot built on it) say its own
// sentences through p, in each member's language.
func WithPhrasebook(p Phrasebook) RouterOption {
	return func(r *Router) { r.phrases = p }
}

// say returns p for interaction i (nil i for no locale).
func (r *Router) say(p Phrase, i *discordgo.Interaction, ref string) string {
	var locale, guild string
	if i != nil {
		locale = string(i.Locale)
		if i.GuildLocale != nil {
			guild = string(*i.GuildLocale)
		}
	}
	return r.phrases(p, locale, guild, ref)
}

// guildLocale is a server's preferred locale from the session's state (its
// GUILD_CREATE, applied before any later event is handled), "" when unknown.
func guildLocale(s *discordgo.Session, guild string) string {
	if s == nil || s.State == nil || guild == "" {
		return ""
	}
	if g, err := s.State.Guild(guild); err == nil {
		return g.PreferredLocale
	}
	return ""
}

// GuildLocale returns a server's preferred locale as this shard last saw it
// (GUILD_CREATE or GUILD_UPDATE), "" when unknown. Safe for concurrent use.
func (b *Bot) GuildLocale(guild string) string { return guildLocale(b.s, guild) }

// GuildLocale returns a server's preferred locale from whichever opened
// shard has it, "" when unknown or when s is nil. Safe for concurrent use.
func (s *Shards) GuildLocale(guild string) string {
	if s == nil {
		return ""
	}
	for _, b := range s.Bots() {
		if l := b.GuildLocale(guild); l != "" {
			return l
		}
	}
	return ""
}
