package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// inLocale sets an interaction's member locale and server locale ("" drops
// the server's, as in DMs).
func inLocale(locale, guildLocale string, more ...func(map[string]any)) func(map[string]any) {
	return func(m map[string]any) {
		m["locale"] = locale
		if guildLocale == "" {
			delete(m, "guild_locale")
		} else {
			m["guild_locale"] = guildLocale
		}
		for _, f := range more {
			f(m)
		}
	}
}

// missing returns the wanted texts missing from a reply's JSON.
func missing(t *testing.T, d map[string]any, want ...string) []string {
	t.Helper()
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, w := range want {
		if !strings.Contains(string(raw), w) {
			out = append(out, w)
		}
	}
	return out
}

// TestE2E_Languages: a member whose Discord is in Ukrainian gets the bot's
// own words in Ukrainian, end to end through the fake Discord, while the
// entry and its quotes stay verbatim in English and say so.
func TestE2E_Languages(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	t.Run("AnswerInUkrainian", func(t *testing.T) {
		d := data(t, h.interact(t, "slash_ask", inLocale("uk", "en-US")))
		if got := embedTitle(t, d); got != "How many Russian troops are near the Ukrainian border?" {
			t.Errorf("title %q: the entry's own words should stay as written", got)
		}
		if m := missing(t, d, "Станом на 10 січня 2022 · запис ", "Джерела (цитати англійською мовою з HNGN",
			"more than 100,000 soldiers", "Корисно", "Не корисно", "Чия заява"); len(m) > 0 {
			t.Errorf("the Ukrainian answer lacks %q: %v", m, d)
		}
		if m := missing(t, d, "As reported on", "Helpful"); len(m) != 2 {
			t.Errorf("English words in a Ukrainian answer: %v", d)
		}
	})
	t.Run("ServerLocaleWhenMemberUnsupported", func(t *testing.T) {
		d := data(t, h.interact(t, "slash_ask", inLocale("pt-BR", "uk")))
		if m := missing(t, d, "Станом на 10 січня 2022"); len(m) > 0 {
			t.Errorf("not in the server's Ukrainian: %v", d)
		}
	})
	t.Run("EnglishOtherwise", func(t *testing.T) {
		d := data(t, h.interact(t, "slash_ask", inLocale("pt-BR", "")))
		if m := missing(t, d, "As reported on 10 January 2022", `"Sources"`); len(m) > 0 {
			t.Errorf("not in English: lacks %q", m)
		}
	})
	for _, c := range []struct {
		name, question, title string
		want                  []string
	}{
		// A Ukrainian question the matcher is not sure of: declined in
		// Ukrainian, with the entry its names point to offered.
		{"UkrainianQuestionDeclinedWithSuggestions", "хто такий Пєсков", "У мене немає відповіді з джерелом на це",
			[]string{"Ви запитали: хто такий Пєсков", "Найближчі теми", "/pick/who-is-peskov/", "`/теми`"}},
		{"PartialInUkrainian", "Did the GUARD Act become law?", "Цього немає в джерелі",
			[]string{"Стаття не відповідає саме на це запитання.", "Що стаття все ж каже", "Не відповідь на ваше запитання"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := data(t, h.interact(t, "slash_ask", inLocale("uk", "uk", setQuestion(c.question))))
			if got := embedTitle(t, d); got != c.title {
				t.Fatalf("title %q", got)
			}
			if m := missing(t, d, c.want...); len(m) > 0 {
				t.Errorf("the reply lacks %q: %v", m, d)
			}
			if m := missing(t, d, "`/topics`"); len(m) == 0 {
				t.Errorf("a Ukrainian reply names /topics by its English name: %v", d)
			}
		})
	}
	t.Run("OpenedEntryInUkrainian", func(t *testing.T) {
		d := data(t, h.interact(t, "button_open", inLocale("uk", "uk")))
		if m := missing(t, d, "Корисно", "Станом на"); len(m) > 0 {
			t.Errorf("the opened entry lacks %q: %v", m, d)
		}
	})
	t.Run("BotWordsInUkrainian", func(t *testing.T) {
		d := data(t, h.interact(t, "button_open", inLocale("uk", "uk", func(m map[string]any) {
			m["data"].(map[string]any)["custom_id"] = "/retired/button"
		})))
		if got, _ := d["content"].(string); !strings.Contains(got, "Я більше не знаю цієї команди чи кнопки") {
			t.Errorf("unknown button in uk: %q", got)
		}
	})
	t.Run("ModeratorFormInUkrainian", func(t *testing.T) {
		// A manager (Manage Server) opens the add form, then a member without
		// the permission is refused, both in Ukrainian.
		body := h.interact(t, "slash_ask", inLocale("uk", "uk", asMember(guildA, modA, "32"), kbCommand("add")))
		if body["type"] != float64(9) {
			t.Fatalf("callback type %v, want a form", body["type"])
		}
		if m := missing(t, data(t, body), "Додати відповідь", "Цитата, дослівно з джерела"); len(m) > 0 {
			t.Errorf("the form lacks %q: %v", m, body)
		}
		d := data(t, h.interact(t, "slash_ask", inLocale("uk", "uk", asMember(guildA, "500000000000000099", "0"), kbCommand("add"))))
		if got, _ := d["content"].(string); !strings.HasPrefix(got, "Лише модератори можуть змінювати відповіді") {
			t.Errorf("refusal %q", got)
		}
	})
	t.Run("MentionInUkrainianServer", func(t *testing.T) {
		const guild = "300000000000000077"
		if err := fake.GuildCreateIn(guild, "uk"); err != nil {
			t.Fatal(err)
		}
		body := h.message(t, "message_mention", func(m map[string]any) { m["guild_id"] = guild })
		if m := missing(t, body, "Станом на", "Корисно"); len(m) > 0 {
			t.Errorf("a mention in a Ukrainian server answered in another language: %v", body)
		}
	})
}
