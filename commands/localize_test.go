package commands

import (
	"fmt"
	"testing"

	"github.com/bwmarrin/discordgo"

	"crisisbot/commands/i18n"
)

// node is one name in a command tree: a command, an option or a choice.
type node struct {
	where              string
	nameID, descID     string // descID "" for choices and context-menu commands
	name, desc         string
	names, descs       map[discordgo.Locale]string
	siblingsOfSameKind string // where its name must be unique
}

func nodes(defs []*discordgo.ApplicationCommand) []node {
	var out []node
	var walk func(path []string, opts []*discordgo.ApplicationCommandOption)
	walk = func(path []string, opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			p := append(append([]string{}, path...), o.Name)
			n, d := commandIDs(p)
			out = append(out, node{where: fmt.Sprint(p), nameID: n, descID: d, name: o.Name, desc: o.Description,
				names: o.NameLocalizations, descs: o.DescriptionLocalizations, siblingsOfSameKind: fmt.Sprint(path)})
			for _, ch := range o.Choices {
				out = append(out, node{where: fmt.Sprint(p, " choice ", ch.Value), name: ch.Name, names: ch.NameLocalizations,
					nameID: fmt.Sprint(p, "/", ch.Value), siblingsOfSameKind: fmt.Sprint(p, " choices")})
			}
			walk(p, o.Options)
		}
	}
	for _, d := range defs {
		n, desc := commandIDs([]string{d.Name})
		nd := node{where: d.Name, nameID: n, descID: desc, name: d.Name, desc: d.Description, siblingsOfSameKind: "commands"}
		if d.NameLocalizations != nil {
			nd.names = *d.NameLocalizations
		}
		if d.DescriptionLocalizations != nil {
			nd.descs = *d.DescriptionLocalizations
		}
		if d.Type == discordgo.MessageApplicationCommand {
			nd.descID = ""
		}
		out = append(out, nd)
		walk([]string{d.Name}, d.Options)
	}
	return out
}

// allDefinitions are the commands with moderation (/kb) included.
func allDefinitions() []*discordgo.ApplicationCommand {
	return NewService(Fixed{}, Options{Moderation: NewModeration(ModerationConfig{})}).Definitions()
}

// TestDefinitions_Localized checks that every command, option and choice is
// registered with a name and description in every language that has a
// message file, that the English message ids say what the definitions say
// (so translators translate what members see), and that localized names stay
// unique among their siblings.
func TestDefinitions_Localized(t *testing.T) {
	words := i18n.MustLoad()
	defs := allDefinitions()
	all := nodes(defs)
	if len(all) < 40 {
		t.Fatalf("only %d names in the commands", len(all))
	}
	unique := map[string]string{}
	for _, n := range all {
		for _, lang := range words.Loaded() {
			if lang == i18n.English {
				continue
			}
			loc := discordgo.Locale(lang)
			if n.names[loc] == "" {
				t.Errorf("%s: no %s name", n.where, lang)
			}
			if n.descID != "" && n.descs[loc] == "" {
				t.Errorf("%s: no %s description", n.where, lang)
			}
			k := fmt.Sprint(lang, n.siblingsOfSameKind, n.names[loc])
			if other, dup := unique[k]; dup && n.names[loc] != "" {
				t.Errorf("%s and %s share the %s name %q", n.where, other, lang, n.names[loc])
			}
			unique[k] = n.where
		}
	}
	uk := discordgo.Locale("uk")
	for _, d := range defs {
		if d.Name == "ask" && (d.NameLocalizations == nil || (*d.NameLocalizations)[uk] != "запитати") {
			t.Errorf("/ask has no Ukrainian name: %v", d.NameLocalizations)
		}
	}
}

// TestDefinitions_EnglishMessagesMatch checks that the English message of
// each command, option and choice id is the definition's own text.
func TestDefinitions_EnglishMessagesMatch(t *testing.T) {
	words := i18n.MustLoad()
	en := words.For(i18n.English)
	var walk func(path []string, opts []*discordgo.ApplicationCommandOption)
	check := func(where, id, want string) {
		if got := en.T(id); got != want {
			t.Errorf("%s: English message %s is %q, the definition says %q", where, id, got, want)
		}
	}
	walk = func(path []string, opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			p := append(append([]string{}, path...), o.Name)
			key := optionKey(words, p)
			n, d := commandIDs(key)
			check(fmt.Sprint(p), n, o.Name)
			check(fmt.Sprint(p), d, o.Description)
			for _, ch := range o.Choices {
				id, _ := commandIDs(append(append([]string{}, key...), "choice", fmt.Sprint(ch.Value)))
				check(fmt.Sprint(p, ch.Value), id, ch.Name)
			}
			walk(p, o.Options)
		}
	}
	for _, d := range allDefinitions() {
		n, desc := commandIDs([]string{d.Name})
		check(d.Name, n, d.Name)
		if d.Type != discordgo.MessageApplicationCommand {
			check(d.Name, desc, d.Description)
		}
		walk([]string{d.Name}, d.Options)
	}
}
