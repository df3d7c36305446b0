package bot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestRouter_Phrasebook: the router's own sentences come from its
// Phrasebook, asked with the member's and the server's locale (and the
// request id for an error); without one they are English.
func TestRouter_Phrasebook(t *testing.T) {
	say := func(p Phrase, locale, guild, ref string) string {
		if p == PhraseError && ref == "" {
			return "no ref"
		}
		return locale + "|" + guild + "|" + English(p, "", "", "")[:5]
	}
	uk := discordgo.Locale("uk")
	for _, tt := range []struct {
		name   string
		opts   []RouterOption
		id     string
		locale discordgo.Locale
		guild  *discordgo.Locale
		want   string
	}{
		{"Unknown", []RouterOption{WithPhrasebook(say)}, "/gone", "pt-BR", &uk, "pt-BR|uk|I don"},
		{"Error", []RouterOption{WithPhrasebook(say)}, "/fails", "uk", nil, "uk||Sorry"},
		{"EnglishByDefault", nil, "/gone", "uk", &uk, English(PhraseUnknownRoute, "", "", "")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRouter(quiet(), nil, tt.opts...)
			r.Component("/fails", func(context.Context, *Request) (*Reply, error) { return nil, errors.New("internal") }, Private)
			i := component(tt.id)
			i.Locale, i.GuildLocale = tt.locale, tt.guild
			rec := newRecorder()
			r.HandleInteraction(context.Background(), rec, i)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if len(rec.responses) != 1 || rec.responses[0].Data == nil {
				t.Fatalf("responses %+v", rec.responses)
			}
			if got := rec.responses[0].Data.Content; !strings.HasPrefix(got, tt.want) {
				t.Errorf("content %q, want it to start %q", got, tt.want)
			}
		})
	}
}
