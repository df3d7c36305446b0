package commands

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
)

// askedRefs remembers recent questions by questionRef, so that a member's
// click on a suggestion (or 👍) can say which question the entry answered:
// a custom ID has room for the reference, not the question. Bounded in size
// and age; in memory, so a click that reaches another process (or comes
// after a restart) teaches nothing, which is the safe side. Safe for
// concurrent use.
type askedRefs struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	items map[string]askedRef
	order []string
}

type askedRef struct {
	scope, question string
	at              time.Time
}

func newAskedRefs(max int, ttl time.Duration, now func() time.Time) *askedRefs {
	return &askedRefs{max: max, ttl: ttl, now: now, items: map[string]askedRef{}}
}

// remember stores a question asked in scope and returns its reference.
func (a *askedRefs) remember(scope, question string) string {
	ref := questionRef(scope + "\x00" + question)
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	for len(a.order) > 0 && (len(a.order) >= a.max || now.Sub(a.items[a.order[0]].at) > a.ttl) {
		delete(a.items, a.order[0])
		a.order = a.order[1:]
	}
	if _, ok := a.items[ref]; !ok {
		a.order = append(a.order, ref)
	}
	a.items[ref] = askedRef{scope: scope, question: question, at: now}
	return ref
}

// lookup returns the question behind ref if it was asked in scope recently.
func (a *askedRefs) lookup(scope, ref string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	it, ok := a.items[ref]
	if !ok || it.scope != scope || a.now().Sub(it.at) > a.ttl {
		return "", false
	}
	return it.question, true
}

// withQuestionRef makes a reply's entry buttons carry the question they
// answer: a suggestion ("/open/X") becomes a pick ("/pick/X/REF") and a 👍
// ("/fb/X/up") carries REF, so that the click can be recorded as members'
// evidence for /kb unanswered.
func withQuestionRef(rep *bot.Reply, ref string) {
	for _, row := range rep.Components {
		r, ok := row.(discordgo.ActionsRow)
		if !ok {
			continue
		}
		for i, c := range r.Components {
			b, ok := c.(discordgo.Button)
			if !ok {
				continue
			}
			parts := strings.Split(strings.TrimPrefix(b.CustomID, "/"), "/")
			switch {
			case len(parts) == 2 && parts[0] == "open":
				if id := bot.MustCustomID("pick", parts[1], ref); id != "" {
					b.CustomID = id
				}
			case len(parts) == 3 && parts[0] == "fb" && parts[2] == "up":
				if id := bot.MustCustomID("fb", parts[1], "up", ref); id != "" {
					b.CustomID = id
				}
			}
			r.Components[i] = b
		}
	}
}

// notePick records that a member confirmed the entry answers the question
// behind ref. It teaches nothing by itself: a moderator decides in /kb
// unanswered.
func (s *Service) notePick(ctx context.Context, req *bot.Request, entryID string) {
	if s.records == nil {
		return
	}
	q, ok := s.asked.lookup(scope(req), req.Params["ref"])
	if !ok {
		return
	}
	if err := s.records.RecordPick(ctx, scope(req), q, entryID); err != nil {
		s.log.Warn("could not record a member's pick", "err", err)
	}
}

// handlePick opens a suggested entry, like /open, and records the pick.
func (s *Service) handlePick(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	rep, err := s.handleOpen(ctx, req)
	if err == nil {
		s.notePick(ctx, req, req.Params["entry"])
	}
	return rep, err
}
