package bot

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// jsonSamples are strings that encoding/json writes as they are, and ones it
// escapes (HTML characters, quotes, control characters, line separators,
// invalid UTF-8).
var jsonSamples = []string{
	"", "Helpful", "Not helpful", "/fb/russian-troop-numbers/up/e08d5ec7dbed", "👍", "Peskov’s “empty” claims · é",
	"a<b", "a>b", "Q&A", `say "hi"`, `back\slash`, "line\nbreak", "tab\t", "\x01\x1f", "\u2028", "x\u2029y",
	"bad \xff utf-8", "cut \xe2\x80", "\u007f", "\ufeff", "<script>&amp;</script>",
}

// TestAppendComponent_SameAsDiscordgo checks the hand-written encoding of
// rows and buttons byte for byte against discordgo's own MarshalJSON (via
// json.Marshal), over every field set and unset and strings that need
// escaping, and that other component types fall back to discordgo.
func TestAppendComponent_SameAsDiscordgo(t *testing.T) {
	var comps []discordgo.MessageComponent
	for _, s := range jsonSamples {
		comps = append(comps,
			discordgo.Button{Label: s, Style: discordgo.SecondaryButton, CustomID: s},
			discordgo.Button{Label: s, Style: discordgo.LinkButton, URL: s, Disabled: true},
			discordgo.Button{Label: s, SKUID: s, ID: 7, Emoji: &discordgo.ComponentEmoji{Name: s}},
			&discordgo.Button{Emoji: &discordgo.ComponentEmoji{ID: s, Animated: true}},
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: s, ID: "123", Animated: true}},
		)
	}
	comps = append(comps,
		discordgo.Button{}, discordgo.Button{Emoji: &discordgo.ComponentEmoji{}}, discordgo.Button{Style: discordgo.PremiumButton, ID: -3},
		discordgo.ActionsRow{}, discordgo.ActionsRow{Components: []discordgo.MessageComponent{}}, discordgo.ActionsRow{ID: 2, Components: []discordgo.MessageComponent{nil}},
		&discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{CustomID: "a<b", Placeholder: "pick", Options: []discordgo.SelectMenuOption{{Label: "x", Value: "y"}}}}},
		discordgo.TextInput{CustomID: "t", Label: "Q&A", Style: discordgo.TextInputParagraph},
	)
	row := discordgo.ActionsRow{}
	for k, c := range comps {
		row.Components = append(row.Components, c)
		if k%5 == 4 {
			comps = append(comps, row)
			row = discordgo.ActionsRow{}
		}
	}
	for _, c := range comps {
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("%#v: %v", c, err)
		}
		got, err := appendComponent([]byte("prefix"), c)
		if err != nil || !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Errorf("%#v:\n got %s (%v)\nwant prefix%s", c, got, err, want)
		}
	}
}

// TestWriteResponse_SameAsEncodingJSON checks that a response with
// components is written exactly as encoding/json wrote it before, and that
// the handler's response is left unchanged.
func TestWriteResponse_SameAsEncodingJSON(t *testing.T) {
	s := NewInteractionServer(NewRouter(quiet(), nil), HTTPOptions{REST: newRecorder()})
	var rows []discordgo.MessageComponent
	for _, str := range jsonSamples {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: str, Style: discordgo.SecondaryButton, CustomID: "/fb/x/up", Emoji: &discordgo.ComponentEmoji{Name: "👍"}},
			discordgo.Button{Label: "Related", Style: discordgo.PrimaryButton, CustomID: str},
		}})
	}
	for name, resp := range map[string]*discordgo.InteractionResponse{
		"answer": {Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
			Embeds:          []*discordgo.MessageEmbed{{Title: "Who is <Peskov>?", Description: "“empty & false”"}},
			Components:      rows,
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		}},
		"update with a nil component": {Type: discordgo.InteractionResponseUpdateMessage, Data: &discordgo.InteractionResponseData{
			Content: "page 2", Components: []discordgo.MessageComponent{nil, rows[0]}}},
		"no components": {Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: "x"}},
		"no data":       {Type: discordgo.InteractionResponseDeferredMessageUpdate},
	} {
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var before []discordgo.MessageComponent
		if resp.Data != nil {
			before = resp.Data.Components
		}
		w := httptest.NewRecorder()
		s.writeResponse(w, nil, resp)
		if !bytes.Equal(w.Body.Bytes(), want) {
			t.Errorf("%s:\n got %s\nwant %s", name, w.Body, want)
		}
		if resp.Data != nil && (len(before) != len(resp.Data.Components) || (len(before) > 0 && &before[0] != &resp.Data.Components[0])) {
			t.Errorf("%s: the handler's response was changed", name)
		}
		if resp.Data != nil {
			for _, c := range resp.Data.Components {
				if _, ok := c.(*encodedComponent); ok {
					t.Errorf("%s: the handler's components were replaced", name)
				}
			}
		}
	}
}

// BenchmarkWriteResponse is writing an /ask answer's response (an embed,
// a row of three buttons) as the endpoint does.
func BenchmarkWriteResponse(b *testing.B) {
	s := NewInteractionServer(NewRouter(quiet(), nil), HTTPOptions{REST: newRecorder()})
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
		Embeds: []*discordgo.MessageEmbed{{Title: "How many Russian troops are near the Ukrainian border?", Description: "The article gives two figures.",
			Fields: []*discordgo.MessageEmbedField{{Name: "Claim by", Value: "HNGN"}}}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Helpful", Style: discordgo.SecondaryButton, Emoji: &discordgo.ComponentEmoji{Name: "👍"}, CustomID: "/fb/russian-troop-numbers/up/e08d5ec7dbed"},
			discordgo.Button{Label: "Not helpful", Style: discordgo.SecondaryButton, Emoji: &discordgo.ComponentEmoji{Name: "👎"}, CustomID: "/fb/russian-troop-numbers/down"},
			discordgo.Button{Label: "Related", Style: discordgo.PrimaryButton, CustomID: "/related/russian-troop-numbers"},
		}}},
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}}
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		w.Body.Reset()
		s.writeResponse(w, nil, resp)
	}
}
