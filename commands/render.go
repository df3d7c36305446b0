package commands

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

const (
	colorAnswer  = 0x2b6cb0
	colorDecline = 0x718096
	colorPartial = 0xd69e2e // amber: never the answer's blue
	echoLimit    = 200      // characters of the user's question shown back
)

// answerReply renders an entry as a cited answer: the entry's question as the
// title, the answer, numbered verbatim quotes with outlet, date and link, and
// a footer with the as-of date and the entry id, in l's words (the entry and
// its quotes stay as written). asked is the user's own text (escaped and
// shortened when shown).
func answerReply(l i18n.Lang, k *kb.KB, e *kb.Entry, asked string) *bot.Reply {
	desc := bot.Escape(e.Answer)
	if asked != "" && !strings.EqualFold(strings.TrimRight(asked, "?! "), strings.TrimRight(e.Question, "?! ")) {
		desc = youAsked(l, asked) + desc
	}
	embed := &discordgo.MessageEmbed{
		Title:       bot.Escape(e.Question),
		Description: desc,
		Color:       colorAnswer,
		Fields:      claimAndSources(l, k, e),
		Footer:      &discordgo.MessageEmbedFooter{Text: l.T("answer_footer", "Date", dateIn(l, e.AsOf), "Entry", e.ID)},
	}
	row := []discordgo.MessageComponent{
		discordgo.Button{Label: l.T("button_helpful"), Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: bot.MustCustomID("fb", e.ID, "up")},
		discordgo.Button{Label: l.T("button_not_helpful"), Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: bot.MustCustomID("fb", e.ID, "down")},
	}
	if len(e.Related) > 0 {
		row = append(row, discordgo.Button{Label: l.T("button_related"), Style: discordgo.PrimaryButton, CustomID: bot.MustCustomID("related", e.ID)})
	}
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{embed}, Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}}
}

// youAsked echoes the member's question above the reply, escaped and shortened.
func youAsked(l i18n.Lang, asked string) string {
	return "*" + l.T("you_asked", "Question", bot.Escape(bot.Truncate(asked, echoLimit))) + "*\n\n"
}

// claimAndSources are an entry's "Claim by" field and its quotes.
func claimAndSources(l i18n.Lang, k *kb.KB, e *kb.Entry) []*discordgo.MessageEmbedField {
	fields := []*discordgo.MessageEmbedField{}
	if e.AttributedTo != "" {
		fields = append(fields, &discordgo.MessageEmbedField{Name: l.T("field_claim_by"), Value: bot.Escape(e.AttributedTo)})
	}
	return append(fields, sourceFields(l, k.Quotes(e))...)
}

// sourceFields renders numbered quotes into as few embed fields as fit
// Discord's 1,024 characters each. A quote too long for one field is
// shortened with an ellipsis and keeps its link. Quotes stay verbatim in
// their source's language; in any other language the field's name says so
// ("quoted in English from HNGN").
func sourceFields(l i18n.Lang, quotes []kb.SourcedQuote) []*discordgo.MessageEmbedField {
	var fields []*discordgo.MessageEmbedField
	var cur strings.Builder
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		name := l.T("field_sources")
		if len(fields) > 0 {
			name = l.T("field_sources_continued")
		} else if !l.English() && len(quotes) > 0 {
			name = l.T("field_sources_quoted", "Outlets", outlets(quotes))
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: name, Value: strings.TrimSpace(cur.String())})
		cur.Reset()
	}
	for i, q := range quotes {
		credit := fmt.Sprintf(" — [%s, %s](%s)", bot.Escape(q.Outlet), dateIn(l, q.Published), q.URL)
		switch {
		case q.Unverified:
			credit = " — " + l.T("unverified_source", "Title", fmt.Sprintf("[%s](%s)", bot.Escape(bot.Truncate(q.Title, 120)), q.URL))
		case q.URL == "":
			credit = fmt.Sprintf(" — %s, %s", bot.Escape(q.Outlet), dateIn(l, q.Published))
		}
		prefix := fmt.Sprintf("**[%d]** “", i+1)
		quote := bot.Escape(q.Quote)
		room := bot.MaxFieldValue - utf8.RuneCountInString(prefix+"”"+credit) - 1
		if utf8.RuneCountInString(quote) > room {
			quote = bot.Truncate(quote, room)
		}
		item := prefix + quote + "”" + credit + "\n"
		if utf8.RuneCountInString(cur.String())+utf8.RuneCountInString(item) > bot.MaxFieldValue {
			flush()
		}
		cur.WriteString(item)
	}
	flush()
	return fields
}

// outlets names the outlets quoted, each once, in order: "HNGN, Reuters".
func outlets(quotes []kb.SourcedQuote) string {
	var names []string
	for _, q := range quotes {
		if q.Outlet != "" && !slices.Contains(names, q.Outlet) {
			names = append(names, q.Outlet)
		}
	}
	return bot.Escape(strings.Join(names, ", "))
}

// declineReply says there is no sourced answer, offers up to three entries as
// buttons and points to /topics. It never shows an entry's answer.
func declineReply(l i18n.Lang, asked string, sugg []kb.Suggestion) *bot.Reply {
	desc := l.T("decline_none")
	if len(sugg) > 0 {
		desc = l.T("decline_closest")
	}
	if asked != "" {
		desc = youAsked(l, asked) + desc
	}
	desc += "\n" + l.T("decline_browse")
	rep := &bot.Reply{Embeds: []*discordgo.MessageEmbed{{
		Title: l.T("decline_title"), Description: desc, Color: colorDecline,
	}}}
	if len(sugg) > 0 {
		rep.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: entryButtons(sugg)}}
	}
	return rep
}

// partialReply says the source does not answer the question, then shows the
// closest sourced fact under "What the article does say", with its claim and
// quotes. Its title, colour and footer make it impossible to take for an
// answer, and it carries no feedback buttons.
func partialReply(l i18n.Lang, k *kb.KB, res kb.Result) *bot.Reply {
	e := res.Related
	reason := bot.Escape(res.Reason)
	if !l.English() {
		reason = l.T("partial_reason") // the matcher words its reasons in English
	}
	desc := "**" + reason + "**\n\n__" + l.T("partial_does_say") + "__ · *" + bot.Escape(e.Question) + "*\n" + bot.Escape(e.Answer)
	if res.Question != "" {
		desc = youAsked(l, res.Question) + desc
	}
	rep := &bot.Reply{Embeds: []*discordgo.MessageEmbed{{
		Title:       l.T("partial_title"),
		Description: desc,
		Color:       colorPartial,
		Fields:      claimAndSources(l, k, e),
		Footer:      &discordgo.MessageEmbedFooter{Text: l.T("partial_footer", "Date", dateIn(l, e.AsOf), "Entry", e.ID)},
	}}}
	var sugg []kb.Suggestion
	for _, s := range res.Suggestions {
		if s.ID != e.ID {
			sugg = append(sugg, s)
		}
	}
	if len(sugg) > 0 {
		rep.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: entryButtons(sugg)}}
	}
	return rep
}

// entryButtons makes one "open this entry" button per suggestion (at most 5).
func entryButtons(sugg []kb.Suggestion) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for _, s := range sugg {
		if len(out) == bot.MaxButtonsPerRow {
			break
		}
		out = append(out, discordgo.Button{Label: bot.Truncate(s.Question, bot.MaxButtonLabel), Style: discordgo.SecondaryButton, CustomID: bot.MustCustomID("open", s.ID)})
	}
	return out
}
