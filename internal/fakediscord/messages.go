package fakediscord

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// callbackResponse answers an interaction callback sent with
// ?with_response=true, as Discord does: the interaction and, for a message
// response, the message it created (channel "0": the fake does not know the
// interaction's channel).
func (s *Server) callbackResponse(interaction string, body []byte) []byte {
	var cb struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	json.Unmarshal(body, &cb)
	out := map[string]any{"interaction": map[string]any{"id": interaction, "type": 2}}
	if cb.Type == 4 {
		var msg map[string]any
		json.Unmarshal(s.message("0", cb.Data), &msg)
		out["resource"] = map[string]any{"type": cb.Type, "message": msg}
	}
	return jsonBytes(out)
}

// editMessage answers PATCH /channels/{channel}/messages/{message}: a
// message id the fake never handed out is unknown (10008), as on Discord.
func (s *Server) editMessage(channel, id string, body []byte) (int, []byte) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 1_000_000_000_000_000 || n > s.msgID.Load() {
		return http.StatusNotFound, jsonBytes(map[string]any{"message": "Unknown Message", "code": 10008})
	}
	var m map[string]any
	json.Unmarshal(s.message(channel, body), &m)
	m["id"] = id
	m["edited_timestamp"] = m["timestamp"]
	return 200, jsonBytes(m)
}
