package commands

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// pickPrefix marks an autocomplete choice: its value is the entry id, so
// picking a suggestion answers that entry exactly.
const pickPrefix = "kb:"

func (s *Service) askCommand() command {
	min1 := 1
	return command{
		def: &discordgo.ApplicationCommand{
			Name:        "ask",
			Description: s.en.T("cmd_ask_desc"),
			Contexts:    everywhere(),
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: s.en.T("cmd_ask_question_desc"),
					Required: true, Autocomplete: true, MinLength: &min1, MaxLength: kb.MaxQuestionRunes},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: s.en.T("cmd_ask_private_desc")},
				{Type: discordgo.ApplicationCommandOptionUser, Name: forOption, Description: s.en.T("cmd_ask_for_desc")},
			},
		},
		routes: func(r *bot.Router) {
			r.Command("ask", s.handleAsk)
			r.Autocomplete("ask", s.completeAsk)
		},
	}
}

func (s *Service) handleAsk(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	q := req.String("question")
	private := req.Bool("private")
	l := s.lang(req)
	forUser, err := askedFor(l, req)
	if err != nil {
		return nil, err
	}
	if id, ok := strings.CutPrefix(q, pickPrefix); ok {
		ix := s.indexes.Index(scope(req))
		if e, found := ix.Entry(id); found {
			if err := s.throttle(l, req.UserID); err != nil {
				return nil, err
			}
			req.Note(bot.OutcomeAnswered, e.ID, 0)
			return s.publicAnswer(l, req, forUser, private, answerReply(l, ix.KB(), e, ""), e.ID), nil
		}
	}
	rep, err := s.answer(req, q)
	if err != nil {
		return nil, err
	}
	rep.Ephemeral = rep.Ephemeral || private
	if rep.entryID != "" {
		return s.publicAnswer(l, req, forUser, private, rep.Reply, rep.entryID), nil
	}
	return declinedFor(l, forUser, rep.Reply), nil
}

func (s *Service) completeAsk(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	q := req.String("question")
	if strings.HasPrefix(q, pickPrefix) {
		q = ""
	}
	var choices []*discordgo.ApplicationCommandOptionChoice
	for _, sg := range s.indexes.Index(scope(req)).Complete(q, bot.MaxChoices) {
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: sg.Question, Value: pickPrefix + sg.ID})
	}
	return &bot.Reply{Choices: choices}, nil
}

// answered is a reply and the entry it answers ("" when declined).
type answered struct {
	*bot.Reply
	entryID string
}

// answer runs a free-text question through the rate limit and the matcher.
func (s *Service) answer(req *bot.Request, text string) (answered, error) {
	l := s.lang(req)
	if err := s.throttle(l, req.UserID); err != nil {
		req.Note(bot.OutcomeRateLimited, "", 0)
		return answered{}, err
	}
	q := stripDiscordMarkup(text)
	ix := s.indexes.Index(scope(req))
	start := time.Now()
	res, err := ix.Ask(q)
	noteAnswer(req, res, err, time.Since(start))
	switch {
	case errors.Is(err, kb.ErrEmptyQuestion):
		return answered{Reply: helpReply(l, true)}, nil
	case errors.Is(err, kb.ErrQuestionTooLong):
		return answered{}, &bot.UserError{Msg: l.T("err_question_too_long", "Max", kb.MaxQuestionRunes)}
	case err != nil:
		return answered{}, err
	}
	entryID := ""
	if res.Answered {
		entryID = res.Entry.ID
	}
	related := ""
	if res.Related != nil {
		related = res.Related.ID
	}
	s.noteQuestion(scope(req), res.Question, entryID, related)
	if !res.Answered && res.Related != nil {
		s.log.Debug("answered a question in part", "confidence", res.Confidence, "related", res.Related.ID)
		return answered{Reply: partialReply(l, ix.KB(), res)}, nil
	}
	if !res.Answered {
		s.log.Debug("declined a question", "confidence", res.Confidence)
		rep := declineReply(l, res.Question, res.Suggestions)
		if s.records != nil {
			withQuestionRef(rep, s.asked.remember(scope(req), strings.TrimSpace(q)))
		}
		return answered{Reply: rep}, nil
	}
	rep := answerReply(l, ix.KB(), res.Entry, res.Question)
	if s.records != nil {
		withQuestionRef(rep, s.asked.remember(scope(req), strings.TrimSpace(q)))
	}
	return answered{Reply: rep, entryID: res.Entry.ID}, nil
}

// withRepeat turns a repeat of the same entry in the same channel, within the
// window, into a private copy with a pointer, instead of a public duplicate.
func (s *Service) withRepeat(l i18n.Lang, channel string, private bool, rep *bot.Reply, entry string) *bot.Reply {
	if private || channel == "" {
		return rep
	}
	if a, ok := s.recent.lookup(channel, entry); ok {
		rep.Content = l.T("repeat_private", "Ago", ago(l, s.opts.Now().Sub(a.at)))
		if a.link != "" {
			rep.Content = l.T("repeat_private_link", "Ago", ago(l, s.opts.Now().Sub(a.at)), "Link", a.link)
		}
		rep.Ephemeral = true
		return rep
	}
	s.recent.record(channel, entry, "")
	return rep
}

func ago(l i18n.Lang, d time.Duration) string {
	if d < time.Minute {
		return l.T("ago_seconds", "Count", int(d.Seconds()))
	}
	return l.T("ago_minutes", "Count", int(d.Minutes()))
}

var discordMarkup = regexp.MustCompile(`<[@#][!&]?\d+>|@everyone|@here|<a?:\w+:\d+>`)

// stripDiscordMarkup removes mentions and custom emoji from a question before
// matching; they are not words.
func stripDiscordMarkup(s string) string {
	return discordMarkup.ReplaceAllString(s, " ")
}
