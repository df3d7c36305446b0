package kb

import (
	"slices"
	"testing"
)

func TestQuestionKind(t *testing.T) {
	for _, c := range []struct {
		q    string
		want kindSet
		used []string
	}{
		{"who is peskov", kindPerson | kindSource, nil},
		{"when do the talks start", kindDate, nil},
		{"which city hosts the talks", kindPlace, []string{"city"}},
		{"which political party is behind the guard act", kindPerson, []string{"party", "political"}},
		{"what did time report", 0, nil},
		{"what time do the talks start", kindDate, []string{"time"}},
		{"how many troops", kindNumber, nil},
		{"what does osce stand for", kindName, nil},
		{"what was the summit convened for", kindReason, nil},
		{"is russia going to invade", 0, nil},
		{"talks start date", kindDate, []string{"date"}},
		{"photographer name", kindPerson | kindName, []string{"name"}},
		{"contents of the draft treaties", kindDefine, []string{"contents"}},
		{"what would the bill do", kindDefine, nil},
		{"who is the journalist who wrote it", kindPerson, nil},
		{"what sparked the protests", kindReason, nil},
		{"biggest since when", 0, []string{"when"}},
	} {
		got, used := questionKind(splitWords(c.q))
		var u []string
		for w := range used {
			u = append(u, w)
		}
		slices.Sort(u)
		if got != c.want || !slices.Equal(u, c.used) {
			t.Errorf("questionKind(%q) = %b %v, want %b %v", c.q, got, u, c.want, c.used)
		}
	}
}

func TestActorPairs(t *testing.T) {
	v := (&Lexicon{
		Synonyms: []SynonymGroup{{Term: "troop", Words: []string{"troops", "soldiers", "army"}}, {Term: "russia", Words: []string{"russian"}}, {Term: "ukraine", Words: []string{"ukrainian"}}},
		Actors:   []string{"russia", "ukraine"},
	}).compiled()
	for _, c := range []struct {
		s    string
		want []string
	}{
		{"How many Ukrainian soldiers are at the border?", []string{"ukraine troop"}},
		{"how big is ukraine's army", []string{"ukraine troop"}},
		{"How many troops does Ukraine have?", []string{"ukraine troop"}},
		{"Russian troops near the Ukrainian border", []string{"russia troop", "ukraine border"}},
		{"troops from Russia", nil},
		{"number of Russian troops", []string{"russia troop"}},
		{"the troops of Russia", []string{"russia troop"}},
		{"Is Russia going to invade?", nil},
	} {
		var got []string
		v.actorPairs(splitWords(c.s), v.canonical, func(actor, noun, _ string) { got = append(got, actor+" "+noun) })
		if !slices.Equal(got, c.want) {
			t.Errorf("actorPairs(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// TestAnalyze_Filler: chat intensifiers and "so far" carry no topic; "far"
// alone still does ("how far is Geneva").
func TestAnalyze_Filler(t *testing.T) {
	v := (&Lexicon{}).compiled()
	for _, c := range []struct {
		s    string
		want []string
	}{
		{"who tf is peskov", []string{"who", "peskov"}},
		{"what the heck is the guard act", []string{"guard", "act"}},
		{"how many meetings so far", []string{"howmany", "meet"}},
		{"how many meetings thus far this week", []string{"howmany", "meet", "week"}},
		{"how far is geneva", []string{"far", "geneva"}},
	} {
		var got []string
		for _, tm := range v.analyze(c.s, v.canonical) {
			got = append(got, tm.text)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("analyze(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}
