package commands

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
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
// a footer with the as-of date and the entry id. asked is the user's own text
// (escaped and shortened when shown).
func answerReply(k *kb.KB, e *kb.Entry, asked string) *bot.Reply {
	desc := bot.Escape(e.Answer)
	if asked != "" && !strings.EqualFold(strings.TrimRight(asked, "?! "), strings.TrimRight(e.Question, "?! ")) {
		desc = "*You asked: " + bot.Escape(bot.Truncate(asked, echoLimit)) + "*\n\n" + desc
	}
	fields := []*discordgo.MessageEmbedField{}
	if e.AttributedTo != "" {
		fields = append(fields, &discordgo.MessageEmbedField{Name: "Claim by", Value: bot.Escape(e.AttributedTo)})
	}
	fields = append(fields, sourceFields(k.Quotes(e))...)
	embed := &discordgo.MessageEmbed{
		Title:       bot.Escape(e.Question),
		Description: desc,
		Color:       colorAnswer,
		Fields:      fields,
		Footer:      &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("As reported on %s · entry %s", HumanDate(e.AsOf), e.ID)},
	}
	row := []discordgo.MessageComponent{
		discordgo.Button{Label: "Helpful", Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: bot.MustCustomID("fb", e.ID, "up")},
		discordgo.Button{Label: "Not helpful", Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: bot.MustCustomID("fb", e.ID, "down")},
	}
	if len(e.Related) > 0 {
		row = append(row, discordgo.Button{Label: "Related", Style: discordgo.PrimaryButton, CustomID: bot.MustCustomID("related", e.ID)})
	}
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{embed}, Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}}
}

// sourceFields renders numbered quotes into as few embed fields as fit
// Discord's 1,024 characters each. A quote too long for one field is
// shortened with an ellipsis and keeps its link.
func sourceFields(quotes []kb.SourcedQuote) []*discordgo.MessageEmbedField {
	var fields []*discordgo.MessageEmbedField
	var cur strings.Builder
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		name := "Sources"
		if len(fields) > 0 {
			name = "Sources (continued)"
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: name, Value: strings.TrimSpace(cur.String())})
		cur.Reset()
	}
	for i, q := range quotes {
		credit := fmt.Sprintf(" — [%s, %s](%s)", bot.Escape(q.Outlet), HumanDate(q.Published), q.URL)
		switch {
		case q.Unverified:
			credit = fmt.Sprintf(" — ⚠️ unverified source: [%s](%s)", bot.Escape(bot.Truncate(q.Title, 120)), q.URL)
		case q.URL == "":
			credit = fmt.Sprintf(" — %s, %s", bot.Escape(q.Outlet), HumanDate(q.Published))
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

// declineReply says there is no sourced answer, offers up to three entries as
// buttons and points to /topics. It never shows an entry's answer.
func declineReply(asked string, sugg []kb.Suggestion) *bot.Reply {
	desc := "I only answer from my sources, and none of them answers this"
	if asked != "" {
		desc = "*You asked: " + bot.Escape(bot.Truncate(asked, echoLimit)) + "*\n\n" + desc
	}
	if len(sugg) > 0 {
		desc += ". The closest topics I do have are below."
	} else {
		desc += "."
	}
	desc += "\nBrowse everything I can answer with `/topics`."
	rep := &bot.Reply{Embeds: []*discordgo.MessageEmbed{{
		Title: "I don't have a sourced answer for that", Description: desc, Color: colorDecline,
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
func partialReply(k *kb.KB, res kb.Result) *bot.Reply {
	e := res.Related
	desc := "**" + bot.Escape(res.Reason) + "**\n\n__What the article does say__ · *" + bot.Escape(e.Question) + "*\n" + bot.Escape(e.Answer)
	if res.Question != "" {
		desc = "*You asked: " + bot.Escape(bot.Truncate(res.Question, echoLimit)) + "*\n\n" + desc
	}
	fields := []*discordgo.MessageEmbedField{}
	if e.AttributedTo != "" {
		fields = append(fields, &discordgo.MessageEmbedField{Name: "Claim by", Value: bot.Escape(e.AttributedTo)})
	}
	fields = append(fields, sourceFields(k.Quotes(e))...)
	rep := &bot.Reply{Embeds: []*discordgo.MessageEmbed{{
		Title:       "Not in the source",
		Description: desc,
		Color:       colorPartial,
		Fields:      fields,
		Footer:      &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Not an answer to your question · related fact as reported on %s · entry %s", HumanDate(e.AsOf), e.ID)},
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
