package commands

import (
	"crisisbot/bot"
	"crisisbot/commands/i18n"
)

// phraseID is the message id of one of the bot package's own phrases ("" for
// PhraseError, which has two, and for phrases it does not know).
func phraseID(p bot.Phrase) string {
	switch p {
	case bot.PhraseBusy:
		return "bot_busy"
	case bot.PhraseUnknownRoute:
		return "bot_unknown_route"
	case bot.PhraseSlowForm:
		return "bot_slow_form"
	case bot.PhraseDone:
		return "bot_done"
	case bot.PhraseAnsweredPrivately:
		return "bot_answered_privately"
	}
	return ""
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
		case phraseID(p) != "":
			return l.T(phraseID(p))
		}
		return bot.English(p, locale, guildLocale, ref)
	}
}
