package bot

import (
	"time"

	"github.com/bwmarrin/discordgo"
)

// Gateway events told to an Observer (GatewayEvent).
const (
	GatewayReady      = "ready"
	GatewayResumed    = "resumed"
	GatewayDisconnect = "disconnect"
)

// GatewayObserver is told of gateway connection events. An Observer passed
// in Options may also implement it. Safe for concurrent use; events arrive on
// discordgo's goroutines and may be reordered, so count them, do not derive
// state from them (GatewayUp is the state).
type GatewayObserver interface {
	GatewayEvent(shard int, event string)
}

// watchGateway tells the observer, if it wants them, of gateway events.
func (b *Bot) watchGateway() {
	obs, ok := b.opts.Observer.(GatewayObserver)
	if !ok {
		return
	}
	b.s.AddHandler(func(s *discordgo.Session, _ *discordgo.Ready) { obs.GatewayEvent(s.ShardID, GatewayReady) })
	b.s.AddHandler(func(s *discordgo.Session, _ *discordgo.Resumed) { obs.GatewayEvent(s.ShardID, GatewayResumed) })
	b.s.AddHandler(func(s *discordgo.Session, _ *discordgo.Disconnect) { obs.GatewayEvent(s.ShardID, GatewayDisconnect) })
}

// Shard returns the shard this bot's session is (0 without sharding).
func (b *Bot) Shard() int { return b.s.ShardID }

// GatewayUp reports whether the gateway is usable: READY has been received
// and the connection has not been lost since (a connection being closed or
// re-opened is not up). It never blocks. Safe for concurrent use.
func (b *Bot) GatewayUp() bool {
	select {
	case <-b.Ready:
	default:
		return false
	}
	// discordgo holds the session lock while it closes or opens the
	// connection (up to a second): that is "not up", not a reason to wait.
	if !b.s.TryRLock() {
		return false
	}
	defer b.s.RUnlock()
	return b.s.DataReady
}

// HeartbeatLatency returns the gateway's last heartbeat round trip, or how
// long the current heartbeat has waited for its acknowledgement when that is
// longer; 0 before the first heartbeat. It never blocks.
//
// discordgo writes the send time under a lock of its own that cannot be
// taken from outside; it is read here under the session lock, which the
// heartbeat loop takes right after writing it.
func (b *Bot) HeartbeatLatency() time.Duration {
	if !b.s.TryRLock() {
		return 0
	}
	sent, ack := b.s.LastHeartbeatSent, b.s.LastHeartbeatAck
	b.s.RUnlock()
	switch {
	case sent.IsZero():
		return 0
	case ack.Before(sent):
		return time.Since(sent)
	}
	return ack.Sub(sent)
}
