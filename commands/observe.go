package commands

import (
	"errors"
	"time"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// noteAnswer tells the router what came of a question the matcher was asked,
// for metrics and the request's log line: answered, partial (not in the
// source, the closest sourced fact shown under its own heading), declined.
func noteAnswer(req *bot.Request, res kb.Result, err error, match time.Duration) {
	switch {
	case errors.Is(err, kb.ErrEmptyQuestion), errors.Is(err, kb.ErrQuestionTooLong):
		req.Note(bot.OutcomeDeclined, "", match)
	case err != nil:
		req.Note(bot.OutcomeError, "", match)
	case res.Answered && res.Entry != nil:
		req.Note(bot.OutcomeAnswered, res.Entry.ID, match)
	case res.Related != nil:
		req.Note(bot.OutcomePartial, res.Related.ID, match)
	default:
		req.Note(bot.OutcomeDeclined, "", match)
	}
}

// Outcome names a rate-limit refusal for metrics (see bot.Request.Note).
func (e *throttledError) Outcome() bot.Outcome { return bot.OutcomeRateLimited }

// EditObserver is told of refused knowledge-base edits, for metrics. Safe
// for concurrent use.
type EditObserver interface {
	// EditRefused is called with "conflict" (someone saved in between),
	// "invalid" (the result would not validate, e.g. a forged quote) or
	// "error" (the store failed).
	EditRefused(reason string)
}

// refuse counts a refused edit and turns err into words for the moderator,
// in l.
func (m *Moderation) refuse(l i18n.Lang, err error) error {
	if m.observer != nil && err != nil {
		var verr *kb.ValidationError
		switch {
		case errors.Is(err, kb.ErrConflict):
			m.observer.EditRefused("conflict")
		case errors.As(err, &verr):
			m.observer.EditRefused("invalid")
		default:
			m.observer.EditRefused("error")
		}
	}
	return saveError(l, err)
}
