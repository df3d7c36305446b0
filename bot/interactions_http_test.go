package bot

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

type signer struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

func newSigner(t *testing.T) signer {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signer{pub, priv}
}

// request builds a signed POST /interactions.
func (s signer) request(url string, body []byte, at time.Time) *http.Request {
	ts := strconv.FormatInt(at.Unix(), 10)
	sig := ed25519.Sign(s.priv, append([]byte(ts), body...))
	req, _ := http.NewRequest(http.MethodPost, url+"/interactions", bytes.NewReader(body))
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("Content-Type", "application/json")
	return req
}

func slashBody(id, name string) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": id, "application_id": "900000000000000001", "type": 2, "token": "tok-" + id, "version": 1,
		"guild_id": "300000000000000001", "channel_id": "310000000000000001",
		"member": map[string]any{"user": map[string]any{"id": "500000000000000001", "username": "u", "discriminator": "0"}, "roles": []any{}, "permissions": "0"},
		"data":   map[string]any{"id": "800", "name": name, "type": 1},
	})
	return b
}

type httpFixture struct {
	srv    *httptest.Server
	is     *InteractionServer
	signer signer
	rest   *recorder
}

func newHTTPFixture(t *testing.T, router *Router, o HTTPOptions) *httpFixture {
	t.Helper()
	f := &httpFixture{signer: newSigner(t), rest: newRecorder()}
	o.PublicKey, o.REST = f.signer.pub, f.rest
	f.is = NewInteractionServer(router, o)
	f.srv = httptest.NewServer(f.is.Handler())
	t.Cleanup(func() {
		f.srv.Close()
		f.is.Close(context.Background())
	})
	return f
}

func (f *httpFixture) post(t *testing.T, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestInteractionServer_Verifies(t *testing.T) {
	r := NewRouter(quiet(), nil)
	var handled atomic.Int32
	r.Command("ask", func(context.Context, *Request) (*Reply, error) {
		handled.Add(1)
		return &Reply{Content: "answer"}, nil
	})
	f := newHTTPFixture(t, r, HTTPOptions{})
	now := time.Now()
	body := slashBody("1", "ask")

	t.Run("Ping", func(t *testing.T) {
		code, got := f.post(t, f.signer.request(f.srv.URL, []byte(`{"id":"p","type":1,"application_id":"9","token":"t","version":1}`), now))
		if code != 200 || strings.TrimSpace(string(got)) != `{"type":1}` {
			t.Fatalf("%d %s", code, got)
		}
	})
	for name, req := range map[string]*http.Request{
		"Missing": func() *http.Request {
			q, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/interactions", bytes.NewReader(body))
			return q
		}(),
		"OtherKey": newSigner(t).request(f.srv.URL, body, now),
		"ChangedBytes": func() *http.Request {
			q := f.signer.request(f.srv.URL, body, now)
			q.Body = io.NopCloser(bytes.NewReader(bytes.Replace(body, []byte(`"ask"`), []byte(`"asx"`), 1)))
			return q
		}(),
		"Stale": f.signer.request(f.srv.URL, body, now.Add(-time.Hour)),
		"NonCanonical": func() *http.Request {
			q := f.signer.request(f.srv.URL, body, now)
			sig, _ := hex.DecodeString(q.Header.Get("X-Signature-Ed25519"))
			sig[63] |= 0xe0
			q.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
			return q
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			if code, _ := f.post(t, req); code != http.StatusUnauthorized {
				t.Fatalf("status %d", code)
			}
		})
	}
	if handled.Load() != 0 {
		t.Fatal("an unverified request reached a handler")
	}
	t.Run("OK", func(t *testing.T) {
		code, got := f.post(t, f.signer.request(f.srv.URL, body, now))
		var resp discordgo.InteractionResponse
		if code != 200 || json.Unmarshal(got, &resp) != nil || resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Data.Content != "answer" {
			t.Fatalf("%d %s", code, got)
		}
		if resp.Data.AllowedMentions == nil || len(resp.Data.AllowedMentions.Parse) != 0 {
			t.Fatalf("allowed mentions %+v", resp.Data.AllowedMentions)
		}
	})
	t.Run("ReplayedOnce", func(t *testing.T) {
		if code, _ := f.post(t, f.signer.request(f.srv.URL, body, now)); code != http.StatusConflict {
			t.Fatalf("replay status %d", code)
		}
		if handled.Load() != 1 {
			t.Fatalf("handled %d times", handled.Load())
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		big := append(slashBody("2", "ask"), bytes.Repeat([]byte(" "), 300<<10)...)
		if code, _ := f.post(t, f.signer.request(f.srv.URL, big, now)); code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d", code)
		}
	})
	// Without a Content-Length (chunked), the body is read up to the bound.
	chunked := func(body []byte) *http.Request {
		q := f.signer.request(f.srv.URL, body, now)
		q.Body, q.ContentLength = io.NopCloser(io.MultiReader(bytes.NewReader(body))), 0
		return q
	}
	t.Run("TooLargeChunked", func(t *testing.T) {
		big := append(slashBody("3", "ask"), bytes.Repeat([]byte(" "), 300<<10)...)
		if code, _ := f.post(t, chunked(big)); code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d", code)
		}
	})
	t.Run("Chunked", func(t *testing.T) {
		code, got := f.post(t, chunked(slashBody("4", "ask")))
		if code != 200 || !strings.Contains(string(got), `"answer"`) {
			t.Fatalf("%d %s", code, got)
		}
	})
}

func TestInteractionServer_SlowHandlerDefersThenEdits(t *testing.T) {
	r := NewRouter(quiet(), nil)
	r.SlowAfter = 20 * time.Millisecond
	release := make(chan struct{})
	r.Command("ask", func(context.Context, *Request) (*Reply, error) {
		<-release
		return &Reply{Content: "late answer"}, nil
	})
	f := newHTTPFixture(t, r, HTTPOptions{})
	code, got := f.post(t, f.signer.request(f.srv.URL, slashBody("3", "ask"), time.Now()))
	var resp discordgo.InteractionResponse
	if code != 200 || json.Unmarshal(got, &resp) != nil || resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("%d %s", code, got)
	}
	close(release)
	select {
	case <-f.rest.got:
	case <-time.After(5 * time.Second):
		t.Fatal("no edit through REST")
	}
	f.rest.mu.Lock()
	defer f.rest.mu.Unlock()
	if len(f.rest.edits) != 1 || *f.rest.edits[0].Content != "late answer" {
		t.Fatalf("edits %+v", f.rest.edits)
	}
}

func TestInteractionServer_ShedsPastCapacity(t *testing.T) {
	r := NewRouter(quiet(), nil)
	r.SlowAfter = time.Hour // hold the slot without deferring
	entered, release := make(chan struct{}, 4), make(chan struct{})
	r.Command("ask", func(context.Context, *Request) (*Reply, error) {
		entered <- struct{}{}
		<-release
		return &Reply{Content: "ok"}, nil
	})
	f := newHTTPFixture(t, r, HTTPOptions{MaxInFlight: 2, Inline: 10 * time.Second})
	codes := make(chan int, 2)
	for n := range 2 {
		go func() {
			code, _ := f.post(t, f.signer.request(f.srv.URL, slashBody(strconv.Itoa(10+n), "ask"), time.Now()))
			codes <- code
		}()
	}
	<-entered
	<-entered
	// Both slots are taken: the third is refused at once, body unread.
	code, _ := f.post(t, f.signer.request(f.srv.URL, slashBody("12", "ask"), time.Now()))
	if code != http.StatusServiceUnavailable || f.is.Shed() != 1 {
		t.Fatalf("third request: %d, %d shed", code, f.is.Shed())
	}
	close(release)
	for range 2 {
		if c := <-codes; c != 200 {
			t.Fatalf("accepted request got %d", c)
		}
	}
	// Capacity is back once the handlers have returned their slots.
	for deadline := time.Now().Add(5 * time.Second); len(f.is.slots) > 0; {
		if time.Now().After(deadline) {
			t.Fatal("slots never returned")
		}
		time.Sleep(time.Millisecond)
	}
	if code, _ := f.post(t, f.signer.request(f.srv.URL, slashBody("13", "ask"), time.Now())); code != 200 {
		t.Fatalf("after the burst: %d", code)
	}
}

// BenchmarkInteractionServer_Verify measures signature verification alone
// (Ed25519 over timestamp + a real /ask body, with the checks around it):
// the floor under the endpoint's cost per request.
func BenchmarkInteractionServer_Verify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	s := NewInteractionServer(NewRouter(quiet(), nil), HTTPOptions{PublicKey: pub})
	body := slashBody("1300000000000000001", "ask")
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	signed := append([]byte(ts), body...)
	sig := hex.EncodeToString(ed25519.Sign(priv, signed))
	b.ReportAllocs()
	for b.Loop() {
		if !s.verify(sig, ts, signed) {
			b.Fatal("refused")
		}
	}
}

// BenchmarkInteractionServer_Serve is one /ask-shaped interaction through
// the endpoint in process, without the network: verify, decode, route, a
// reply with an embed and a button, encode. The endpoint's own cost per
// answer, besides the handler's and the HTTP server's.
func BenchmarkInteractionServer_Serve(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	r := NewRouter(quiet(), nil)
	r.Command("ask", func(context.Context, *Request) (*Reply, error) {
		return &Reply{Content: "**Who attended?** The delegations of both countries met in Geneva.",
			Embeds: []*discordgo.MessageEmbed{{Title: "Sources", Description: "“They met in Geneva,” Tass reported.", Footer: &discordgo.MessageEmbedFooter{Text: "kb entry attendees"}}},
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Helpful", Style: discordgo.SecondaryButton, CustomID: "vote/attendees/up"},
			}}}}, nil
	})
	s := NewInteractionServer(r, HTTPOptions{PublicKey: pub, REST: newRecorder()})
	defer s.Close(context.Background())
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		body := slashBody(strconv.Itoa(1300000000000000001+i), "ask")
		req := httptest.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...))))
		req.Header.Set("X-Signature-Timestamp", ts)
		reqs[i] = req
	}
	b.ReportAllocs()
	b.ResetTimer()
	for _, req := range reqs {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// TestDecodeInteraction_SameAsUnmarshal checks the endpoint's decoding
// against json.Unmarshal, which it replaced: the same interaction from every
// real payload in testdata/discord that is one, and an error for exactly the
// bodies json.Unmarshal refuses.
func TestDecodeInteraction_SameAsUnmarshal(t *testing.T) {
	bodies := map[string][]byte{
		"ping":              []byte(`{"id":"1","type":1,"application_id":"2","token":"t","version":1}`),
		"slash":             slashBody("700000000000000001", "ask"),
		"spaces":            []byte(" \n{\"id\":\"1\",\"type\":1} \t"),
		"null":              []byte("null"),
		"empty object":      []byte("{}"),
		"array":             []byte("[1,2]"),
		"number":            []byte("12"),
		"string":            []byte(`"x"`),
		"trailing garbage":  []byte(`{"id":"1","type":1}x`),
		"two objects":       []byte(`{"id":"1","type":1}{}`),
		"truncated":         []byte(`{"id":"1","type":2,"data":{"name":"ask"`),
		"bad data":          []byte(`{"id":"1","type":2,"data":[1]}`),
		"bad type":          []byte(`{"id":"1","type":"two"}`),
		"bad utf8 in value": []byte("{\"id\":\"1\xff\",\"type\":1}"),
		"empty":             {},
	}
	files, err := filepath.Glob("../testdata/discord/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no payloads in testdata/discord: %v", err)
	}
	decoded := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bodies[filepath.Base(f)] = b
	}
	for name, body := range bodies {
		var want, got discordgo.Interaction
		wantErr := json.Unmarshal(body, &want)
		gotErr := decodeInteraction(body, &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Errorf("%s: error %v, json.Unmarshal's %v", name, gotErr, wantErr)
			continue
		}
		if wantErr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: decoded\n%+v\njson.Unmarshal\n%+v", name, got, want)
		}
		if wantErr == nil && want.Type == discordgo.InteractionApplicationCommand {
			decoded++
		}
	}
	if decoded < 3 {
		t.Errorf("only %d slash commands among the payloads: the comparison proves little", decoded)
	}
}
