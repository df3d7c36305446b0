package bot

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestCallbacks_Respond(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the token was sent to an interaction endpoint")
		}
		switch r.URL.Path {
		case "/api/v9/interactions/1/ok/callback":
			if n == 1 {
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"message":"You are being rate limited.","retry_after":0.01,"global":false}`))
				return
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"Unknown interaction","code":10062}`))
		}
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	c := callbacks{client: NewHTTPClient(base, nil), ua: "test"}
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: "x"}}
	t.Run("RetriesAfter429", func(t *testing.T) {
		if err := c.respond(context.Background(), &discordgo.Interaction{ID: "1", Token: "ok"}, resp); err != nil {
			t.Fatal(err)
		}
		if calls.Load() != 2 {
			t.Fatalf("%d calls", calls.Load())
		}
	})
	t.Run("UnknownInteraction", func(t *testing.T) {
		err := c.respond(context.Background(), &discordgo.Interaction{ID: "1", Token: "late"}, resp)
		var rest *discordgo.RESTError
		if !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != discordgo.ErrCodeUnknownInteraction {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("TokenNotInErrors", func(t *testing.T) {
		dead := callbacks{client: NewHTTPClient(&url.URL{Scheme: "http", Host: "127.0.0.1:1"}, nil), ua: "test"}
		err := dead.respond(context.Background(), &discordgo.Interaction{ID: "1", Token: "secret-interaction-token"}, resp)
		if err == nil || strings.Contains(err.Error(), "secret-interaction-token") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("NoToken", func(t *testing.T) {
		if err := c.respond(context.Background(), &discordgo.Interaction{ID: "1"}, resp); !errors.Is(err, ErrNoInteraction) {
			t.Fatalf("err = %v", err)
		}
	})
}
