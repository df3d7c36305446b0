package commands

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

const reutersHTML = `<html><head><title>x</title><script>var quote = "Moscow will invade";</script></head>
<body><h1>Talks end without a breakthrough</h1>
<p>Deputy Foreign Minister Sergei Ryabkov said Moscow had <em>no plans</em> to attack Ukraine.</p></body></html>`

// attach adds the attachment Discord resolved for the "file" option.
func attach(name, contentType, url string, size int) func(*discordgo.Interaction) {
	return func(i *discordgo.Interaction) {
		d := i.Data.(discordgo.ApplicationCommandInteractionData)
		d.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{
			"900": {ID: "900", Filename: name, ContentType: contentType, URL: url, Size: size}}}
		i.Data = d
	}
}

func sourceAdd(title string) func(*discordgo.Interaction) {
	str := discordgo.ApplicationCommandOptionString
	return kbCmd("source add", opt("file", discordgo.ApplicationCommandOptionAttachment, "900"), opt("title", str, title),
		opt("outlet", str, "Reuters"), opt("url", str, "https://www.reuters.com/world/talks"), opt("published", str, "2022-01-10"))
}

func TestModeration_Sources(t *testing.T) {
	f := newModFixture(t, 0)
	owner := as(guildA, "500000000000000001", manage)
	const url = "https://cdn.discordapp.com/attachments/1/2/reuters.html"
	f.sender.files[url] = []byte(reutersHTML)
	f.do(t, owner, kbCmd("auditchannel", opt("channel", discordgo.ApplicationCommandOptionChannel, auditChan)), resolveChannel(auditChan, guildA))

	got := text(f.do(t, owner, sourceAdd("Talks end without a breakthrough"), attach("reuters.html", "text/html", url, len(reutersHTML))))
	const id = "talks-end-without-a-breakthrough"
	if !strings.Contains(got, "Added the source `"+id+"`") {
		t.Fatalf("add: %q", got)
	}
	src, ok := f.lib.Index(guildA).KB().Source(id)
	if !ok || strings.Contains(src.Text, "invade") || !strings.Contains(src.Text, "Moscow had no plans to attack Ukraine.") {
		t.Fatalf("stored text %q", src.Text)
	}
	if posts := f.sender.posted(auditChan); !strings.Contains(posts[len(posts)-1], "added the source `"+id+"`") {
		t.Fatalf("audit channel heard %q", posts)
	}

	save := func(quote string) string {
		return text(f.do(t, owner, modal("/kbsave/"+guildA+"/new/0", map[string]string{fieldQuestion: "What did Ryabkov say after the talks ended?",
			fieldAnswer: "Ryabkov said Moscow had no plans to.", fieldQuote: quote, fieldSource: id})))
	}
	if got := save("Moscow had plans to attack Ukraine"); !strings.Contains(got, "Nothing was saved") || !strings.Contains(got, "closest passage") {
		t.Fatalf("forged quote: %q", got)
	}
	if got := save("Moscow had no plans to attack Ukraine"); !strings.Contains(got, "Saved `what-did-ryabkov-say-after-the-talks-ended`") {
		t.Fatalf("verbatim quote: %q", got)
	}

	r := f.do(t, owner, func(i *discordgo.Interaction) {
		i.Data = discordgo.ApplicationCommandInteractionData{ID: "805", Name: "source"}
	})
	var listed bool
	for _, e := range r.Data.Embeds {
		if e.Footer != nil && e.Footer.Text == "source id: "+id && e.Fields[2].Value == fmt.Sprintf("1 of %d entries", f.lib.Index(guildA).Len()) {
			listed = true
		}
	}
	if !listed {
		t.Fatalf("/source does not list the new source with its count: %+v", r.Data.Embeds)
	}

	idOpt := opt("source", discordgo.ApplicationCommandOptionString, id)
	if got := text(f.do(t, owner, kbCmd("source remove", idOpt))); !strings.Contains(got, "was not removed") || !strings.Contains(got, "what-did-ryabkov-say-after-the-talks-ended") {
		t.Fatalf("removing a cited source: %q", got)
	}
	if got := text(f.do(t, owner, kbCmd("source history", idOpt))); !strings.Contains(got, "**v1** · add") {
		t.Fatalf("history: %q", got)
	}

	t.Run("Refused", func(t *testing.T) {
		for name, tc := range map[string]struct {
			edits []func(*discordgo.Interaction)
			want  string
		}{
			"PDF":           {[]func(*discordgo.Interaction){sourceAdd("A"), attach("a.pdf", "application/pdf", url, 10)}, "none of these"},
			"TooBig":        {[]func(*discordgo.Interaction){sourceAdd("A"), attach("a.txt", "text/plain", url, 2<<20)}, "the limit is 1048576"},
			"NoFile":        {[]func(*discordgo.Interaction){sourceAdd("A")}, "Attach the article"},
			"NotDownloaded": {[]func(*discordgo.Interaction){sourceAdd("A"), attach("a.txt", "text/plain", url+"x", 10)}, "couldn't download"},
			"BadDate":       {[]func(*discordgo.Interaction){sourceAdd("A"), attach("a.html", "", url, 10), kbCmdOpt("published", "yesterday")}, "\"yesterday\" is not a date"},
			"GlobalSource":  {[]func(*discordgo.Interaction){kbCmd("source remove", opt("source", discordgo.ApplicationCommandOptionString, "hngn-2022-01-10"))}, "only be changed by the bot's operators"},
		} {
			if got := text(f.do(t, append([]func(*discordgo.Interaction){owner}, tc.edits...)...)); !strings.Contains(got, tc.want) {
				t.Errorf("%s: %q, want %q", name, got, tc.want)
			}
		}
		plainMember := as(guildA, "500000000000000009", plain)
		if got := text(f.do(t, plainMember, sourceAdd("B"), attach("b.txt", "text/plain", url, 10))); !strings.Contains(got, "Only moderators") {
			t.Errorf("a member added a source: %q", got)
		}
		if got := text(f.do(t, owner, sourceAdd("B"), attach("b.txt", "text/plain", url, 10), kbCmdOpt("scope", "global"))); !strings.Contains(got, "Only the bot's operators") {
			t.Errorf("a server manager added a global source: %q", got)
		}
	})

	t.Run("Autocomplete", func(t *testing.T) {
		rec := &recorder{}
		f.router.HandleInteraction(t.Context(), rec, payload(t, "slash_ask", all(owner, kbCmd("source remove", &discordgo.ApplicationCommandInteractionDataOption{
			Name: "source", Type: discordgo.ApplicationCommandOptionString, Value: "talks", Focused: true}), func(i *discordgo.Interaction) {
			i.Type = discordgo.InteractionApplicationCommandAutocomplete
		})))
		if len(rec.responses) != 1 || len(rec.responses[0].Data.Choices) != 1 || rec.responses[0].Data.Choices[0].Value != id {
			t.Fatalf("choices %+v", rec.responses)
		}
		// The shipped article is not the server's to remove: not suggested.
		rec = &recorder{}
		f.router.HandleInteraction(t.Context(), rec, payload(t, "slash_ask", all(owner, kbCmd("source remove", &discordgo.ApplicationCommandInteractionDataOption{
			Name: "source", Type: discordgo.ApplicationCommandOptionString, Value: "hngn", Focused: true}), func(i *discordgo.Interaction) {
			i.Type = discordgo.InteractionApplicationCommandAutocomplete
		})))
		if len(rec.responses) != 1 || len(rec.responses[0].Data.Choices) != 0 {
			t.Fatalf("choices for the shipped article %+v", rec.responses[0].Data.Choices)
		}
	})
}

// kbCmdOpt sets (or adds) one string option of the /kb subcommand.
func kbCmdOpt(name, value string) func(*discordgo.Interaction) {
	return func(i *discordgo.Interaction) {
		d := i.Data.(discordgo.ApplicationCommandInteractionData)
		leaf := d.Options[0]
		for leaf.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
			leaf = leaf.Options[0]
		}
		for _, o := range leaf.Options {
			if o.Name == name {
				o.Value = value
				return
			}
		}
		leaf.Options = append(leaf.Options, opt(name, discordgo.ApplicationCommandOptionString, value))
	}
}
