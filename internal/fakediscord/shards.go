package fakediscord

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Sharding, as Discord's docs describe it (developers/events/gateway.mdx):
//
//   - GET /gateway/bot gives the recommended shard count (ShardCount) and
//     session_start_limit.max_concurrency (MaxConcurrency);
//   - IDENTIFY may carry "shard": [id, count]; without it the session is
//     shard [0, 1]. An id outside 0..count-1 is closed with 4010;
//   - a guild's events go to shard (guild_id >> 22) % count, events
//     without a guild (DMs) to shard 0 only (Dispatch);
//   - with IdentifyWindow set, one IDENTIFY per rate-limit key
//     (shard_id % max_concurrency) per window: one more is answered with
//     INVALID_SESSION and counted (IdentifyRefusals).

func (s *Server) validShard(sh [2]int) bool {
	return sh[1] >= 1 && sh[0] >= 0 && sh[0] < sh[1]
}

// identifySlot takes the identify slot of shard's rate-limit key, or reports
// that it was taken within the window.
func (s *Server) identifySlot(shard int, now time.Time) bool {
	if s.IdentifyWindow <= 0 {
		return true
	}
	key := shard % max(s.MaxConcurrency, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if last, ok := s.identified[key]; ok && now.Sub(last) < s.IdentifyWindow {
		return false
	}
	s.identified[key] = now
	return true
}

func (s *Server) gatewayBot() []byte {
	return jsonBytes(map[string]any{
		"url":    "ws" + s.URL[len("http"):],
		"shards": max(s.ShardCount, 1),
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": max(s.MaxConcurrency, 1),
		},
	})
}

// IdentifyRefusals counts IDENTIFYs refused for exceeding max_concurrency.
func (s *Server) IdentifyRefusals() int64 { return s.refused.Load() }

// BadShards counts IDENTIFYs closed with 4010 for an invalid shard.
func (s *Server) BadShards() int64 { return s.badShards.Load() }

// ReadyShards returns the shards whose sessions are ready, in order.
func (s *Server) ReadyShards() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for id, c := range s.conns {
		if c.ready.Load() {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// WaitShards waits until every one of shards has a ready session.
func (s *Server) WaitShards(tb testing.TB, timeout time.Duration, shards ...int) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ready := s.ReadyShards()
		missing := false
		for _, id := range shards {
			missing = missing || !slices.Contains(ready, id)
		}
		if !missing {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("shards %v not all ready within %v (ready: %v)", shards, timeout, ready)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func newKeys(tb testing.TB) *ed25519.PrivateKey {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return &priv
}

// PublicKeyHex is the application's public key, as the Developer Portal
// shows it and GET /oauth2/applications/@me gives it (verify_key).
func (s *Server) PublicKeyHex() string {
	return hex.EncodeToString(s.keys.Public().(ed25519.PublicKey))
}

// Sign sets the headers Discord signs an outgoing interaction with: Ed25519
// over the timestamp followed by the body, with the application's key.
func (s *Server) Sign(h http.Header, body []byte, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	h.Set("X-Signature-Timestamp", ts)
	h.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(*s.keys, append([]byte(ts), body...))))
}

// Interact posts an interaction to the bot's endpoint (a URL ending in
// /interactions) as Discord does, signed, and returns the status and body of
// the bot's answer.
func (s *Server) Interact(endpoint string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	s.Sign(req.Header, body, time.Now())
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}
