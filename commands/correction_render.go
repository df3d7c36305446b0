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
func whatChanged(l i18n.Lang, prev *kb.Version, now *kb.Entry) string {
	switch {
	case now == nil:
		return l.T("corr_withdrawn")
	case prev == nil:
		return l.T("corr_answer_updated")
	case prev.Entry == nil:
		return l.T("corr_restored")
	}
	old := prev.Entry
	var parts []string
	if old.Answer != now.Answer {
		parts = append(parts, l.T("corr_answer_updated"))
	}
	if !slices.Equal(old.Citations, now.Citations) {
		parts = append(parts, l.T("corr_sources_changed"))
	}
	if old.AttributedTo != now.AttributedTo {
		parts = append(parts, l.T("corr_claim_changed"))
	}
	if old.AsOf != now.AsOf {
		parts = append(parts, l.T("corr_as_of", "Date", dateIn(l, now.AsOf)))
	}
	if old.Question != now.Question {
		parts = append(parts, l.T("corr_reworded"))
	}
	if len(parts) == 0 {
		return l.T("corr_revised")
	}
	return strings.Join(parts, "; ")
}

func correctedLine(l i18n.Lang, old *kb.Version, now *kb.Entry, at time.Time) string {
	return "✏️ " + l.T("corr_line", "Date", dateIn(l, at.UTC().Format(time.DateOnly)), "What", whatChanged(l, old, now))
}

// correctedMessage is what an answer message the bot sent becomes after a
// change: the "Corrected on" line, then the current answer, with the old
// citations struck through when they changed and still fit Discord's
// limits. A withdrawn answer keeps only its question and the line.
func correctedMessage(l i18n.Lang, k *kb.KB, prev *kb.Version, now *kb.Entry, at time.Time) *bot.Reply {
	line := correctedLine(l, prev, now, at)
	var old *kb.Entry
	if prev != nil {
		old = prev.Entry
	}
	if now == nil {
		title := l.T("corr_withdrawn_title")
		if old != nil {
			title = bot.Escape(old.Question)
		}
		return &bot.Reply{Content: line, Embeds: []*discordgo.MessageEmbed{{
			Title: bot.Truncate(title, bot.MaxEmbedTitle), Color: colorDecline,
			Description: l.T("corr_withdrawn_desc"),
		}}}
	}
	rep := answerReply(l, k, now, "")
	rep.Content = line
	if old != nil && !slices.Equal(old.Citations, now.Citations) && len(rep.Embeds) == 1 {
		addStruck(rep.Embeds[0], l.T("corr_previously_cited"), k.Quotes(old))
	}
	return rep
}

// addStruck adds the old quotes, struck through, as one last field, only if
// it fits the field and embed limits whole (never cut: a cut quote would
// misquote).
func addStruck(e *discordgo.MessageEmbed, name string, quotes []kb.SourcedQuote) {
	var b strings.Builder
	for i, q := range quotes {
		fmt.Fprintf(&b, "~~[%d] “%s”~~\n", i+1, bot.Escape(q.Quote))
	}
	value := strings.TrimSpace(b.String())
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
func correctionReply(l i18n.Lang, prev *kb.Version, now *kb.Entry, at time.Time) *bot.Reply {
	var old *kb.Entry
	if prev != nil {
		old = prev.Entry
	}
	about := l.T("corr_corrects")
	if q := pick(now, old); q != nil {
		about = l.T("corr_corrects_question", "Question", "*"+bot.Escape(bot.Truncate(q.Question, 200))+"*")
	}
	rep := &bot.Reply{Content: correctedLine(l, prev, now, at) + "\n(" + about + ")"}
	if now != nil {
		rep.Content += " " + l.T("corr_one_click")
		rep.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: l.T("corr_button_current"), Style: discordgo.PrimaryButton, CustomID: bot.MustCustomID("open", now.ID)},
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
