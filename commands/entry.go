package commands

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/kb"
)

// entryRoutes are the buttons every answer and suggestion carries.
func (s *Service) entryRoutes(r *bot.Router) {
	r.Component("/open/{entry}", s.handleOpen, bot.Private)
	r.Component("/related/{entry}", s.handleRelated, bot.Private)
	r.Component("/fb/{entry}/{vote}", s.handleFeedback, bot.Private)
	r.Component("/fb/{entry}/{vote}/{ref}", s.handleFeedback, bot.Private)
	r.Component("/pick/{entry}/{ref}", s.handlePick, bot.Private)
}

func (s *Service) entry(req *bot.Request, id string) (*kb.Index, *kb.Entry, error) {
	ix := s.indexes.Index(scope(req))
	e, ok := ix.Entry(id)
	if !ok {
		return nil, nil, &bot.UserError{Msg: s.lang(req).T("err_entry_gone")}
	}
	return ix, e, nil
}

// handleOpen shows one entry, to the clicker only.
func (s *Service) handleOpen(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	ix, e, err := s.entry(req, req.Params["entry"])
	if err != nil {
		return nil, err
	}
	rep := answerReply(s.lang(req), ix.KB(), e, "")
	rep.Ephemeral = true
	return rep, nil
}

// handleRelated lists an entry's related entries as buttons.
func (s *Service) handleRelated(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	ix, e, err := s.entry(req, req.Params["entry"])
	if err != nil {
		return nil, err
	}
	var sugg []kb.Suggestion
	for _, id := range e.Related {
		if r, ok := ix.Entry(id); ok {
			sugg = append(sugg, kb.Suggestion{ID: r.ID, Question: r.Question})
		}
	}
	if len(sugg) == 0 {
		return &bot.Reply{Ephemeral: true, Content: s.lang(req).T("related_none")}, nil
	}
	return &bot.Reply{
		Ephemeral:  true,
		Content:    s.lang(req).T("related_to", "Question", "*"+bot.Escape(e.Question)+"*"),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: entryButtons(sugg)}},
	}, nil
}

// handleFeedback records one 👍/👎 per user per entry.
func (s *Service) handleFeedback(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	_, e, err := s.entry(req, req.Params["entry"])
	if err != nil {
		return nil, err
	}
	vote := req.Params["vote"]
	if vote != "up" && vote != "down" {
		return nil, &bot.UserError{Msg: s.lang(req).T("err_bad_button")}
	}
	if s.records != nil {
		if err := s.records.Vote(ctx, scope(req), e.ID, req.UserID, vote == "up"); err != nil {
			return nil, err
		}
	}
	if vote == "up" && req.Params["ref"] != "" {
		s.notePick(ctx, req, e.ID)
	}
	msg := s.lang(req).T("vote_up_thanks")
	if vote == "down" {
		msg = s.lang(req).T("vote_down_thanks")
	}
	return &bot.Reply{Ephemeral: true, Content: msg}, nil
}
