package bot

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// BusyMessage is the reply to an interaction refused because the bot is at
// capacity.
const BusyMessage = "I'm very busy right now, please try again in a few seconds."

// DefaultMaxInFlight bounds the events handled at once when nothing else is
// configured: sized for a 2-core machine, where an /ask takes well under a
// millisecond of CPU, so 256 in flight drain in far less than Discord's 3
// seconds.
const DefaultMaxInFlight = 256

// Limiter bounds the gateway events being handled at once, across every
// shard of a process (they share one Limiter). Past capacity an interaction
// is shed at once, before any routing: it gets a short ephemeral
// BusyMessage when one of the few slots kept for such replies is free, and
// is dropped otherwise; a message is dropped. So what is accepted is
// answered within Discord's window, and memory stays flat under a flood.
// Safe for concurrent use.
type Limiter struct {
	work chan struct{}
	busy chan struct{}

	shed, busyReplies, dropped atomic.Int64
}

// ShedCounts counts the events refused at capacity since the start.
type ShedCounts struct {
	// Interactions refused, whether they got BusyMessage or not.
	Interactions int64
	// BusyReplies is how many of those were sent BusyMessage; the rest were
	// dropped without a reply (Discord shows the user "did not respond").
	BusyReplies int64
	// Messages dropped unread (addressed to the bot or not: a full bot
	// does not look).
	Messages int64
}

// NewLimiter returns a limiter for n events at once (DefaultMaxInFlight
// when n <= 0), with n/8 (at least 1) slots for busy replies.
func NewLimiter(n int) *Limiter {
	if n <= 0 {
		n = DefaultMaxInFlight
	}
	return &Limiter{work: make(chan struct{}, n), busy: make(chan struct{}, max(n/8, 1))}
}

// Cap is the bound; InFlight how many events are being handled now.
func (l *Limiter) Cap() int      { return cap(l.work) }
func (l *Limiter) InFlight() int { return len(l.work) }

// Shed returns the counts of refused events.
func (l *Limiter) Shed() ShedCounts {
	return ShedCounts{Interactions: l.shed.Load(), BusyReplies: l.busyReplies.Load(), Messages: l.dropped.Load()}
}

func (l *Limiter) acquire() bool {
	select {
	case l.work <- struct{}{}:
		return true
	default:
		return false
	}
}

func (l *Limiter) release() { <-l.work }

// shedInteraction refuses i: a BusyMessage through rest if a busy slot is
// free (bounded by a short deadline: a late refusal is worthless), else
// nothing.
func (l *Limiter) shedInteraction(ctx context.Context, rest *REST, i *discordgo.Interaction, busy string) {
	l.shed.Add(1)
	select {
	case l.busy <- struct{}{}:
	default:
		return
	}
	defer func() { <-l.busy }()
	l.busyReplies.Add(1)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	rest.respond(ctx, i, busyResponse(i, busy))
}

func (l *Limiter) dropMessage() { l.dropped.Add(1) }

// busyResponse is the refusal for i: no choices for autocomplete (which
// cannot carry a message), a private busy (BusyMessage in English) otherwise.
func busyResponse(i *discordgo.Interaction, busy string) *discordgo.InteractionResponse {
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: busy, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: NoMentions()}}
}
