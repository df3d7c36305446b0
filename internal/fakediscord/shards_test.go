package fakediscord

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// session dials the fake's gateway and identifies with shard (nil: none).
func session(t *testing.T, s *Server, shard []int) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(s.URL, "http")+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	var hello frame
	if err := ws.ReadJSON(&hello); err != nil || hello.Op != 10 {
		t.Fatalf("hello: %v %+v", err, hello)
	}
	d := map[string]any{"token": "Bot tok", "intents": 1}
	if shard != nil {
		d["shard"] = shard
	}
	if err := ws.WriteJSON(map[string]any{"op": 2, "d": d}); err != nil {
		t.Fatal(err)
	}
	return ws
}

func next(t *testing.T, ws *websocket.Conn) (frame, error) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var f frame
	err := ws.ReadJSON(&f)
	return f, err
}

func TestServer_Sharding(t *testing.T) {
	t.Run("Routing", func(t *testing.T) {
		s := New(t, "tok")
		conns := map[int]*websocket.Conn{}
		for id := range 3 {
			conns[id] = session(t, s, []int{id, 3})
			if f, err := next(t, conns[id]); err != nil || f.T != "READY" {
				t.Fatalf("shard %d: %v %+v", id, err, f)
			}
		}
		// (guild_id >> 22) % 3: 0<<22 → 0, 1<<22 → 1, 5<<22 → 2; no guild → 0.
		for _, c := range []struct {
			data  map[string]any
			shard int
		}{
			{map[string]any{"guild_id": "0"}, 0},
			{map[string]any{"guild_id": "4194304"}, 1},
			{map[string]any{"guild_id": "20971520"}, 2},
			{map[string]any{"channel_id": "1"}, 0},
		} {
			got, err := s.DispatchShard("MESSAGE_CREATE", c.data)
			if err != nil || got != c.shard {
				t.Fatalf("%v went to shard %d (%v), want %d", c.data, got, err, c.shard)
			}
			f, err := next(t, conns[c.shard])
			var d map[string]any
			json.Unmarshal(f.D, &d)
			if err != nil || f.T != "MESSAGE_CREATE" || d["guild_id"] != c.data["guild_id"] {
				t.Fatalf("shard %d got %+v (%v)", c.shard, f, err)
			}
		}
	})
	t.Run("InvalidShard", func(t *testing.T) {
		s := New(t, "tok")
		ws := session(t, s, []int{2, 2})
		_, err := next(t, ws)
		if !websocket.IsCloseError(err, 4010) || s.BadShards() != 1 {
			t.Fatalf("err = %v, want close 4010", err)
		}
	})
	t.Run("MaxConcurrency", func(t *testing.T) {
		s := New(t, "tok")
		s.MaxConcurrency, s.IdentifyWindow = 2, time.Minute
		for _, id := range []int{0, 1} { // keys 0 and 1: both in the window
			if f, err := next(t, session(t, s, []int{id, 4})); err != nil || f.T != "READY" {
				t.Fatalf("shard %d: %v %+v", id, err, f)
			}
		}
		f, err := next(t, session(t, s, []int{2, 4})) // key 0 again
		if err != nil || f.Op != 9 || s.IdentifyRefusals() != 1 {
			t.Fatalf("third IDENTIFY: %+v %v, %d refusals", f, err, s.IdentifyRefusals())
		}
	})
}
