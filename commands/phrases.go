package commands

import (
	"crisisbot/bot"
	"crisisbot/commands/i18n"
)

// phraseIDs are the message ids of the bot package's own phrases.
var phraseIDs = map[bot.Phrase]string{
	bot.PhraseBusy:              "bot_busy",
	bot.PhraseUnknownRoute:      "bot_unknown_route",
	bot.PhraseSlowForm:          "bot_slow_form",
	bot.PhraseDone:              "bot_done",
	bot.PhraseAnsweredPrivately: "bot_answered_privately",
}

// Phrasebook says the bot package's own sentences (busy, unknown button,
// generic error…) from words, in the member's language.
func Phrasebook(words *i18n.Catalog) bot.Phrasebook {
	return func(p bot.Phrase, locale, guildLocale, ref string) string {
		l := words.For(locale, guildLocale)
		switch {
		case p == bot.PhraseError && ref == "":
			return l.T("bot_error")
		case p == bot.PhraseError:
			return l.T("bot_error_ref", "Ref", ref)
		case phraseIDs[p] != "":
			return l.T(phraseIDs[p])
		}
		return bot.English(p, locale, guildLocale, ref)
	}
}
