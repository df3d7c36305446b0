package bot

import (
	"errors"
	"time"

	"github.com/bwmarrin/discordgo"
)

// The bot re-establishes its gateway session itself, not with discordgo's
// reconnect loop (Session.ShouldReconnectOnError stays false). discordgo
// reads that field once, without a lock, when a connection fails, and then
// retries until it is connected again: a Close could stop it only by writing
// the field while the loop may be reading it (a data race), and a loop
// already past the read would go on dialing after Close. Every place where
// discordgo would reconnect (a read error, missed heartbeat ACKs, op 7) first
// closes the session, which emits Disconnect; the bot reconnects on that
// event, with discordgo's backoff, until Close. Each attempt is an Open, so
// it waits for Options.Identify (a shard's identify gate) like the first.

// Reconnect backoff after a failed attempt: 1 s, doubling up to 10 minutes
// (discordgo's own schedule). The first attempt is immediate.
const (
	reconnectFirstWait = time.Second
	reconnectMaxWait   = 10 * time.Minute
)

// reconnector is the state of a bot's reconnecting, guarded by mu.
type reconnector struct {
	opened  bool // Open succeeded: a Disconnect means the session is to be re-established
	closing bool // Close has begun: nothing more is started
	running bool // a loop is running
	again   bool // a Disconnect came while the loop ran: it checks once more before ending
}

// onDisconnect starts the reconnect loop, unless the bot was never opened,
// is closing, or a loop is already running (discordgo emits Disconnect for
// every close, including the bot's own).
func (b *Bot) onDisconnect(*discordgo.Session, *discordgo.Disconnect) {
	b.rmu.Lock()
	defer b.rmu.Unlock()
	if !b.rc.opened || b.rc.closing {
		return
	}
	if b.rc.running {
		// The loop may already have connected and be about to end: the
		// session this Disconnect reports must not be left down.
		b.rc.again = true
		return
	}
	b.rc.running = true
	b.loops.Add(1)
	go b.reconnectLoop()
}

func (b *Bot) reconnectLoop() {
	defer b.loops.Done()
	wait := reconnectFirstWait
	for {
		b.rmu.Lock()
		b.rc.again = false
		b.rmu.Unlock()
		err := b.Open(b.ctx)
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			b.log.Info("gateway reconnected")
			if b.doneReconnecting() {
				return
			}
			wait = reconnectFirstWait
			continue
		}
		if b.ctx.Err() != nil {
			b.doneReconnecting()
			return
		}
		if errors.Is(err, ErrFatalGateway) {
			// Nothing more to try; the program learns of it through
			// Options.Fatal (or discordgo's log, see GatewayLogger).
			b.log.Error("reconnecting to the gateway cannot succeed", "err", err)
			if b.opts.Fatal != nil {
				b.opts.Fatal(err)
			}
			b.endReconnecting()
			return
		}
		b.log.Warn("reconnecting to the gateway failed; trying again", "err", err, "in", wait)
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-b.ctx.Done():
			timer.Stop()
			b.doneReconnecting()
			return
		}
		wait = min(wait*2, reconnectMaxWait)
	}
}

// doneReconnecting ends the loop's run unless a Disconnect came while it
// ran and the bot is not closing: then it reports false, and the loop opens
// the session again (an Open on a live session returns ErrWSAlreadyOpen).
func (b *Bot) doneReconnecting() bool {
	b.rmu.Lock()
	defer b.rmu.Unlock()
	if b.rc.again && !b.rc.closing && b.ctx.Err() == nil {
		b.rc.again = false
		return false
	}
	b.rc.running = false
	b.rc.again = false
	return true
}

// endReconnecting ends the loop's run whatever Disconnects came while it
// ran: after a fatal close code there is nothing more to try.
// (doneReconnecting would keep the loop marked running when one came.)
func (b *Bot) endReconnecting() {
	b.rmu.Lock()
	defer b.rmu.Unlock()
	b.rc.running = false
	b.rc.again = false
}

// stopReconnecting makes sure no reconnect loop runs or starts again: it
// marks the bot closing and waits for a running loop, whose Open returns at
// once as b.ctx is cancelled by then.
func (b *Bot) stopReconnecting() {
	b.rmu.Lock()
	b.rc.closing = true
	b.rmu.Unlock()
	b.loops.Wait()
}

// reconnecting reports whether a reconnect loop is running.
func (b *Bot) reconnecting() bool {
	b.rmu.Lock()
	defer b.rmu.Unlock()
	return b.rc.running
}
