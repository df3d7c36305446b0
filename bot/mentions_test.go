package bot

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/internal/discordspec"
	"crisisbot/internal/fakediscord"
)

func TestAllowMentions(t *testing.T) {
	for _, c := range []struct {
		name string
		in   *discordgo.MessageAllowedMentions
		want string
	}{
		{"None", nil, `{"parse":[],"replied_user":false}`},
		{"OneUser", &discordgo.MessageAllowedMentions{Users: []string{"500000000000000001"}}, `{"parse":[],"users":["500000000000000001"],"replied_user":false}`},
		{"ParseDropped", &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeEveryone, discordgo.AllowedMentionTypeUsers}, Roles: []string{"1"}, RepliedUser: true}, `{"parse":[],"replied_user":false}`},
		{"BadAndRepeatedIDs", &discordgo.MessageAllowedMentions{Users: []string{"everyone", "5", "5", ""}}, `{"parse":[],"users":["5"],"replied_user":false}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw, _ := json.Marshal(allowMentions(c.in))
			if string(raw) != c.want {
				t.Fatalf("%s, want %s", raw, c.want)
			}
		})
	}
}

// TestREST_MessagesOnTheWire: the calls corrections and answers for someone
// make, through REST to the fake Discord, which checks every body against
// Discord's OpenAPI request schemas.
func TestREST_MessagesOnTheWire(t *testing.T) {
	spec, err := discordspec.Load("../testdata/discord-api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	fake := fakediscord.New(t, "tok")
	fake.Validate = spec.Validate
	base, _ := url.Parse(fake.URL)
	rest, err := NewREST(RESTOptions{Token: "tok", APIBase: base, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const channel, member = "410000000000000001", "500000000000000001"
	t.Run("PublicAnswerReportsItsMessage", func(t *testing.T) {
		r := NewRouter(quiet(), nil)
		sent := make(chan *discordgo.Message, 1)
		r.Command("ask", func(context.Context, *Request) (*Reply, error) {
			return &Reply{Content: "<@" + member + "> here is the answer. @everyone", MentionUsers: []string{member}, OnSent: func(m *discordgo.Message) { sent <- m }}, nil
		})
		i := command("ask")
		i.AppID, i.Token = fakediscord.AppID, "tok-ask"
		from := len(fake.Requests())
		r.HandleInteraction(ctx, rest.Responder(), i)
		req, _ := fake.Wait(t, from, 5*time.Second, fakediscord.Path("POST", "/callback"))
		if req.Query != "with_response=true" {
			t.Fatalf("query %q", req.Query)
		}
		var body struct {
			Data struct {
				AllowedMentions map[string]any `json:"allowed_mentions"`
			}
		}
		json.Unmarshal(req.Body, &body)
		if am, _ := json.Marshal(body.Data.AllowedMentions); string(am) != `{"parse":[],"replied_user":false,"users":["`+member+`"]}` {
			t.Fatalf("allowed_mentions %s", am)
		}
		select {
		case m := <-sent:
			if m.ID == "" {
				t.Fatal("no message id")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("OnSent was not called")
		}
	})
	t.Run("EditAndReply", func(t *testing.T) {
		orig, err := rest.message(ctx, channel, rest.z.message(&discordgo.MessageSend{Content: "the answer"}))
		if err != nil {
			t.Fatal(err)
		}
		from := len(fake.Requests())
		if err := rest.EditMessage(ctx, channel, orig.ID, &Reply{Content: "Corrected <@" + member + ">", Embeds: []*discordgo.MessageEmbed{{Title: strings.Repeat("x", 300)}}}); err != nil {
			t.Fatal(err)
		}
		edit, _ := fake.Wait(t, from, 5*time.Second, fakediscord.Path("PATCH", "/channels/"+channel+"/messages/"+orig.ID))
		if !strings.Contains(string(edit.Body), `"allowed_mentions":{"parse":[],"replied_user":false}`) || strings.Contains(string(edit.Body), strings.Repeat("x", 257)) {
			t.Fatalf("edit %s", edit.Body)
		}
		if err := rest.EditMessage(ctx, channel, "1", &Reply{Content: "x"}); err == nil {
			t.Fatal("editing an unknown message succeeded")
		}
		reply, err := rest.SendReply(ctx, channel, orig.ID, &Reply{Content: "A correction."})
		if err != nil || reply.ID == "" {
			t.Fatalf("%v %v", reply, err)
		}
		req, _ := fake.Wait(t, from, 5*time.Second, fakediscord.Path("POST", "/channels/"+channel+"/messages"))
		if !strings.Contains(string(req.Body), `"message_id":"`+orig.ID+`"`) || !strings.Contains(string(req.Body), `"replied_user":false`) {
			t.Fatalf("reply %s", req.Body)
		}
	})
	for _, bad := range fake.Invalid() {
		t.Errorf("invalid request: %s", bad)
	}
}

// TestRouter_OnSentAfterDefer: a slow public answer reports the message its
// edit became, with its allowed mentions carried into the edit; a slow
// answer kept private reports nothing.
func TestRouter_OnSentAfterDefer(t *testing.T) {
	for _, c := range []struct {
		name    string
		opts    []RouteOption
		private bool
	}{
		{"Public", nil, false},
		{"PrivateRoute", []RouteOption{Private}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var sent []string
			rep := &Reply{Content: "<@7> the answer", MentionUsers: []string{"7"}, OnSent: func(m *discordgo.Message) { sent = append(sent, m.ID) }}
			rec := slowRoute(t, func(r *Router, h HandlerFunc) { r.Command("ask", h, c.opts...) }, command("ask"), rep)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if len(rec.edits) != 1 {
				t.Fatalf("%d edits", len(rec.edits))
			}
			if am := rec.edits[0].AllowedMentions; am == nil || len(am.Parse) != 0 || len(am.Users) != 1 || am.Users[0] != "7" {
				t.Fatalf("allowed mentions %+v", am)
			}
			want := []string{"1"}
			if c.private {
				want = nil
			}
			if strings.Join(sent, ",") != strings.Join(want, ",") {
				t.Fatalf("OnSent got %v, want %v", sent, want)
			}
		})
	}
}
