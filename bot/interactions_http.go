package bot

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// HTTPOptions configure an InteractionServer. PublicKey and REST are
// required; zero values of the rest mean defaults.
type HTTPOptions struct {
	// PublicKey is the application's Ed25519 public key (DISCORD_PUBLIC_KEY).
	PublicKey ed25519.PublicKey
	// REST sends what cannot go inline in the HTTP response: edits after a
	// deferral, follow-ups, channel messages.
	REST Responder
	// MaxInFlight bounds the interactions being handled at once (default
	// 256). Past it, requests are refused with 503 before their body is read,
	// so what is accepted is answered within Discord's 3 seconds and memory
	// stays flat.
	MaxInFlight int
	// MaxBody bounds a request body (default 256 KiB).
	MaxBody int64
	// MaxSkew is how far a request's signed timestamp may be from now
	// (default 5 minutes): an old request, even correctly signed, is a replay.
	MaxSkew time.Duration
	// Inline is how long to wait for the first response before answering
	// with a deferral (default 2.5 s; the router itself defers slow work
	// after Router.SlowAfter).
	Inline time.Duration
	Logger *slog.Logger
	Now    func() time.Time
}

// InteractionServer serves Discord's outgoing interactions over HTTP (the
// "Interactions Endpoint URL"), through the same Router as the gateway: a
// handler cannot tell which transport an interaction came by. Every request
// is verified (Ed25519 over timestamp + body; a bad or missing signature is
// 401), PING is answered with PONG, and every other interaction gets its
// first response inline in the HTTP response; later edits go through REST.
// Safe for concurrent use.
type InteractionServer struct {
	router *Router
	o      HTTPOptions
	slots  chan struct{}
	key    signatureKey // o.PublicKey, expanded once
	seen   *seenIDs
	shed   atomic.Int64
	pool   *workers  // the handlers' goroutines
	bufs   sync.Pool // *bytes.Buffer, for encoding responses
	wg     sync.WaitGroup
	ctx    context.Context // for handlers, which outlive their HTTP request
	stop   context.CancelFunc
}

// NewInteractionServer returns a server over router.
func NewInteractionServer(router *Router, o HTTPOptions) *InteractionServer {
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 256
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 256 << 10
	}
	if o.MaxSkew <= 0 {
		o.MaxSkew = 5 * time.Minute
	}
	if o.Inline <= 0 {
		o.Inline = 2500 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ctx, stop := context.WithCancel(context.Background())
	return &InteractionServer{router: router, o: o, key: newSignatureKey(o.PublicKey), slots: make(chan struct{}, o.MaxInFlight), seen: newSeenIDs(50_000, 15*time.Minute),
		pool: newWorkers(ctx, o.MaxInFlight, workerIdle), ctx: ctx, stop: stop}
}

// workerIdle is how long a handler goroutine waits for the next request
// before it ends.
const workerIdle = 10 * time.Second

// Shed counts the requests refused with 503 at capacity since the start.
func (s *InteractionServer) Shed() int64 { return s.shed.Load() }

// Handler returns the HTTP handler: POST /interactions.
func (s *InteractionServer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /interactions", s)
	return mux
}

// ServeHTTP answers one interaction request.
func (s *InteractionServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case s.slots <- struct{}{}:
	default:
		// Shed before reading the body: the cheapest refusal there is.
		s.shed.Add(1)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	held := true
	release := func() { <-s.slots }
	defer func() {
		if held {
			release()
		}
	}()
	// The signature covers the timestamp followed by the body: read the body
	// in after the timestamp, so that the message is not copied to verify it.
	ts := r.Header.Get("X-Signature-Timestamp")
	signed, err := s.readBody(w, r, ts)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	if !s.verify(r.Header.Get("X-Signature-Ed25519"), ts, signed) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	body := signed[len(ts):]
	var i discordgo.Interaction
	if err := decodeInteraction(body, &i); err != nil {
		http.Error(w, "bad interaction", http.StatusBadRequest)
		return
	}
	if i.Type == discordgo.InteractionPing {
		s.writeJSON(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	if i.ID == "" || !s.seen.add(i.ID, s.o.Now()) {
		http.Error(w, "interaction already handled", http.StatusConflict)
		return
	}
	inl := &inlineResponder{rest: s.o.REST, i: &i, first: make(chan *discordgo.InteractionResponse, 1)}
	held = false // the handler goroutine holds the slot until it is done
	s.wg.Add(1)
	s.pool.run(func() {
		defer s.wg.Done()
		defer release()
		s.router.HandleInteraction(s.ctx, inl, &i)
		inl.done()
	})
	timer := time.NewTimer(s.o.Inline)
	defer timer.Stop()
	select {
	case resp := <-inl.first:
		if resp != nil {
			s.writeResponse(w, inl, resp)
			return
		}
		w.WriteHeader(http.StatusNoContent) // the router chose not to answer (a bad payload)
	case <-timer.C:
		if resp, ok := inl.lateDefer(); ok {
			s.writeResponse(w, inl, resp)
			return
		}
		if resp := <-inl.first; resp != nil { // it arrived just now
			s.writeResponse(w, inl, resp)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// writeResponse writes the first response inline. A response with files
// cannot be JSON: it is deferred inline and the files follow as an edit.
func (s *InteractionServer) writeResponse(w http.ResponseWriter, inl *inlineResponder, resp *discordgo.InteractionResponse) {
	if resp.Data != nil && len(resp.Data.Files) > 0 {
		deferred := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: resp.Data.Flags & discordgo.MessageFlagsEphemeral}}
		if resp.Type == discordgo.InteractionResponseUpdateMessage {
			deferred = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
		}
		s.writeJSON(w, deferred)
		d := resp.Data
		content, embeds, comps := d.Content, d.Embeds, d.Components
		edit := &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, Components: &comps, Files: d.Files, AllowedMentions: d.AllowedMentions}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
			defer cancel()
			if _, err := s.o.REST.InteractionResponseEdit(inl.i, edit, discordgo.WithContext(ctx)); err != nil {
				s.o.Logger.Warn("sending files after an inline deferral failed", "err", err)
			}
		}()
		return
	}
	s.writeJSON(w, withEncodedComponents(resp))
}

// readBody returns prefix followed by a request's body, at most MaxBody
// bytes of body (more is an *http.MaxBytesError). With a Content-Length, as
// Discord sends, into one buffer of that size and the prefix's (a header,
// at most the server's MaxHeaderBytes); a larger body is refused before
// reading.
func (s *InteractionServer) readBody(w http.ResponseWriter, r *http.Request, prefix string) ([]byte, error) {
	if r.ContentLength > s.o.MaxBody {
		return nil, &http.MaxBytesError{Limit: s.o.MaxBody}
	}
	body := http.MaxBytesReader(w, r.Body, s.o.MaxBody)
	if r.ContentLength < 0 {
		b, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		return append([]byte(prefix), b...), nil
	}
	buf := make([]byte, len(prefix)+int(r.ContentLength))
	copy(buf, prefix)
	if _, err := io.ReadFull(body, buf[len(prefix):]); err != nil {
		return nil, err
	}
	return buf, nil
}

// writeJSON writes v as the JSON response, encoded into a reused buffer.
func (s *InteractionServer) writeJSON(w http.ResponseWriter, v any) {
	buf, _ := s.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		if buf.Cap() <= 64<<10 { // a large one (a long answer) is left to the GC
			buf.Reset()
			s.bufs.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "encode", http.StatusInternalServerError)
		return
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n")) // Encode ends with a newline; Marshal did not
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// decodeInteraction decodes an interaction request's body into i, as
// json.Unmarshal(body, i) does, by calling discordgo's UnmarshalJSON
// directly: it checks and decodes the whole body itself, so going through
// json.Unmarshal only scanned every body twice more (to check it, then to
// find the object's end) before that.
func decodeInteraction(body []byte, i *discordgo.Interaction) error {
	return i.UnmarshalJSON(body)
}

// verify checks Discord's signature: Ed25519 over the timestamp followed by
// the body (signed, which starts with ts), hex-encoded, with a timestamp
// close to now. Non-canonical signatures (the top bits of the last byte
// set) are refused as Discord's own test requests expect; otherwise exactly
// what ed25519.Verify accepts (signatureKey).
func (s *InteractionServer) verify(sigHex, ts string, signed []byte) bool {
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize || sig[63]&224 != 0 {
		return false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	if d := s.o.Now().Sub(time.Unix(sec, 0)); d > s.o.MaxSkew || d < -s.o.MaxSkew {
		return false
	}
	return s.key.verify(signed, sig)
}

// Close stops taking interactions and waits for the ones in flight (or ctx).
func (s *InteractionServer) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		s.stop()
		return nil
	case <-ctx.Done():
		s.stop()
		return ctx.Err()
	}
}

// inlineResponder delivers an interaction's first response to the waiting
// HTTP request, and sends everything after it through REST. If the request
// gave up waiting and deferred, a late first response becomes an edit of the
// deferred message.
type inlineResponder struct {
	rest  Responder
	i     *discordgo.Interaction
	first chan *discordgo.InteractionResponse

	mu       sync.Mutex
	state    int // 0 waiting, 1 first response delivered, 2 deferred by the server
	deferred bool
}

func (r *inlineResponder) InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error {
	r.mu.Lock()
	switch r.state {
	case 0:
		r.state = 1
		r.mu.Unlock()
		r.first <- resp
		return nil
	case 2:
		r.mu.Unlock()
		if resp.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource || resp.Type == discordgo.InteractionResponseDeferredMessageUpdate {
			return nil // already deferred
		}
		if resp.Data == nil {
			return nil
		}
		d := resp.Data
		content, embeds, comps := d.Content, d.Embeds, d.Components
		_, err := r.rest.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, Components: &comps, Files: d.Files, AllowedMentions: d.AllowedMentions}, options...)
		return err
	}
	r.mu.Unlock()
	return errors.New("interaction already answered")
}

func (r *inlineResponder) InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	return r.rest.InteractionResponseEdit(i, edit, options...)
}

func (r *inlineResponder) FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	return r.rest.FollowupMessageCreate(i, wait, data, options...)
}

func (r *inlineResponder) ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	return r.rest.ChannelMessageSendComplex(channelID, data, options...)
}

// lateDefer is called when the HTTP request can wait no longer: if no first
// response came, it returns a deferral to send inline instead.
func (r *inlineResponder) lateDefer() (*discordgo.InteractionResponse, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state != 0 {
		return nil, false
	}
	r.state = 2
	if r.i.Type == discordgo.InteractionMessageComponent {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}, true
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}, true
}

// done marks the router finished; a request still waiting gets nothing.
func (r *inlineResponder) done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state == 0 {
		r.state = 1
		r.first <- nil
	}
}

// seenIDs remembers interaction ids for a while, so a replayed request is
// not handled twice. Bounded: past max ids the oldest are forgotten. Safe
// for concurrent use.
type seenIDs struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	at    map[string]time.Time
	order []string
}

func newSeenIDs(max int, ttl time.Duration) *seenIDs {
	return &seenIDs{max: max, ttl: ttl, at: map[string]time.Time{}}
}

// add records id and reports whether it was new.
func (s *seenIDs) add(id string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.at[id]; ok && now.Sub(t) < s.ttl {
		return false
	}
	for len(s.order) > 0 && (len(s.order) >= s.max || now.Sub(s.at[s.order[0]]) >= s.ttl) {
		delete(s.at, s.order[0])
		s.order = s.order[1:]
	}
	s.at[id] = now
	s.order = append(s.order, id)
	return true
}
