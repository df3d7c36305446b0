package commands

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// whatChanged says in a few words how an entry changed, for the
// "Corrected on" line: from the version last shown (nil when unknown; its
// Entry nil when it had been withdrawn) to the entry now served (nil when
// withdrawn).
func whatChanged(prev *kb.Version, now *kb.Entry) string {
	switch {
	case now == nil:
		return "the moderators withdrew this answer; it is no longer given"
	case prev == nil:
		return "the answer was updated"
	case prev.Entry == nil:
		return "the moderators restored this answer"
	}
	old := prev.Entry
	var parts []string
	if old.Answer != now.Answer {
		parts = append(parts, "the answer was updated")
	}
	if !slices.Equal(old.Citations, now.Citations) {
		parts = append(parts, "its sources changed")
	}
	if old.AttributedTo != now.AttributedTo {
		parts = append(parts, "who made the claim changed")
	}
	if old.AsOf != now.AsOf {
		parts = append(parts, fmt.Sprintf("it is now as reported on %s", HumanDate(now.AsOf)))
	}
	if old.Question != now.Question {
		parts = append(parts, "the question was reworded")
	}
	if len(parts) == 0 {
		return "the entry was revised"
	}
	return strings.Join(parts, "; ")
}

func correctedLine(old *kb.Version, now *kb.Entry, at time.Time) string {
	return fmt.Sprintf("✏️ **Corrected on %s:** %s.", at.UTC().Format("2 January 2006"), whatChanged(old, now))
}

// correctedMessage is what an answer message the bot sent becomes after a
// change: the "Corrected on" line, then the current answer, with the old
// citations struck through when they changed and still fit Discord's
// limits. A withdrawn answer keeps only its question and the line.
func correctedMessage(l i18n.Lang, k *kb.KB, prev *kb.Version, now *kb.Entry, at time.Time) *bot.Reply {
	line := correctedLine(prev, now, at)
	var old *kb.Entry
	if prev != nil {
		old = prev.Entry
	}
	if now == nil {
		title := "Withdrawn answer"
		if old != nil {
			title = bot.Escape(old.Question)
		}
		return &bot.Reply{Content: line, Embeds: []*discordgo.MessageEmbed{{
			Title: bot.Truncate(title, bot.MaxEmbedTitle), Color: colorDecline,
			Description: "This answer is no longer in my knowledge base. Browse what I can answer with `/topics`.",
		}}}
	}
	rep := answerReply(l, k, now, "")
	rep.Content = line
	if old != nil && !slices.Equal(old.Citations, now.Citations) && len(rep.Embeds) == 1 {
		addStruck(rep.Embeds[0], k.Quotes(old))
	}
	return rep
}

// addStruck adds the old quotes, struck through, as one last field, only if
// it fits the field and embed limits whole (never cut: a cut quote would
// misquote).
func addStruck(e *discordgo.MessageEmbed, quotes []kb.SourcedQuote) {
	var b strings.Builder
	for i, q := range quotes {
		fmt.Fprintf(&b, "~~[%d] “%s”~~\n", i+1, bot.Escape(q.Quote))
	}
	value := strings.TrimSpace(b.String())
	const name = "Previously cited"
	if value == "" || utf8.RuneCountInString(value) > bot.MaxFieldValue || len(e.Fields) >= bot.MaxEmbedFields {
		return
	}
	total := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description) + utf8.RuneCountInString(name) + utf8.RuneCountInString(value)
	for _, f := range e.Fields {
		total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		total += utf8.RuneCountInString(e.Footer.Text)
	}
	if total > bot.MaxEmbedTotal {
		return
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: value})
}

// correctionReply is the one short reply posted under a slash-command
// answer that can no longer be edited: the "Corrected on" line and, unless
// the answer was withdrawn, a button that shows the current answer.
func correctionReply(prev *kb.Version, now *kb.Entry, at time.Time) *bot.Reply {
	about := ""
	var old *kb.Entry
	if prev != nil {
		old = prev.Entry
	}
	if q := pick(now, old); q != nil {
		about = " to *" + bot.Escape(bot.Truncate(q.Question, 200)) + "*"
	}
	rep := &bot.Reply{Content: fmt.Sprintf("%s\n(This corrects the answer%s above.)", correctedLine(prev, now, at), about)}
	if now != nil {
		rep.Content += " The current answer is one click away."
		rep.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Show the current answer", Style: discordgo.PrimaryButton, CustomID: bot.MustCustomID("open", now.ID)},
		}}}
	}
	return rep
}

func pick(es ...*kb.Entry) *kb.Entry {
	for _, e := range es {
		if e != nil {
			return e
		}
	}
	return nil
}
