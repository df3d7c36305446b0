package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"

	"github.com/bwmarrin/discordgo"
)

// Register makes cmds the application's commands with one bulk overwrite:
// globally, or in guildID when it is set. Unless force is set it first reads
// the registered commands and does nothing when they already match, so a
// restart does not spend Discord's daily command-creation budget. Commands are
// never deleted on shutdown. It reports whether it wrote.
func (b *Bot) Register(ctx context.Context, guildID string, cmds []*discordgo.ApplicationCommand, force bool) (bool, error) {
	return Register(ctx, b.rest, b.log, b.AppID(), guildID, cmds, force)
}

// Register is Bot.Register for application app without a gateway session
// (HTTP-only replicas register too).
func Register(ctx context.Context, rest *REST, log *slog.Logger, app, guildID string, cmds []*discordgo.ApplicationCommand, force bool) (bool, error) {
	if app == "" {
		return false, fmt.Errorf("register commands: application id unknown (check the token first)")
	}
	if !force {
		have, err := rest.commands(ctx, app, guildID)
		if err != nil {
			return false, err
		}
		if sameCommands(have, cmds) {
			log.Info("commands already registered", "count", len(cmds), "guild", guildID)
			return false, nil
		}
	}
	if err := rest.overwrite(ctx, app, guildID, cmds); err != nil {
		return false, err
	}
	log.Info("registered commands", "count", len(cmds), "guild", guildID)
	return true, nil
}

// commandShape is what we compare: the fields we set, not the ids and
// versions Discord adds.
type commandShape struct {
	Name        string
	Type        discordgo.ApplicationCommandType
	Description string
	Perms       string
	Contexts    []discordgo.InteractionContextType
	Options     []optionShape
}

type optionShape struct {
	Name, Description string
	Type              discordgo.ApplicationCommandOptionType
	Required          bool
	Autocomplete      bool
	MaxLength         int
	Options           []optionShape
}

func shapeOptions(os []*discordgo.ApplicationCommandOption) []optionShape {
	var out []optionShape
	for _, o := range os {
		out = append(out, optionShape{o.Name, o.Description, o.Type, o.Required, o.Autocomplete, o.MaxLength, shapeOptions(o.Options)})
	}
	return out
}

func shape(c *discordgo.ApplicationCommand) commandShape {
	t := c.Type
	if t == 0 {
		t = discordgo.ChatApplicationCommand
	}
	perms := ""
	if c.DefaultMemberPermissions != nil {
		perms = fmt.Sprint(*c.DefaultMemberPermissions)
	}
	var ctxs []discordgo.InteractionContextType
	if c.Contexts != nil && len(*c.Contexts) > 0 {
		ctxs = *c.Contexts
	}
	return commandShape{c.Name, t, c.Description, perms, ctxs, shapeOptions(c.Options)}
}

func sameCommands(have, want []*discordgo.ApplicationCommand) bool {
	if len(have) != len(want) {
		return false
	}
	index := map[string]commandShape{}
	for _, c := range have {
		s := shape(c)
		index[fmt.Sprint(s.Type, "/", s.Name)] = s
	}
	for _, c := range want {
		s := shape(c)
		got, ok := index[fmt.Sprint(s.Type, "/", c.Name)]
		if !ok || !reflect.DeepEqual(normalize(got), normalize(s)) {
			return false
		}
	}
	return true
}

// normalize makes nil and empty slices compare equal.
func normalize(s commandShape) string {
	b, _ := json.Marshal(s)
	return string(b)
}
