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

// slowRoute runs one interaction through a route whose handler answers rep
// only after the router has deferred, and returns what was sent.
func slowRoute(t *testing.T, add func(r *Router, h HandlerFunc), i *discordgo.Interaction, rep *Reply) *recorder {
	t.Helper()
	r := NewRouter(quiet(), nil)
	r.SlowAfter = 10 * time.Millisecond
	release := make(chan struct{})
	add(r, func(context.Context, *Request) (*Reply, error) {
		<-release
		return rep, nil
	})
	rec := newRecorder()
	done := make(chan struct{})
	go func() { r.HandleInteraction(context.Background(), rec, i); close(done) }()
	select {
	case <-rec.got: // the deferral, sent while the handler is blocked
	case <-time.After(10 * time.Second):
		t.Fatal("no deferral")
	}
	close(release)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the interaction was not finished")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.responses) != 1 {
		t.Fatalf("%d responses; want the one deferral", len(rec.responses))
	}
	return rec
}

func component(id string) *discordgo.Interaction {
	return &discordgo.Interaction{ID: "1", Token: "t", AppID: "9", Type: discordgo.InteractionMessageComponent,
		User: &discordgo.User{ID: "5"}, Data: discordgo.MessageComponentInteractionData{CustomID: id}}
}

func isEphemeral(d *discordgo.InteractionResponseData) bool {
	return d != nil && d.Flags&discordgo.MessageFlagsEphemeral != 0
}

// TestRouter_SlowReplies: a slow handler's reply is deferred the way its
// route declares, carried whole into the edit, and never shown to more
// people than it was meant for (issue 8, item 2).
func TestRouter_SlowReplies(t *testing.T) {
	file := &discordgo.File{Name: "export.json", ContentType: "application/json", Reader: strings.NewReader("{}")}
	embed := &discordgo.MessageEmbed{Title: "Entry"}
	button := discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "Next", CustomID: "/p/2"}}}

	t.Run("PrivateRouteDefersEphemerally", func(t *testing.T) {
		rec := slowRoute(t, func(r *Router, h HandlerFunc) { r.Command("x", h, Private) }, command("x"),
			&Reply{Ephemeral: true, Content: "only you"})
		d := rec.responses[0]
		if d.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || !isEphemeral(d.Data) {
			t.Fatalf("deferral %+v; want an ephemeral type 5", d)
		}
		if len(rec.edits) != 1 || *rec.edits[0].Content != "only you" || len(rec.followups) != 0 {
			t.Fatalf("edits %+v followups %+v", rec.edits, rec.followups)
		}
	})
	t.Run("EphemeralReplyAfterPublicDeferStaysPrivate", func(t *testing.T) {
		rec := slowRoute(t, func(r *Router, h HandlerFunc) { r.Command("x", h) }, command("x"),
			&Reply{Ephemeral: true, Content: "your moderation queue", Embeds: []*discordgo.MessageEmbed{embed}})
		if d := rec.responses[0]; d.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || isEphemeral(d.Data) {
			t.Fatalf("deferral %+v; want a public type 5", d)
		}
		if strings.Join(rec.ops, ",") != "respond,edit,followup" {
			t.Fatalf("ops %v; the placeholder must be resolved before the followup", rec.ops)
		}
		if e := rec.edits[0]; *e.Content != answeredPrivately || len(*e.Embeds) != 0 {
			t.Fatalf("the public edit shows %q %v", *e.Content, *e.Embeds)
		}
		f := rec.followups[0]
		if f.Flags&discordgo.MessageFlagsEphemeral == 0 || f.Content != "your moderation queue" || len(f.Embeds) != 1 {
			t.Fatalf("followup %+v; want the whole reply, ephemeral", f)
		}
		if f.AllowedMentions == nil || len(f.AllowedMentions.Parse) != 0 {
			t.Fatalf("followup allowed mentions %+v", f.AllowedMentions)
		}
	})
	t.Run("ErrorAfterPublicDeferStaysPrivate", func(t *testing.T) {
		r := NewRouter(quiet(), nil)
		r.SlowAfter = 10 * time.Millisecond
		release := make(chan struct{})
		r.Command("x", func(context.Context, *Request) (*Reply, error) { <-release; return nil, Userf("You may not do that.") })
		rec := newRecorder()
		done := make(chan struct{})
		go func() { r.HandleInteraction(context.Background(), rec, command("x")); close(done) }()
		<-rec.got
		close(release)
		<-done
		if len(rec.followups) != 1 || rec.followups[0].Content != "You may not do that." || len(rec.edits) != 1 || *rec.edits[0].Content != answeredPrivately {
			t.Fatalf("edits %+v followups %+v", rec.edits, rec.followups)
		}
	})
	t.Run("PrivateOptionDefersEphemerally", func(t *testing.T) {
		i := command("x")
		i.Data = discordgo.ApplicationCommandInteractionData{Name: "x", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "private", Type: discordgo.ApplicationCommandOptionBoolean, Value: true}}}
		rec := slowRoute(t, func(r *Router, h HandlerFunc) { r.Command("x", h) }, i, &Reply{Content: "answer"})
		if !isEphemeral(rec.responses[0].Data) || *rec.edits[0].Content != "answer" {
			t.Fatalf("deferral %+v edits %+v", rec.responses[0], rec.edits)
		}
	})
	t.Run("FilesEmbedsComponentsCarried", func(t *testing.T) {
		rec := slowRoute(t, func(r *Router, h HandlerFunc) { r.Command("x", h) }, command("x"),
			&Reply{Content: "Here is the export.", Embeds: []*discordgo.MessageEmbed{embed}, Components: []discordgo.MessageComponent{button}, Files: []*discordgo.File{file}})
		if len(rec.edits) != 1 {
			t.Fatalf("%d edits", len(rec.edits))
		}
		e := rec.edits[0]
		if *e.Content != "Here is the export." || len(*e.Embeds) != 1 || len(*e.Components) != 1 || len(e.Files) != 1 || e.Files[0].Name != "export.json" {
			t.Fatalf("edit lost parts of the reply: %+v", e)
		}
	})
	t.Run("UpdateRouteDefersAsUpdate", func(t *testing.T) {
		rec := slowRoute(t, func(r *Router, h HandlerFunc) { r.Component("/p/{n}", h, UpdatesMessage) }, component("/p/2"),
			&Reply{Update: true, Content: "Page 2", Components: []discordgo.MessageComponent{button}})
		if d := rec.responses[0]; d.Type != discordgo.InteractionResponseDeferredMessageUpdate {
			t.Fatalf("deferral type %v; want 6 (deferred update)", d.Type)
		}
		if len(rec.edits) != 1 || *rec.edits[0].Content != "Page 2" || len(rec.followups) != 0 {
			t.Fatalf("edits %+v followups %+v; want the message updated, no new message", rec.edits, rec.followups)
		}
	})
	t.Run("NonUpdateAfterDeferredUpdateIsAFollowup", func(t *testing.T) {
		rec := slowRoute(t, func(r *Router, h HandlerFunc) { r.Component("/p/{n}", h, UpdatesMessage) }, component("/p/2"),
			&Reply{Ephemeral: true, Content: "That page is gone."})
		if len(rec.edits) != 0 || len(rec.followups) != 1 || rec.followups[0].Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Fatalf("edits %+v followups %+v; the message must not be overwritten", rec.edits, rec.followups)
		}
	})
	t.Run("ComponentDefaultsPrivate", func(t *testing.T) {
		rec := slowRoute(t, func(r *Router, h HandlerFunc) { r.Component("/p/{n}", h) }, component("/p/2"), &Reply{Content: "details"})
		if d := rec.responses[0]; d.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || !isEphemeral(d.Data) {
			t.Fatalf("deferral %+v", d)
		}
	})
	t.Run("UndeclaredModalIsNotLost", func(t *testing.T) {
		rec := slowRoute(t, func(r *Router, h HandlerFunc) { r.Command("x", h) }, command("x"),
			&Reply{Modal: &Modal{CustomID: "/m", Title: "Form"}})
		if len(rec.followups) != 1 || !strings.Contains(rec.followups[0].Content, "try again") {
			t.Fatalf("edits %+v followups %+v", rec.edits, rec.followups)
		}
	})
}

// TestRouter_OpensModalNeverDeferred: a route that may answer with a form is
// answered with it, not deferred, even when it is slower than SlowAfter.
func TestRouter_OpensModalNeverDeferred(t *testing.T) {
	r := NewRouter(quiet(), nil)
	r.SlowAfter = time.Millisecond
	r.Command("kb/add", func(context.Context, *Request) (*Reply, error) {
		time.Sleep(30 * time.Millisecond) // slow work, well past SlowAfter
		return &Reply{Modal: &Modal{CustomID: "/kbsave/new", Title: "New entry", Inputs: []discordgo.TextInput{{CustomID: "q", Label: "Question"}}}}, nil
	}, OpensModal)
	rec := newRecorder()
	i := command("kb")
	i.Data = discordgo.ApplicationCommandInteractionData{Name: "kb", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "add", Type: discordgo.ApplicationCommandOptionSubCommand}}}
	r.HandleInteraction(context.Background(), rec, i)
	if len(rec.responses) != 1 || rec.responses[0].Type != discordgo.InteractionResponseModal {
		t.Fatalf("responses %+v; want the modal alone", rec.responses)
	}
	if len(rec.edits)+len(rec.followups) != 0 {
		t.Fatal("a modal route was deferred")
	}
}

// TestRouter_LateRepliesOnTheWire sends the late-reply shapes (an edit with
// files, an ephemeral followup) through REST to the fake Discord, which
// checks every body against Discord's OpenAPI request schemas.
func TestRouter_LateRepliesOnTheWire(t *testing.T) {
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
	r := NewRouter(quiet(), nil)
	r.SlowAfter = 10 * time.Millisecond
	for _, c := range []struct {
		name string
		rep  *Reply
		want []string // method and path part of each request after the deferral
	}{
		{"EditWithFile", &Reply{Content: "Export attached.", Files: []*discordgo.File{{Name: "kb.json", ContentType: "application/json", Reader: strings.NewReader("{}")}}},
			[]string{"PATCH /messages/@original"}},
		{"EphemeralAfterPublicDefer", &Reply{Ephemeral: true, Content: "Only for you.", Embeds: []*discordgo.MessageEmbed{{Title: "Entry"}}},
			[]string{"PATCH /messages/@original", "POST /webhooks/"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			release := make(chan struct{})
			r.Command(c.name, func(context.Context, *Request) (*Reply, error) { <-release; return c.rep, nil })
			i := command(c.name)
			i.AppID, i.Token = fakediscord.AppID, "tok-"+c.name
			from := len(fake.Requests())
			done := make(chan struct{})
			go func() { r.HandleInteraction(context.Background(), rest.Responder(), i); close(done) }()
			_, at := fake.Wait(t, from, 5*time.Second, fakediscord.Path("POST", "/callback"))
			close(release)
			<-done
			got := fake.Requests()[at+1:]
			if len(got) != len(c.want) {
				t.Fatalf("%d requests after the deferral: %+v", len(got), got)
			}
			for k, w := range c.want {
				method, part, _ := strings.Cut(w, " ")
				if got[k].Method != method || !strings.Contains(got[k].Path, part) || got[k].Status >= 300 {
					t.Fatalf("request %d: %s %s (%d), want %s", k, got[k].Method, got[k].Path, got[k].Status, w)
				}
			}
			if c.name == "EditWithFile" && string(got[0].Files["kb.json"]) != "{}" {
				t.Fatalf("the file was not uploaded with the edit: %v", got[0].Files)
			}
			if c.name == "EphemeralAfterPublicDefer" {
				var f struct{ Flags int }
				json.Unmarshal(got[1].Body, &f)
				if f.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || strings.Contains(string(got[0].Body), "Only for you") {
					t.Fatalf("edit %s followup %s", got[0].Body, got[1].Body)
				}
			}
			for _, bad := range fake.Invalid() {
				t.Errorf("invalid request: %s", bad)
			}
		})
	}
}
