package bot

import (
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestSameCommands(t *testing.T) {
	min1 := 1
	want := []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask", Contexts: &[]discordgo.InteractionContextType{0, 1},
			Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "q", Required: true, Autocomplete: true, MinLength: &min1, MaxLength: 1000}}},
		{Name: "Ask CrisisBot", Type: discordgo.MessageApplicationCommand},
	}
	raw, _ := json.Marshal(want)
	var m []map[string]any
	json.Unmarshal(raw, &m)
	for _, c := range m {
		c["id"], c["version"], c["application_id"] = "1", "1", "9"
	}
	raw, _ = json.Marshal(m)
	var have []*discordgo.ApplicationCommand
	json.Unmarshal(raw, &have)
	t.Run("Equal", func(t *testing.T) {
		if !sameCommands(have, want) {
			a, _ := json.Marshal(shape(have[0]))
			b, _ := json.Marshal(shape(want[0]))
			t.Fatalf("registered commands read back differ:\n%s\n%s", a, b)
		}
	})
	t.Run("Changed", func(t *testing.T) {
		want[0].Description = "Ask anything"
		if sameCommands(have, want) {
			t.Fatal("a changed description was not noticed")
		}
	})
	t.Run("Removed", func(t *testing.T) {
		if sameCommands(have, want[:1]) {
			t.Fatal("a removed command was not noticed")
		}
	})
}
