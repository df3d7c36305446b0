package discordspec

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func load(t *testing.T) *Spec {
	t.Helper()
	s, err := Load("../../testdata/discord-api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSpec_Validate(t *testing.T) {
	s := load(t)
	none := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	ok := func(v any) []byte { b, _ := json.Marshal(v); return b }
	for _, c := range []struct {
		name, method, path string
		body               []byte
		want               string // "" = valid
	}{
		{"Message", "POST", "/api/v9/channels/1/messages", ok(&discordgo.MessageSend{Content: "hi", Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{}, AllowedMentions: none}), ""},
		{"MessageNoAllowedMentions", "POST", "/api/v9/channels/1/messages", ok(&discordgo.MessageSend{Content: "hi", Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{}}), "allowed_mentions"},
		{"MessageTooLong", "POST", "/api/v9/channels/1/messages", ok(&discordgo.MessageSend{Content: strings.Repeat("x", 2001), Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{}, AllowedMentions: none}), "2000"},
		{"SchemaViolation", "POST", "/api/v9/channels/1/messages", []byte(`{"content": 5}`), "content"},
		{"Callback", "POST", "/api/v9/interactions/1/tok/callback", ok(&discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "x", Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{}, AllowedMentions: none}}), ""},
		{"Edit", "PATCH", "/api/v9/webhooks/9/tok/messages/@original", ok(map[string]any{"content": "x", "allowed_mentions": none}), ""},
		{"Autocomplete", "POST", "/api/v9/interactions/1/tok/callback", ok(&discordgo.InteractionResponse{Type: 8, Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "a", Value: "kb:a"}}}}), ""},
		{"Defer", "POST", "/api/v9/interactions/1/tok/callback", ok(&discordgo.InteractionResponse{Type: 5, Data: &discordgo.InteractionResponseData{Flags: 64}}), ""},
		{"TooManyChoices", "POST", "/api/v9/interactions/1/tok/callback", ok(&discordgo.InteractionResponse{Type: 8, Data: &discordgo.InteractionResponseData{Choices: make26()}}), "choices"},
		{"UnknownPath", "POST", "/api/v9/nope", []byte(`{}`), "no such path"},
		{"Commands", "PUT", "/api/v9/applications/1/commands", ok(commands(map[discordgo.Locale]string{"uk": "запитати"}, "Запитайте")), ""},
		{"CommandNameUpperCase", "PUT", "/api/v9/applications/1/commands", ok(commands(map[discordgo.Locale]string{"uk": "Запитати"}, "x")), "lower-case name"},
		{"CommandNameSpace", "PUT", "/api/v9/applications/1/commands", ok(commands(map[discordgo.Locale]string{"de": "frage stellen"}, "x")), "lower-case name"},
		{"CommandUnknownLocale", "PUT", "/api/v9/applications/1/commands", ok(commands(map[discordgo.Locale]string{"ua": "запитати"}, "x")), "unknown locale"},
		{"CommandDescriptionTooLong", "PUT", "/api/v9/applications/1/commands", ok(commands(nil, strings.Repeat("я", 101))), "maxLength"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := s.Validate(c.method, c.path, c.body)
			if c.want == "" && err != nil {
				t.Fatalf("valid body rejected: %v", err)
			}
			if c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Fatalf("err = %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

func make26() []*discordgo.ApplicationCommandOptionChoice {
	var out []*discordgo.ApplicationCommandOptionChoice
	for i := 0; i < 26; i++ {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: "n", Value: "v"})
	}
	return out
}

// commands is a /ask and a message command, with one name localization and
// one Ukrainian description for /ask's option.
func commands(names map[discordgo.Locale]string, ukDesc string) []*discordgo.ApplicationCommand {
	return []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask", NameLocalizations: &names, Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question",
				DescriptionLocalizations: map[discordgo.Locale]string{"uk": ukDesc}},
		}},
		{Name: "Ask CrisisBot", Type: discordgo.MessageApplicationCommand, NameLocalizations: &map[discordgo.Locale]string{"uk": "Запитати CrisisBot"}},
	}
}
