package fakediscord

import (
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/gorilla/websocket"
)

type gwConn struct {
	ws    *websocket.Conn
	wmu   sync.Mutex
	ready atomic.Bool
}

func (c *gwConn) send(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteJSON(v)
}

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	if s.held.Load() {
		http.Error(w, "the gateway is unavailable", http.StatusServiceUnavailable)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	s.mu.Lock()
	old := s.conn
	s.conn = c
	s.mu.Unlock()
	if old != nil && old != c {
		old.ws.Close()
	}
	defer func() {
		ws.Close()
		c.ready.Store(false)
		s.mu.Lock()
		if s.conn == c {
			s.conn = nil
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
			return
		}
		switch f.Op {
		case 1:
			c.send(map[string]any{"op": 11})
		case 2:
			var id struct {
				Token   string `json:"token"`
				Intents int64  `json:"intents"`
			}
			json.Unmarshal(f.D, &id)
			s.lastIntents.Store(id.Intents)
			s.mu.Lock()
			reject := s.rejectAuth
			s.mu.Unlock()
			if s.Silent {
				continue
			}
			if id.Intents&s.DisallowedIntents != 0 {
				c.wmu.Lock()
				ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4014, "Disallowed intent(s)."))
				c.wmu.Unlock()
				return
			}
			if reject || id.Token != "Bot "+s.Token {
				c.wmu.Lock()
				ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
				c.wmu.Unlock()
				return
			}
			s.identifies.Add(1)
			c.send(map[string]any{"op": 0, "t": "READY", "s": s.seq.Add(1), "d": map[string]any{
				"v": 9, "session_id": SessionID,
				"user":        map[string]any{"id": BotUserID, "username": "CrisisBot", "bot": true},
				"application": map[string]any{"id": AppID, "flags": 0},
				"guilds":      []any{}, "private_channels": []any{},
			}})
			c.ready.Store(true)
		case 6:
			s.mu.Lock()
			reject := s.rejectAuth
			s.mu.Unlock()
			if reject {
				c.wmu.Lock()
				ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
				c.wmu.Unlock()
				return
			}
			s.resumes.Add(1)
			c.send(map[string]any{"op": 0, "t": "RESUMED", "s": s.seq.Add(1), "d": nil})
			c.ready.Store(true)
		}
	}
}

// Dispatch sends an event (op 0) to the connected bot.
func (s *Server) Dispatch(event string, data any) error {
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c == nil {
		return errorf("no gateway connection")
	}
	return c.send(map[string]any{"op": 0, "t": event, "s": s.seq.Add(1), "d": data})
}

// Drop closes the gateway connection without a close frame, as a network
// failure would.
func (s *Server) Drop() {
	s.mu.Lock()
	c := s.conn
	s.conn = nil
	s.mu.Unlock()
	if c != nil {
		c.ready.Store(false)
		c.ws.UnderlyingConn().Close()
	}
}

// InvalidSession sends op 9 (d=false): the bot must identify again.
func (s *Server) InvalidSession() error {
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c == nil {
		return errorf("no gateway connection")
	}
	c.ready.Store(false)
	return c.send(map[string]any{"op": 9, "d": false})
}
