package commands

import (
	"testing"

	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// BenchmarkAnswerReply renders the shipped knowledge base's first answer
// (two quotes) in English and in Ukrainian: what the bot's own words cost
// per answer.
func BenchmarkAnswerReply(b *testing.B) {
	k, err := kb.Default()
	if err != nil {
		b.Fatal(err)
	}
	words := i18n.MustLoad()
	e := &k.Entries[0]
	for _, lang := range []string{"en", "uk"} {
		l := words.For(lang)
		b.Run(lang, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if rep := answerReply(l, k, e, "how many troops?"); len(rep.Embeds) != 1 {
					b.Fatal("no embed")
				}
			}
		})
	}
}
