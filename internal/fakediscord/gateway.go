package fakediscord

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// gwConn is one gateway connection: one shard's session once it has
// identified (or resumed).
type gwConn struct {
	ws    *websocket.Conn
	wmu   sync.Mutex
	ready atomic.Bool
	seq   atomic.Int64
	shard int // set under Server.mu when the session identifies or resumes
	count int
}

func (c *gwConn) send(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteJSON(v)
}

func (c *gwConn) close(code int, text string) {
	c.wmu.Lock()
	c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, text))
	c.wmu.Unlock()
}

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// sessionID is the session id READY gives a shard; RESUME finds the shard
// by it.
func sessionID(shard int) string {
	if shard == 0 {
		return SessionID
	}
	return SessionID + "-shard-" + strconv.Itoa(shard)
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	if s.held.Load() {
		s.heldOff.Add(1)
		http.Error(w, "the gateway is unavailable", http.StatusServiceUnavailable)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws, shard: -1}
	s.mu.Lock()
	s.open[c] = true
	s.mu.Unlock()
	defer func() {
		ws.Close()
		c.ready.Store(false)
		s.mu.Lock()
		delete(s.open, c)
		if c.shard >= 0 && s.conns[c.shard] == c {
			delete(s.conns, c.shard)
		}
		s.mu.Unlock()
	}()
	// HELLO must be the first frame; a long interval keeps heartbeats rare.
	if c.send(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 41250}}) != nil {
		return
	}
	for {
		var f frame
		if err := ws.ReadJSON(&f); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				s.clientCloses.Add(1)
			}
			return
		}
		switch f.Op {
		case 1:
			c.send(map[string]any{"op": 11})
		case 2:
			if !s.identify(c, f.D) {
				return
			}
		case 6:
			var res struct {
				SessionID string `json:"session_id"`
			}
			json.Unmarshal(f.D, &res)
			s.mu.Lock()
			reject := s.rejectAuth
			shard, ok := s.sessions[res.SessionID]
			s.mu.Unlock()
			if reject {
				c.close(4004, "Authentication failed.")
				return
			}
			if !ok {
				c.send(map[string]any{"op": 9, "d": false})
				continue
			}
			s.resumes.Add(1)
			s.bind(c, shard[0], shard[1])
			c.ready.Store(true) // before the client can see it
			c.send(map[string]any{"op": 0, "t": "RESUMED", "s": c.seq.Add(1), "d": nil})
		}
	}
}

// identify answers an IDENTIFY; false means the connection is to be closed.
func (s *Server) identify(c *gwConn, raw json.RawMessage) bool {
	var id struct {
		Token   string  `json:"token"`
		Intents int64   `json:"intents"`
		Shard   *[2]int `json:"shard"`
	}
	json.Unmarshal(raw, &id)
	s.lastIntents.Store(id.Intents)
	s.mu.Lock()
	reject := s.rejectAuth
	s.mu.Unlock()
	if s.Silent {
		return true
	}
	if id.Intents&s.DisallowedIntents != 0 {
		c.close(4014, "Disallowed intent(s).")
		return false
	}
	if reject || id.Token != "Bot "+s.Token {
		c.close(4004, "Authentication failed.")
		return false
	}
	shard := [2]int{0, 1}
	if id.Shard != nil {
		shard = *id.Shard
	}
	if !s.validShard(shard) {
		s.badShards.Add(1)
		c.close(4010, "Invalid shard.")
		return false
	}
	if shard[1] < s.MinShards {
		c.close(4011, "Sharding required.")
		return false
	}
	if !s.identifySlot(shard[0], time.Now()) {
		// Over max_concurrency in this window: Discord answers INVALID_SESSION;
		// the fake then hangs up, so a client that re-identifies on the same
		// socket at once (discordgo does) does not spin.
		s.refused.Add(1)
		c.send(map[string]any{"op": 9, "d": false})
		return false
	}
	s.identifies.Add(1)
	s.bind(c, shard[0], shard[1])
	c.ready.Store(true) // before the client can see it
	c.send(map[string]any{"op": 0, "t": "READY", "s": c.seq.Add(1), "d": map[string]any{
		"v": 9, "session_id": sessionID(shard[0]), "shard": shard,
		"user":        map[string]any{"id": BotUserID, "username": "CrisisBot", "bot": true},
		"application": map[string]any{"id": AppID, "flags": 0},
		"guilds":      []any{}, "private_channels": []any{},
	}})
	return true
}

// bind makes c the connection of shard (a newer one replaces an older).
func (s *Server) bind(c *gwConn, shard, count int) {
	s.mu.Lock()
	c.shard, c.count = shard, count
	if old := s.conns[shard]; old != nil && old != c {
		old.ready.Store(false)
	}
	s.conns[shard] = c
	s.sessions[sessionID(shard)] = [2]int{shard, count}
	s.mu.Unlock()
}

// conn returns shard's connection, or nil.
func (s *Server) conn(shard int) *gwConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[shard]
}

// Dispatch sends an event (op 0) to the shard Discord would send it to: a
// guild's events to shard (guild_id >> 22) % shard_count, everything without
// a guild (DMs) to shard 0. It fails if that shard is not connected.
func (s *Server) Dispatch(event string, data any) error {
	_, err := s.DispatchShard(event, data)
	return err
}

// DispatchShard is Dispatch, also returning the shard the event went to.
func (s *Server) DispatchShard(event string, data any) (int, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return -1, err
	}
	var g struct {
		GuildID string `json:"guild_id"`
	}
	json.Unmarshal(raw, &g)
	shard := 0
	if g.GuildID != "" {
		gid, err := strconv.ParseUint(g.GuildID, 10, 64)
		if err != nil {
			return -1, errorf("guild_id %q is not a snowflake", g.GuildID)
		}
		shard = ShardOf(gid, s.connectedCount())
	}
	c := s.conn(shard)
	if c == nil {
		return shard, errorf("no gateway connection for shard %d", shard)
	}
	return shard, c.send(map[string]any{"op": 0, "t": event, "s": c.seq.Add(1), "d": json.RawMessage(raw)})
}

// ShardOf is the shard a guild's events go to: (guild_id >> 22) % count.
func ShardOf(guildID uint64, count int) int {
	if count < 1 {
		return 0
	}
	return int((guildID >> 22) % uint64(count))
}

// connectedCount is the shard count the connected sessions identified with
// (1 when none is connected).
func (s *Server) connectedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		if c.count > 0 {
			return c.count
		}
	}
	return 1
}

// Drop closes shard 0's gateway connection without a close frame, as a
// network failure would.
func (s *Server) Drop() { s.DropShard(0) }

// DropShard closes a shard's gateway connection without a close frame.
func (s *Server) DropShard(shard int) {
	s.mu.Lock()
	c := s.conns[shard]
	delete(s.conns, shard)
	s.mu.Unlock()
	if c != nil {
		c.ready.Store(false)
		c.ws.UnderlyingConn().Close()
	}
}

// InvalidSession sends op 9 (d=false) on shard 0: the bot must identify
// again.
func (s *Server) InvalidSession() error {
	c := s.conn(0)
	if c == nil {
		return errorf("no gateway connection")
	}
	c.ready.Store(false)
	return c.send(map[string]any{"op": 9, "d": false})
}

// CloseShard closes a shard's gateway connection with a close frame carrying
// code, as Discord does before it drops a session; a client answers with a
// close frame of its own (counted by ClientCloses) and reconnects.
func (s *Server) CloseShard(shard, code int) error {
	c := s.conn(shard)
	if c == nil {
		return errorf("no gateway connection for shard %d", shard)
	}
	c.ready.Store(false)
	c.close(code, "closed by the fake")
	return nil
}

// ClientCloses counts the close frames clients sent on the gateway.
func (s *Server) ClientCloses() int64 { return s.clientCloses.Load() }
