package bot

// Answering an interaction within Discord's 3 seconds: at once when the
// handler is quick, else a deferral chosen by the route's options, then the
// late reply as an edit or a follow-up. The routing itself is in router.go.

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

type result struct {
	rep *Reply
	err error
}

// respond runs the route's handler and answers within Discord's 3 seconds:
// at once when it is quick, otherwise it defers (as the route declares) and
// delivers the reply when the handler is done. See Router.
func (r *Router) respond(ctx context.Context, resp Responder, i *discordgo.Interaction, req *Request, rt route) {
	if rt.h == nil {
		r.send(resp, i, &Reply{Ephemeral: true, Content: r.say(PhraseUnknownRoute, i, "")})
		return
	}
	run := func() result {
		rep, err := r.call(ctx, rt.h, req)
		if err != nil {
			rep = r.errorReply(err, req)
		}
		return result{rep: rep}
	}
	if rt.opts&OpensModal != 0 {
		r.send(resp, i, run().rep) // a modal cannot follow a defer
		return
	}
	// The handler runs on this goroutine (no goroutine to start, and no
	// stack to grow again for each interaction); past SlowAfter a timer's
	// goroutine sends the deferral meanwhile. Whichever of the two comes
	// first, the reply or the deferral, decides how the reply is sent.
	const (
		running = iota
		answered
		deferring
	)
	var state atomic.Int32
	deferred := make(chan bool, 1) // whether the deferral was sent
	d := r.deferral(i, rt)
	timer := time.AfterFunc(r.SlowAfter, func() {
		if !state.CompareAndSwap(running, deferring) {
			return
		}
		err := resp.InteractionRespond(i, d.response())
		if err != nil {
			r.log.Warn("defer failed", "err", err)
		}
		deferred <- err == nil
	})
	res := run()
	timer.Stop()
	if state.CompareAndSwap(running, answered) {
		r.send(resp, i, res.rep)
		return
	}
	if <-deferred {
		r.late(resp, i, d, res.rep)
	}
}

// deferral is how an interaction was deferred.
type deferral struct{ update, private bool }

func (r *Router) deferral(i *discordgo.Interaction, rt route) deferral {
	if i.Type == discordgo.InteractionApplicationCommand {
		return deferral{private: rt.opts&Private != 0}
	}
	return deferral{update: i.Type == discordgo.InteractionMessageComponent && rt.opts&UpdatesMessage != 0, private: true}
}

func (d deferral) response() *discordgo.InteractionResponse {
	if d.update {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if d.private {
		resp.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	return resp
}

// answeredPrivately replaces a public placeholder whose answer went to the
// user alone.
const answeredPrivately = "Answered privately."

// late delivers a reply after the interaction was deferred as d.
func (r *Router) late(resp Responder, i *discordgo.Interaction, d deferral, rep *Reply) {
	if rep != nil && rep.Modal != nil {
		r.log.Error("a slow handler answered with a form, which cannot follow a deferral; declare its route bot.OpensModal", "interaction", i.ID)
		rep = &Reply{Ephemeral: true, Content: r.say(PhraseSlowForm, i, "")}
	}
	switch {
	case d.update && rep == nil:
		// The deferred update acknowledged the click; nothing to change.
	case d.update && !rep.Update:
		r.followup(resp, i, rep)
	case rep == nil:
		r.edit(resp, i, &Reply{Content: r.say(PhraseDone, i, "")})
	case d.private && rep.OnSent != nil:
		// It stays private: no public message to report.
		c := *rep
		c.OnSent = nil
		r.edit(resp, i, &c)
	case !d.private && !d.update && rep.Ephemeral:
		// Resolve the public placeholder first: a followup sent while it is
		// still loading would become its (public) content.
		if r.edit(resp, i, &Reply{Content: r.say(PhraseAnsweredPrivately, i, "")}) {
			r.followup(resp, i, rep)
		}
	default:
		r.edit(resp, i, rep)
	}
}

// edit replaces the deferred response (or, after a deferred update, the
// component's message) with every part of rep. It reports success.
func (r *Router) edit(resp Responder, i *discordgo.Interaction, rep *Reply) bool {
	content := rep.Content
	embeds, comps := rep.Embeds, rep.Components
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	m, err := resp.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, Components: &comps, Files: rep.Files, AllowedMentions: mentionsOf(rep)})
	if err != nil {
		r.log.Warn("edit after defer failed", "err", err)
		return false
	}
	if rep.OnSent != nil && m != nil && m.ID != "" && !rep.Ephemeral {
		rep.OnSent(m)
	}
	return true
}

// followup sends rep as a new message for the interaction, ephemeral when
// rep is.
func (r *Router) followup(resp Responder, i *discordgo.Interaction, rep *Reply) {
	p := &discordgo.WebhookParams{Content: rep.Content, Embeds: rep.Embeds, Components: rep.Components, Files: rep.Files, AllowedMentions: mentionsOf(rep)}
	if rep.Ephemeral {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	if _, err := resp.FollowupMessageCreate(i, true, p); err != nil {
		r.log.Warn("followup after defer failed", "err", err)
	}
}

// send answers an interaction at once.
func (r *Router) send(resp Responder, i *discordgo.Interaction, rep *Reply) {
	if rep == nil {
		rep = &Reply{Ephemeral: true, Content: r.say(PhraseDone, i, "")}
	}
	if rep.Modal != nil && i.Type != discordgo.InteractionModalSubmit {
		var rows []discordgo.MessageComponent
		for _, in := range rep.Modal.Inputs {
			rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{in}})
		}
		err := resp.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal,
			Data: &discordgo.InteractionResponseData{CustomID: rep.Modal.CustomID, Title: rep.Modal.Title, Components: rows}})
		if err != nil {
			r.log.Warn("modal response failed", "err", err)
		}
		return
	}
	t := discordgo.InteractionResponseChannelMessageWithSource
	if rep.Update && i.Type == discordgo.InteractionMessageComponent {
		t = discordgo.InteractionResponseUpdateMessage
	}
	data := &discordgo.InteractionResponseData{Content: rep.Content, Embeds: rep.Embeds, Components: rep.Components, Files: rep.Files, AllowedMentions: mentionsOf(rep)}
	if rep.Ephemeral && t == discordgo.InteractionResponseChannelMessageWithSource {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	if mr, ok := resp.(MessageResponder); ok && rep.OnSent != nil && !rep.Ephemeral && t == discordgo.InteractionResponseChannelMessageWithSource {
		m, err := mr.InteractionRespondMessage(i, &discordgo.InteractionResponse{Type: t, Data: data})
		if err != nil {
			r.log.Warn("interaction response failed", "err", err, "interaction", i.ID)
		} else if m != nil && m.ID != "" {
			rep.OnSent(m)
		}
		return
	}
	if err := resp.InteractionRespond(i, &discordgo.InteractionResponse{Type: t, Data: data}); err != nil {
		r.log.Warn("interaction response failed", "err", err, "interaction", i.ID)
	}
}
