package commands

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"crisisbot/commands/i18n"
)

// commandIDs are the message ids of a command, option or choice at path
// (its names from the command down, e.g. ["kb", "roles", "add"]): its name
// "cmd_kb_roles_add_name" and its description "cmd_kb_roles_add_desc".
func commandIDs(path []string) (name, desc string) {
	p := strings.ToLower(strings.ReplaceAll(strings.Join(path, "_"), " ", "_"))
	return "cmd_" + p + "_name", "cmd_" + p + "_desc"
}

// localized adds Discord's name and description localizations to def and
// its options and choices, from the translations of their ids in words.
// The English names and descriptions are the definitions' own.
func localized(words *i18n.Catalog, def *discordgo.ApplicationCommand) *discordgo.ApplicationCommand {
	out := *def
	nameID, descID := commandIDs([]string{def.Name})
	if m := discordLocales(words.Translations(nameID)); m != nil {
		out.NameLocalizations = &m
	}
	if m := discordLocales(words.Translations(descID)); m != nil && def.Type != discordgo.MessageApplicationCommand && def.Type != discordgo.UserApplicationCommand {
		out.DescriptionLocalizations = &m
	}
	out.Options = localizedOptions(words, []string{def.Name}, def.Options)
	return &out
}

func localizedOptions(words *i18n.Catalog, parent []string, opts []*discordgo.ApplicationCommandOption) []*discordgo.ApplicationCommandOption {
	var out []*discordgo.ApplicationCommandOption
	for _, o := range opts {
		c := *o
		path := append(append([]string{}, parent...), o.Name)
		key := optionKey(words, path)
		nameID, descID := commandIDs(key)
		c.NameLocalizations = discordLocales(words.Translations(nameID))
		c.DescriptionLocalizations = discordLocales(words.Translations(descID))
		c.Choices = nil
		for _, ch := range o.Choices {
			cc := *ch
			id, _ := commandIDs(append(append([]string{}, key...), "choice", fmt.Sprint(ch.Value)))
			cc.NameLocalizations = discordLocales(words.Translations(id))
			c.Choices = append(c.Choices, &cc)
		}
		c.Options = localizedOptions(words, path, o.Options)
		out = append(out, &c)
	}
	return out
}

// optionKey is the path whose ids name an option: its own, or for an
// option shared by many subcommands (/kb's "scope" and "id"), the command's
// name, "opt" and the option's ("cmd_kb_opt_scope_desc") when only
// those have an English message.
func optionKey(words *i18n.Catalog, path []string) []string {
	if _, desc := commandIDs(path); words.For(i18n.English).Has(desc) {
		return path
	}
	if short := []string{path[0], "opt", path[len(path)-1]}; len(path) > 2 {
		if _, desc := commandIDs(short); words.For(i18n.English).Has(desc) {
			return short
		}
	}
	return path
}

// discordLocales keys translations by Discord's locale codes (the bot's
// language codes are Discord's, English aside); nil for none.
func discordLocales(byLang map[string]string) map[discordgo.Locale]string {
	if len(byLang) == 0 {
		return nil
	}
	out := make(map[discordgo.Locale]string, len(byLang))
	for lang, s := range byLang {
		out[discordgo.Locale(lang)] = s
	}
	return out
}
