package kb_test

import (
	"testing"

	"crisisbot/kb"
)

// TestIndex_ChatQuestions checks questions as people type them in a chat:
// an alternative ("A or B") needs only one of A and B to be said, filler and
// abbreviations are read as what they mean, and "according to" names a
// speaker, not an agreement. The phrasings are this test's own, not any
// evaluation set's.
func TestIndex_ChatQuestions(t *testing.T) {
	ix := defaultIndex(t)
	for _, c := range []struct{ question, want string }{
		// Alternatives: the entry says one of them.
		{"is the photo from november or december", "photo-date"},
		{"was it ap or getty that took the photo", "photo-credit"},
		{"is peskov the spokesman or the president", "who-is-peskov"},
		{"did the talks begin sunday or monday", "talks-start"},
		// Filler and chat abbreviations.
		{"sorry guys, who is the woman in the sherman photo", "photo-caption"},
		// A tie broken by the question as written: "in the photo", not "took".
		{"who is shown in the photo", "photo-caption"},
		{"who's the man in the photo", "photo-caption"},
		// A tie broken by the kind asked: a place, not who takes part.
		{"in what city are the talks", "talks-location"},
		{"where r the us russia talks held", "talks-location"},
		// "According to" names who said it; "who said…" asks whose claim.
		{"what did the kremlin say according to peskov", "peskov-no-threat"},
		{"who said the situation around ukraine must be de-escalated", "sherman-deescalation-condition"},
		// Idioms: "trying to" asks a goal, "what's the deal with", "… again".
		{"what is the kremlin trying to achieve", "putin-leverage"},
		{"whats the deal with the guard act", "guard-act"},
		{"what's the headline of this article", "about-article"},
		{"what is sherman's job again", "who-is-sherman"},
		// A tie broken by what the entries say: the build-up raises concerns.
		{"why is there concern about the troop build-up", "invasion-fears"},
		// The other side's slang; a general synonym (solve/resolve).
		{"how many russkies are near ukraine", "russian-troop-numbers"},
		{"which conflict is moscow helping kyiv to solve", "donbass-minsk"},
		// "After" is said by a source sentence relating events in time.
		{"which outlet reported talks got stifled after the election interference", "time-report"},
		// "acc to" is "according to"; "which X, A or B" is answered by naming A.
		{"acc to sherman what must be de-escalated", "sherman-deescalation-condition"},
		{"which administration wants to talk about missiles, biden or trump", "us-offer-exercises-missiles"},
		// "End the war" is resolving it; "according to which official" asks who said it.
		{"is moscow helping to end the donbass war", "donbass-minsk"},
		{"according to which official must the situation be de-escalated", "sherman-deescalation-condition"},
		// "Takes place" is an idiom; "which organization" asks to name one.
		{"which organization holds a summit on thursday", "osce-summit"},
		// "Which area of" asks a place.
		{"which area of ukraine would military action be disastrous in", "peskov-military-solution"},
		// Contractions typed without the apostrophe; "rule out" is one verb.
		{"peskov couldnt rule out what", "peskov-provocations"},
		// "Which one" and "this one" are pointers, not the number one.
		{"nato council or osce summit, which one is on thursday", "osce-summit"},
		// "Talk about" ending a which-question says what was mentioned.
		{"which region of ukraine was peskov talking about", "peskov-military-solution"},
		// A name after its title names the member: "President Vladimir Putin".
		{"which russian president agreed on the dialogue with biden", "strategic-stability-dialogue"},
		// What someone claimed will happen is what they said, not a prediction.
		{"did the west claim russia is going to invade", "invasion-allegations"},
		// "According to the headline": the page says it, not the actor
		// before "tell".
		{"according to the title, what is washington urging moscow to do", "about-article"},
		// "What happened to X after Y" is said by a sentence relating them in time.
		{"what happened to talks after the election meddling was discovered", "election-2016"},
		// "What time" is answered by a part of the day ("Sunday night")
		// when the question names no day itself.
		{"at what time do the negotiations start", "talks-start"},
		// Ranks listed as the options are no detail asked.
		{"which round of the strategic stability dialogue is this, second or third or fourth?", "ssd-meetings"},
		// What the headline says the US tells Moscow is the page's claim.
		{"in the headline what is the us telling moscow", "about-article"},
		// "Is <name> the secretary…?" is answered by what the person is.
		{"is wendy sherman the us secretary of state", "who-is-sherman"},
		// "What does X do for a living" asks X's job.
		{"what does wendy sherman do for a living", "who-is-sherman"},
		// "The header image" is the photo; listed ranks leave the rank to the entry.
		{"was the header photo taken by afp", "photo-credit"},
		{"which meeting of the dialogue is this week's (first second third?)", "ssd-meetings"},
		// "Open" as a verb of starting; "open to" is willing.
		{"what day do the negotiations open", "talks-start"},
		{"is washington open to limiting military drills", "us-offer-exercises-missiles"},
		// "What's the date of X" asks a date; a month answers it.
		{"what's the date of the uruguay photo", "photo-date"},
		// "wats" is "whats"; "first name" asks a name, no rank; a trip is a visit;
		// an alternative whose term an earlier word gave is still one.
		{"wats peskovs first name", "who-is-peskov"},
		{"was sherman's montevideo trip official", "sherman-montevideo-visit"},
		{"is the image from afp images or ap", "photo-credit"},
		// "A success" is judged by an outcome.
		{"were the negotiations successful", "talks-outcome"},
		// "like a rally or smth": a guess, not a topic the source lacks.
		{"who took the photo, like reuters or something", "photo-credit"},
		// "Came out" is became known, unless it is "came out of"; "seeking" is a goal.
		{"what happened to the talks when the kremlin's election meddling came out", "election-2016"},
		{"what is putin seeking from the united states", "putin-leverage"},
		// "War" is no proper name although the source writes "the Cold War".
		{"russia ukraine 2014 war", "putin-georgia-ukraine-history"},
		// A link's headline answers what it says.
		{"how strong was the quake in western china", "earthquake-link"},
		{"does the article mention kazakhstan", "kazakhstan-link"},
		// "Whose X" asks an owner of any kind: a city, a country, a person.
		{"whose defense would the republican bill strengthen", "guard-act"},
		// "Where in X" is answered by a finer place within X.
		{"where in ukraine would military action be disastrous", "peskov-military-solution"},
		{"where did the quake in the read also story strike", "earthquake-link"}, // strike, shake,
		// "Which X": the entry that names a member answers, though another
		// mentions the rest more.
		{"which war in ukraine is mentioned", "donbass-minsk"},
		// Review cases: "come out" as a result, a weekday offered as a guess,
		// "where in Europe" answered by the city.
		{"how did the talks come out", "talks-outcome"},
		{"which day is the osce summit, wednesday or thursday", "osce-summit"},
		{"where in europe are the talks held", "talks-location"},
		// "What is the aim of…" asks a reason, whatever else the question names.
		{"what's the objective of the us-russia talks on sunday", "talks-goal"},
		// Travel verbs are filler like "go"; "tru" is "true".
		{"is it tru sherman travelled to brussels to brief nato", "sherman-brussels"},
		// "allege"/"accuse" are speech verbs, and "also" may stand between
		// the speaker and the verb; "consider" is filler like "think".
		{"did the west also accuse russia of planning an invasion", "invasion-allegations"},
		{"does the kremlin consider russia a threat to anyone", "peskov-no-threat"},
		// "yr" is "year".
		{"which yr did putin attack georgia", "putin-georgia-ukraine-history"},
		// Chat intensifiers and "are you sure" are no topic.
		{"who the heck is dmitry peskov", "who-is-peskov"},
		{"wtf is the guard act", "guard-act"},
		{"r u sure putin attacked georgia in 2008", "putin-georgia-ukraine-history"},
		// …while one whose attribution ends with the name answers.
		{"what did peskov himself say about russia being a threat", "peskov-no-threat"},
		// An irregular verb form is its verb (WordNet's verb.exc): "told" is "tell".
		{"what has the us told moscow, according to the title", "about-article"},
		{"when were the talks begun", "talks-start"},
		// In a where- or when-question "happen/occur" only says the event takes
		// place; a round of talks is a meeting.
		{"where did sherman's press conference occur", "photo-place"},
		{"who is this week's round of talks between", "talks-participants"},
		// "wot" is "what"; "several" and "getting" are no topic; "calm down"
		// is de-escalate and NATO is "the alliance" (the lexicon's data).
		{"wot is the guard act", "guard-act"},
		{"is the dialogue meeting several times this week", "ssd-meetings"},
		{"does the us want things around ukraine to calm down", "sherman-deescalation-condition"},
		{"where does sherman brief the alliance", "sherman-brussels"},
		// A question that names the link asks what its headline says, of any
		// kind; "talk about" ends a what-kind question too; "in common" is
		// filler; "source for X" asks for the outlet, whoever said X.
		{"according to the related article, who is blamed for the kazakhstan crisis", "kazakhstan-link"},
		{"what area of ukraine did peskov talk about", "peskov-military-solution"},
		{"what do washington and moscow have in common in nuclear weapons", "nuclear-arsenals"},
		{"source for what the kremlin spokesman said about donbass?", "tass-report"},
		// A figure checked in a yes-or-no question is answered by the entry's
		// own figure for the thing counted ("no: more than 70,000").
		{"did russia mass 50000 troops on the ukrainian border", "russian-troop-numbers"},
		{"are 100k us troops in europe", "us-troops-in-europe"},
		// A day, month or year checked in a yes-or-no question (or a tag
		// question) is answered by the entry's own ("no: Thursday").
		{"is the nato-russia council meeting on a friday", "nato-russia-council"},
		{"did putin invade georgia in 2009?", "putin-georgia-ukraine-history"},
		{"was the photo taken in october 2021?", "photo-date"},
		{"the nato-russia council meets on friday, right?", "nato-russia-council"},
		// A polite request wraps the question asked inside it; "serve as" is "be".
		{"would you please tell me which person serves as the kremlin's spokesperson", "who-is-peskov"},
		{"hi, do you know which city the talks are in", "talks-location"},
		// "In common" before the topic asked is no detail of its own.
		{"what have washington and moscow got in common when it comes to nukes", "nuclear-arsenals"},
		// Options listed with commas, after a colon or before "or", are
		// alternatives; a chain goes on past an unknown one ("Tuesday").
		{"which of these outlets does the article quote: reuters, time, cnn", "cited-outlets"},
		{"which day is the osce summit: monday, tuesday or thursday", "osce-summit"},
		// A rank checked ("the fourth time"), and a month checked that
		// another entry says (July), are answered by the entry's own.
		{"is this the fourth time the strategic stability dialogue meets?", "ssd-meetings"},
		{"did biden and putin set up the dialogue in july?", "strategic-stability-dialogue"},
		// A tag is no topic; figures with thousands separators are options.
		{"the talks start sunday night yeah", "talks-start"},
		{"the guard act was put forward by republicans, correct?", "guard-act-sponsors"},
		{"how many us soldiers are stationed in europe: 50,000, 70,000 or 100,000?", "us-troops-in-europe"},
		// Short names of weekdays and months; a dash before options is a colon.
		{"is the nato council on wed", "nato-russia-council"},
		{"which day is the summit of the osce - tue, wed or thu", "osce-summit"},
		// "Spox" is chat for spokesperson.
		{"who's the spox for the kremlin", "who-is-peskov"},
		// "Prez" is chat for president, like "pres".
		{"whos the uruguay prez", "luis-lacalle"},
		// "Talk about" ending a which-question, before the options offered.
		{"which area of ukraine did peskov talk about, the north or the south", "peskov-military-solution"},
		// "Should" said by someone is a claim, not advice asked for.
		{"did sherman say that russia should de-escalate", "sherman-deescalation-condition"},
		{"should russia de-escalate according to sherman", "sherman-deescalation-condition"},
		// The building's entry quotes the city it is in.
		{"which city is the uruguayan government's headquarters in", "torre-ejecutiva"},
	} {
		wantAnswer(t, ix, c.question, c.want)
	}
	for _, q := range []string{
		// "Or not" offers no alternative; an unknown word still counts.
		"did the guard act pass or not",
		"is the secretary of defense sherman or blinken",
		// Diplomats are not talks (Porter2 stems "diplomatic" and "diplomats" alike).
		"how many russian diplomats went to geneva",
		// "What's in X" asks what X holds; "what's the name of" asks a name;
		// "which US intelligence agency" asks for one, three words on.
		"what's in the normandy four arrangement",
		"what's the name of the tass reporter",
		"which US news agency reported the provocations",
		// The hour, asked with the day or "exactly", is not in the article.
		"what time exactly do the negotiations start",
		"what time on sunday night do the negotiations start",
		// A judgement the article does not make; a total it does not give.
		"is russia right to demand security guarantees",
		"how many soldiers does russia have overall",
		// The secretary of state is not the deputy.
		"is the secretary of state going to brussels",
		"is",
		// "Exactly" asks the manner or the words in detail.
		"how exactly did putin use the build-up as leverage",
		"what did tass report peskov said exactly",
		// A date asked with its weekday given needs a month; an earlier post
		// needs an entry that says it was earlier; "actually" is "exactly".
		"what's the date of wednesday's nato council",
		"what post did peskov hold before kremlin spokesman",
		"how did putin actually use the build-up as leverage",
		// An outcome the entry does not give.
		"was sherman's visit to montevideo a success",
		// A year naming another event is no date checked.
		"did the us meddle in the 2012 election",
		// Advice the article does not give ("should X…?", "what should X do").
		"should the americans pull their troops out of europe",
		"should the us keep 70000 troops in europe",
		"what should biden do about putin",
		// "When" opening a clause asks no date; "who's right" asks a judgement.
		"where was putin when he agreed on the dialogue with biden in june",
		"who is right about the invasion claims, peskov or kyiv",
		// …and declined when the entry names no finer place than X.
		"where in western china did the quake hit exactly",
		// An actor between "which" and the kind noun says which ones: the
		// NATO countries the troops are in are not named.
		"which nato countries are the american soldiers stationed in",
		// What a question was: the caption only says she listens to one.
		"what was the question sherman was listening to in the picture",
		// A prefix makes another word, not a typo: "represented" is not "presented".
		"who represented the alliance when sherman briefed it in brussels",
		// "Reply" asks what the one named said: Russia's reply to the US is not given.
		"what did russia reply to the us demand to de-escalate",
		"what was russia's reply to the us demand to de-escalate",
		// …but not another side's: the source counts no Ukrainian troops.
		"are 50000 ukrainian troops at the border",
		// A whole force is counted, not some of its troops somewhere.
		"how many troops are in russia's army",
		// A speaker asked for in person is not an office named after them.
		"what did biden personally say about the talks",
		// A person named by their post is a speaker: the caption names
		// the Uruguayan president but quotes nothing he said.
		"What did the Uruguayan president say?",
		"what did uruguay's president tell wendy sherman",
		// The summit's sentence relates nothing in time.
		"what happened after the osce summit",
		// Still a prediction when nobody in the question says it.
		"is russia going to invade ukraine this week",
		// "United States" names no military unit.
		"which american units are stationed in europe",
	} {
		wantDeclined(t, ix, q)
	}
}

// TestIndex_Predictions checks questions about what will happen, and other
// details: only an entry whose source sentence says what will or is to
// happen answers them (one that gives the day, for "what day in November");
// otherwise the closest fact comes as a partial answer, never as an answer.
func TestIndex_Predictions(t *testing.T) {
	ix := defaultIndex(t)
	for _, c := range []struct{ question, want string }{
		{"will sherman brief nato allies after geneva", "sherman-brussels"},
		{"will the us talk about its 70,000 troops in europe", "us-troops-in-europe"},
		{"are the us and russia gonna keep talking", "talks-outcome"},
		{"what day in november was the sherman photo taken", "photo-date"},
	} {
		wantAnswer(t, ix, c.question, c.want)
	}
	for _, q := range []string{
		"is a war between russia and ukraine coming",
		"will moscow attack ukraine",
		"is russia about to invade",
		// A class the source never names, a detail it never gives.
		"which congressman presented the guard act",
		"who sponsored the guard act",
		"when in september did the ssd meet",
		"since when is peskov the kremlin spokesman",
		// The bot's opinion; a party the entry never names.
		"do you think the geneva talks will succeed",
		"what party is lacalle from",
		// "What is X" needs an entry about X, not one that mentions it.
		"what is nato",
	} {
		res := wantDeclined(t, ix, q)
		if !res.Answered && res.Related == nil || res.Reason == "" {
			t.Errorf("%q: declined without a related fact", q)
		}
	}
}

// TestIndex_GeneralAdjectives checks the WordNet table: an adjective or
// adverb the source lacks does not sink a question about what it covers,
// unless it is what a yes-or-no question asks.
func TestIndex_GeneralAdjectives(t *testing.T) {
	ix := defaultIndex(t)
	wantAnswer(t, ix, "how significant is the russian buildup according to analysts", "largest-buildup-since-cold-war")
	for _, q := range []string{"is the guard act bipartisan", "how many ukrainian refugees are there"} {
		wantDeclined(t, ix, q)
	}
}

// wantAnswer checks that question is answered with the entry want.
func wantAnswer(t *testing.T, ix *kb.Index, question, want string) {
	t.Helper()
	res, err := ix.Ask(question)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Answered || res.Entry.ID != want {
		id := "(declined)"
		if res.Entry != nil {
			id = res.Entry.ID
		}
		t.Errorf("%q: got %s, want %s", question, id, want)
	}
}

// wantDeclined checks that question is not answered, and returns the result.
func wantDeclined(t *testing.T, ix *kb.Index, question string) kb.Result {
	t.Helper()
	res, err := ix.Ask(question)
	if err != nil {
		t.Fatal(err)
	}
	if res.Answered {
		t.Errorf("%q: answered with %s, want declined", question, res.Entry.ID)
	}
	return res
}
