// Package fakediscord is a fake Discord for tests: a gateway websocket and the
// REST routes CrisisBot uses, on 127.0.0.1, driven through the real discordgo
// client, and a CDN serving attachments on a host of its own (another port),
// as Discord's cdn.discordapp.com is not its API host. It records every REST request, can validate each body, and can
// inject the failures the bot must survive: a rejected token, 429s, slow
// responses, a dropped connection, INVALID_SESSION. Its gateway is sharded
// as Discord's is (shards.go), and it signs interactions it posts to a bot's
// interactions endpoint with the application's key (Interact).
package fakediscord

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// IDs the fake uses.
const (
	AppID     = "900000000000000001"
	BotUserID = "900000000000000001"
	SessionID = "fake-session-1"
)

// Request is one recorded REST request.
type Request struct {
	Method, Path, Query string
	Body                []byte            // JSON body (payload_json of a multipart request)
	Files               map[string][]byte // uploaded files by name
	Auth                string
	Status              int
	Response            []byte // the fake's answer
}

// JSON decodes the body into a map.
func (r Request) JSON() map[string]any {
	var m map[string]any
	json.Unmarshal(r.Body, &m)
	return m
}

// Server is a running fake. Safe for concurrent use.
type Server struct {
	URL string // http://127.0.0.1:PORT, the DISCORD_API_BASE_URL for the bot
	// CDNURL is the fake CDN, http://127.0.0.1:OTHERPORT, the
	// DISCORD_CDN_BASE_URL for the bot. It serves only attachments.
	CDNURL string
	Token  string // the accepted token, without "Bot "

	// Validate, when set, checks every REST body; failures are kept and
	// reported by Invalid.
	Validate func(method, path string, body []byte) error
	// OnRequest, when set, sees every REST request as it is answered.
	OnRequest func(Request)
	// Forget stops the fake from keeping requests (for long benchmarks).
	Forget bool
	// Silent makes the gateway never answer IDENTIFY, like a hung server.
	Silent bool
	// DisallowedIntents makes IDENTIFY with any of these intents fail with
	// close code 4014, as for a privileged intent not enabled in the portal.
	DisallowedIntents int64
	// Sharding: see shards.go. Set before the bot connects.
	ShardCount     int           // GET /gateway/bot "shards"; default 1
	MaxConcurrency int           // session_start_limit.max_concurrency; default 1
	IdentifyWindow time.Duration // enforce MaxConcurrency per window; 0 = not enforced
	MinShards      int           // IDENTIFY with fewer shards is closed with 4011 (sharding required)

	srv          *httptest.Server
	cdn          *httptest.Server
	mu           sync.Mutex
	reqs         []Request
	cdnReqs      []Request
	invalid      []string
	changed      chan struct{}
	rejectAuth   bool
	limits       map[string][]float64 // path substring -> queued retry_after seconds
	delays       map[string]time.Duration
	commands     map[string]json.RawMessage // scope -> registered commands
	attachments  map[string][]byte          // path -> file, the fake CDN
	forums       map[string]bool            // forum channels (from GuildCreate): no messages of their own
	open         map[*gwConn]bool           // every gateway connection
	conns        map[int]*gwConn            // shard -> its session's connection
	sessions     map[string][2]int
	identified   map[int]time.Time // rate-limit key -> last IDENTIFY
	keys         *ed25519.PrivateKey
	seq          atomic.Int64
	msgID        atomic.Int64
	inflight     atomic.Int64
	identifies   atomic.Int64
	lastIntents  atomic.Int64
	resumes      atomic.Int64
	refused      atomic.Int64
	badShards    atomic.Int64
	held         atomic.Bool  // the gateway refuses connections (HoldGateway)
	heldOff      atomic.Int64 // connections refused while held
	clientCloses atomic.Int64 // close frames received from clients
}

// New starts a fake that accepts token.
func New(tb testing.TB, token string) *Server {
	tb.Helper()
	s := &Server{Token: token, changed: make(chan struct{}), limits: map[string][]float64{},
		delays: map[string]time.Duration{}, commands: map[string]json.RawMessage{}, attachments: map[string][]byte{},
		open: map[*gwConn]bool{}, conns: map[int]*gwConn{}, sessions: map[string][2]int{}, identified: map[int]time.Time{}}
	s.keys = newKeys(tb)
	s.msgID.Store(1_000_000_000_000_000)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	s.cdn = httptest.NewServer(http.HandlerFunc(s.serveCDN))
	s.CDNURL = s.cdn.URL
	tb.Cleanup(s.Close)
	return s
}

// Close stops the fake.
func (s *Server) Close() {
	s.mu.Lock()
	var open []*gwConn
	for c := range s.open {
		open = append(open, c)
	}
	s.mu.Unlock()
	for _, c := range open {
		c.ws.Close()
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
	s.cdn.CloseClientConnections()
	s.cdn.Close()
}

// RejectToken makes every authenticated call answer 401 and IDENTIFY fail.
func (s *Server) RejectToken() { s.mu.Lock(); s.rejectAuth = true; s.mu.Unlock() }

// RateLimit makes the next len(retryAfter) requests whose path contains
// pathPart answer 429 with those retry_after values (seconds).
func (s *Server) RateLimit(pathPart string, retryAfter ...float64) {
	s.mu.Lock()
	s.limits[pathPart] = append(s.limits[pathPart], retryAfter...)
	s.mu.Unlock()
}

// Delay makes requests whose path contains pathPart wait d before answering
// (on the CDN too).
func (s *Server) Delay(pathPart string, d time.Duration) {
	s.mu.Lock()
	s.delays[pathPart] = d
	s.mu.Unlock()
}

// Intents returns the intents of the last IDENTIFY.
func (s *Server) Intents() int64 { return s.lastIntents.Load() }

// Identifies and Resumes count gateway handshakes.
func (s *Server) Identifies() int64 { return s.identifies.Load() }
func (s *Server) Resumes() int64    { return s.resumes.Load() }

// InFlight is how many REST requests are being answered right now.
func (s *Server) InFlight() int64 { return s.inflight.Load() }

// Requests returns the REST requests so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Invalid returns every validation failure so far.
func (s *Server) Invalid() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.invalid...)
}

// Wait returns the first request (from index from on) that match accepts,
// waiting up to timeout for it.
func (s *Server) Wait(tb testing.TB, from int, timeout time.Duration, match func(Request) bool) (Request, int) {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for i := from; i < len(s.reqs); i++ {
			if match(s.reqs[i]) {
				r := s.reqs[i]
				s.mu.Unlock()
				return r, i
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			tb.Fatalf("no matching request within %v; got %d requests", timeout, len(s.Requests()))
		}
	}
}

// Path matches requests by method and path substring.
func Path(method, part string) func(Request) bool {
	return func(r Request) bool { return r.Method == method && strings.Contains(r.Path, part) && r.Status < 300 }
}

func (s *Server) record(r Request) {
	if s.OnRequest != nil {
		s.OnRequest(r)
	}
	s.mu.Lock()
	if !s.Forget {
		s.reqs = append(s.reqs, r)
	}
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if websocket.IsWebSocketUpgrade(r) {
		s.serveGateway(w, r)
		return
	}
	s.inflight.Add(1)
	defer s.inflight.Add(-1)
	var body []byte
	var files map[string][]byte
	contentType := r.Header.Get("Content-Type")
	if strings.HasPrefix(contentType, "multipart/form-data") && r.ParseMultipartForm(32<<20) == nil {
		body = []byte(r.FormValue("payload_json"))
		files = map[string][]byte{}
		for _, fhs := range r.MultipartForm.File {
			for _, fh := range fhs {
				f, err := fh.Open()
				if err == nil {
					files[fh.Filename], _ = io.ReadAll(f)
					f.Close()
				}
			}
		}
		contentType = "application/json"
	} else {
		body, _ = io.ReadAll(r.Body)
	}
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body, Auth: r.Header.Get("Authorization"), Files: files}
	status, out := s.route(&req)
	req.Status, req.Response = status, out
	if status < 300 && len(body) > 0 && s.Validate != nil && strings.HasPrefix(contentType, "application/json") {
		if err := s.Validate(r.Method, r.URL.Path, body); err != nil {
			s.mu.Lock()
			s.invalid = append(s.invalid, err.Error())
			s.mu.Unlock()
		}
	}
	s.record(req)
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(out)
}

func jsonBytes(v any) []byte { b, _ := json.Marshal(v); return b }

func (s *Server) route(r *Request) (int, []byte) {
	path := strings.TrimPrefix(r.Path, "/api/v9")
	s.mu.Lock()
	reject := s.rejectAuth
	var delay time.Duration
	for part, d := range s.delays {
		if strings.Contains(path, part) {
			delay = d
		}
	}
	var retry float64 = -1
	for part, q := range s.limits {
		if strings.Contains(path, part) && len(q) > 0 {
			retry, s.limits[part] = q[0], q[1:]
			break
		}
	}
	s.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	if retry >= 0 {
		return http.StatusTooManyRequests, jsonBytes(map[string]any{"message": "You are being rate limited.", "retry_after": retry, "global": false})
	}
	isCallback := strings.HasPrefix(path, "/interactions/")
	if !isCallback && !strings.HasPrefix(path, "/webhooks/") && (reject || r.Auth != "Bot "+s.Token) {
		return http.StatusUnauthorized, jsonBytes(map[string]any{"message": "401: Unauthorized", "code": 0})
	}
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case r.Method == "GET" && path == "/gateway":
		return 200, jsonBytes(map[string]string{"url": "ws" + strings.TrimPrefix(s.URL, "http")})
	case r.Method == "GET" && path == "/gateway/bot":
		return 200, s.gatewayBot()
	case r.Method == "GET" && path == "/oauth2/applications/@me":
		return 200, jsonBytes(map[string]any{"id": AppID, "name": "CrisisBot", "description": "", "bot_public": true, "flags": 0, "verify_key": s.PublicKeyHex()})
	case r.Method == "GET" && path == "/users/@me":
		return 200, jsonBytes(map[string]any{"id": BotUserID, "username": "CrisisBot", "bot": true})
	case seg[0] == "applications" && seg[len(seg)-1] == "commands":
		scope := strings.Join(seg[:len(seg)-1], "/")
		if r.Method == "PUT" {
			var cmds []map[string]any
			if err := json.Unmarshal(r.Body, &cmds); err != nil {
				return 400, jsonBytes(map[string]any{"message": "Invalid Form Body", "code": 50035})
			}
			for i, c := range cmds {
				c["id"] = strconv.Itoa(800 + i)
				c["application_id"] = AppID
				c["version"] = "1"
			}
			raw := jsonBytes(cmds)
			s.mu.Lock()
			s.commands[scope] = raw
			s.mu.Unlock()
			return 200, raw
		}
		s.mu.Lock()
		raw, ok := s.commands[scope]
		s.mu.Unlock()
		if !ok {
			raw = []byte("[]")
		}
		return 200, raw
	case r.Method == "POST" && isCallback && len(seg) == 4 && seg[3] == "callback":
		if strings.Contains(r.Query, "with_response=true") {
			return 200, s.callbackResponse(seg[1], r.Body)
		}
		return http.StatusNoContent, nil
	case r.Method == "PATCH" && len(seg) == 4 && seg[0] == "channels" && seg[2] == "messages":
		return s.editMessage(seg[1], seg[3], r.Body)
	case seg[0] == "webhooks" && (r.Method == "PATCH" || r.Method == "POST"):
		return 200, s.message("0", r.Body)
	case r.Method == "POST" && len(seg) == 3 && seg[0] == "channels" && seg[2] == "messages":
		if s.isForum(seg[1]) {
			// Discord takes messages in a forum's posts (threads) only.
			s.mu.Lock()
			s.invalid = append(s.invalid, "POST "+path+": a message sent to a forum channel itself, not to a post")
			s.mu.Unlock()
			return 400, jsonBytes(map[string]any{"message": "Cannot send messages in a non-text channel", "code": 50008})
		}
		return 200, s.message(seg[1], r.Body)
	}
	return 404, jsonBytes(map[string]any{"message": "404: Not Found", "code": 0})
}

// message echoes a sent message back as Discord would, with a new id.
func (s *Server) message(channel string, body []byte) []byte {
	var m map[string]any
	json.Unmarshal(body, &m)
	if m == nil {
		m = map[string]any{}
	}
	m["id"] = strconv.FormatInt(s.msgID.Add(1), 10)
	m["channel_id"] = channel
	m["author"] = map[string]any{"id": BotUserID, "username": "CrisisBot", "bot": true}
	m["timestamp"] = time.Now().UTC().Format(time.RFC3339)
	m["type"] = 0
	delete(m, "allowed_mentions")
	delete(m, "message_reference")
	return jsonBytes(m)
}

// Attach serves data as an attachment on the fake CDN and returns its URL as
// Discord gives it (https://cdn.discordapp.com/attachments/...): the bot must
// map that host to CDNURL itself. The API server does not serve it.
func (s *Server) Attach(name string, data []byte) string {
	path := fmt.Sprintf("/attachments/310000000000000001/%d/%s", s.msgID.Add(1), name)
	s.mu.Lock()
	s.attachments[path] = data
	s.mu.Unlock()
	return "https://cdn.discordapp.com" + path
}

// CDNRequests returns the requests the fake CDN has had.
func (s *Server) CDNRequests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.cdnReqs...)
}

// serveCDN serves attachments, as cdn.discordapp.com does: no
// authentication, and nothing but files.
func (s *Server) serveCDN(w http.ResponseWriter, r *http.Request) {
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization")}
	s.mu.Lock()
	f, ok := s.attachments[r.URL.Path]
	var delay time.Duration
	for part, d := range s.delays {
		if strings.Contains(r.URL.Path, part) {
			delay = d
		}
	}
	s.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	req.Status = http.StatusOK
	if !ok || r.Method != http.MethodGet {
		req.Status = http.StatusNotFound
	}
	s.mu.Lock()
	s.cdnReqs = append(s.cdnReqs, req)
	s.mu.Unlock()
	if req.Status != http.StatusOK {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(f)
}

// WaitConnected waits until a gateway session (of any shard) is ready.
func (s *Server) WaitConnected(tb testing.TB, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if len(s.ReadyShards()) > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	tb.Fatalf("no gateway session within %v", timeout)
}

// errorf formats a test-helper message.
func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }
