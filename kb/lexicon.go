package kb

import (
	"fmt"
	"strings"
	"sync"
)

// Lexicon is a crisis's own vocabulary, kept in the knowledge-base file next
// to the entries it serves: the names, places and spellings of the crisis and
// its domain's synonyms. Another crisis is another file, not a code change.
// General English (stop words, question words, a few general synonyms) stays
// in code. A Lexicon is not modified after Parse returns it.
type Lexicon struct {
	// Synonyms fold words into one term: "soldiers" and "forces" into "troop",
	// "Kiev" into "kyiv". Stems of every word are folded too.
	Synonyms []SynonymGroup `json:"synonyms"`
	// Phrases are two-word spellings folded into one term before stop words
	// are removed ("united states" is "us", "build up" is "buildup").
	Phrases []Phrase `json:"phrases,omitempty"`
	// Actors are the terms for the countries, blocs and sides whose positions
	// the source reports: a question about one actor's troops is not answered
	// by an entry about another's.
	Actors []string `json:"actors,omitempty"`

	once  sync.Once
	vocab *vocab
}

// SynonymGroup is one term and the words that fold into it.
type SynonymGroup struct {
	Term  string   `json:"term"`
	Words []string `json:"words"`
}

// Phrase is a two-word spelling of one term.
type Phrase struct {
	Phrase string `json:"phrase"`
	Term   string `json:"term"`
}

// generalGroups are general English synonyms and question words, shared by
// every crisis. A lexicon's own groups take precedence over these.
var generalGroups = map[string][]string{
	"when":           {"when", "day", "days", "date", "dates", "year", "month"},
	"two":            {"2"},
	"three":          {"3"},
	"third":          {"3rd"},
	"fourth":         {"4th"},
	"administration": {"admin", "administrations", "team"},
	"arsenal":        {"arsenal", "arsenals", "stockpile", "stockpiles"},
	"communication":  {"communication", "communications", "comms", "contact", "contacts"},
	"remark":         {"remark", "remarks", "comment", "comments", "statement", "statements", "message", "messages"},
	"information":    {"information", "info"},
	"howmany":        {"count", "number", "numbers", "size", "figure", "figures", "strength", "headcount", "amount", "quantity", "estimate", "estimated"},
	"establish":      {"establish", "established", "create", "created", "founded", "founding", "founder", "formed", "setup"},
	"previous":       {"previous", "previously", "earlier", "prior", "before"},
	"who":            {"who", "role", "job", "title", "post", "position"},
	"start":          {"start", "starts", "started", "starting", "begin", "begins", "began", "beginning", "commence", "commences", "kick", "launch", "launches", "launched"},
	"biggest":        {"biggest", "largest", "greatest", "big", "large", "huge", "massive"},
	"goal":           {"goal", "goals", "aim", "aims", "aimed", "purpose", "objective", "objectives", "want", "wants", "wanted", "intent", "intention", "intentions", "seek", "seeks", "seeking", "sought", "point", "target", "targets", "targeting", "targeted", "achieve", "achieved", "hope", "hopes", "hoping"},
	"history":        {"history", "historical", "past"},
	"relation":       {"relation", "relations", "relationship", "ties"},
	"risk":           {"risk", "risks", "likely", "likelihood", "probable", "probably", "chance", "chances", "possibility", "possible", "concern", "concerns", "concerned", "fear", "fears", "feared", "worry", "worries", "worried", "afraid"},
	"willing":        {"willing", "ready", "prepared", "open", "offer", "offers", "offering", "offered", "concession", "concessions", "compromise"},
	"reduce":         {"reduce", "reduces", "reduced", "reducing", "reduction", "limit", "limits", "limiting", "restrict", "restrictions", "curb", "cut", "cuts", "scale"},
	"withdraw":       {"withdraw", "withdrawal", "withdraws", "withdrawn", "withdrew", "pullout", "retreat"},
	"prevent":        {"prevent", "prevents", "preventing", "prevented", "avoid", "avoiding", "avert", "averting", "stop", "stopping"},
	"publish":        {"publish", "published", "publishes", "publishing", "release", "released", "distribute", "distributed", "distributes", "distribution"},
	"succeed":        {"succeed", "succeeded", "success", "successful", "work", "works", "fail", "failed", "failure"},
	"continue":       {"continue", "continues", "continued", "keep", "keeps", "resume", "ongoing"},
	"discover":       {"discover", "discovered", "discovery", "find", "found", "uncover", "uncovered", "learn", "learned"},
	"cite":           {"cite", "cites", "cited", "citing", "quote", "quotes", "quoted", "quoting", "reference", "references", "referenced"},
	"near":           {"near", "nearby", "close", "along", "adjacent", "next"},
	"after":          {"after", "follow", "follows", "following", "followed", "afterwards", "later"},
	"take":           {"take", "taken", "took", "shot"},
	"schedule":       {"schedule", "scheduled", "calendar", "agenda", "timetable", "program", "programme"},
	"outcome":        {"outcome", "outcomes", "result", "results", "produce", "produced", "yield", "yielded"},
	"commit":         {"commit", "committed", "commitment", "commitments", "back", "backs", "backing", "support", "supports", "supported", "honour", "honor"},
	"present":        {"present", "presented", "presenting", "propose", "proposed", "proposal", "introduce", "introduced", "unveil", "unveiled", "table", "tabled", "file", "filed"},
	"leader":         {"leader", "leaders", "lead", "leads", "leading", "head", "heads", "run", "runs", "rule", "rules", "ruler"},
	"deny":           {"deny", "denies", "denied", "denial", "reject", "rejects", "rejected", "rejecting", "refute", "refuted", "dismiss", "dismissed"},
	"resolve":        {"resolve", "resolves", "resolved", "resolving", "resolution", "solve", "solves", "solved", "solving", "settle", "settles", "settled", "settling", "end", "ends", "ended", "ending", "fix", "fixes", "fixed", "fixing"},
	"shake":          {"shake", "shakes", "shook", "shaken", "hit", "hits", "strike", "strikes", "struck", "jolt", "jolted", "rock", "rocked"},
	"visit":          {"visit", "visits", "visited", "visiting", "trip", "trips", "tour", "tours"},
	"exclude":        {"exclude", "excludes", "excluded", "excluding"},
	"convene":        {"convene", "convened", "held", "hold", "holds", "host", "hosted", "hosting"},
}

// generalPhrases are general English two-word phrases.
var generalPhrases = map[string]string{
	"how many":   "howmany",
	"how much":   "howmany",
	"how big":    "howmany",
	"how often":  "howmany",
	"pull out":   "withdraw",
	"rule out":   "exclude", // "would not rule out provocations"
	"rules out":  "exclude",
	"ruled out":  "exclude",
	"break down": "stifle",
	"kick off":   "start",
	"trying to":  "goal", // "what is Putin trying to get"
	"try to":     "goal",
	"so far":     "", // filler: "how many meetings so far" asks no distance
	"thus far":   "",
	"tries to":   "goal",
	"tried to":   "goal",
	"came out":   "outcome", // "what came out of the council"
	"come out":   "outcome",
	"comes out":  "outcome",
}

// stopWords carry no topic: question words, function words and chat filler.
var stopWords = setOf(`a an the and or but if then than so as of in on at to for from by with about into onto
over under up down out off per via vs versus around between against
is are was were be been being am do does did doing done has have had having
what whats whom whose which how much
it its this that these those there here their they them he him his she her hers i me my mine you your we our
can could would should will shall may might must wont cant dont doesnt didnt isnt arent wasnt werent
wouldnt couldnt shouldnt hasnt havent hadnt aint
tell know please say said says saying explain describe mean means give get got let lets consider considers considered
exactly actually really currently now right just also still ever yet
anything something everything thing things stuff bit some any all each every both either neither only own same
very more most lot lots such other another further once latest recent recently update updates news
pls plz u ur heard hear like true guess wonder wondering curious person guy itself himself herself themselves yourself think thinks thought supposed expected meant going gonna wanna like many so make makes making made seem seems go goes went come comes came
rn atm tbh imo lol btw idk w even basically literally according sorry yo guys anybody somebody smth sth
tf wtf heck hell sure several regarding else
fly flies flew flying flown travel travels travelled traveled traveling travelling
woman women man men lady dude individual mention mentions mentioned besides ones paragraph paragraphs section passage sentence
look looks see use used uses using try tries trying tried people anyone someone everyone way yes no not nope hey hi hello thanks thank ok okay bot crisisbot side sides roughly approximately approx toward towards call called calls
s t re ve ll d m`)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// askWords ask for something specific about a topic: an outcome, a later
// event, a decision, what was discussed, an exact detail, a named day or
// month ("March" and "May" are verbs too, so they are not here). An entry that does not cover one cannot be the answer,
// however well it covers the rest ("Did the GUARD Act pass?").
var askWords = setOf(`happened discussed pass passed passes law laws vote voted votes
sign signed approve approved agree agreed agreement agreements outcome outcomes result results
after afterwards next later again future end ended ending decide decided decision conclude concluded become became
discuss discussing exact specific specifics precise detail details detailed
total overall entire whole altogether
success successful unsuccessful failure
sponsor sponsors sponsored sponsoring
monday tuesday wednesday thursday friday saturday sunday
january february april june july august september october november december`)

// speechWords ask what someone says: "What does the Kremlin say about…"
// prefers an entry whose claim the Kremlin made.
var speechWords = setOf(`say says said think thinks react reacted respond responded deny denies denied
warn warns warned tell tells told allege alleges alleged accuse accuses accused reply replies replied`)

// happenWords ask for an event only in a question that asks for no
// particular kind of answer and names no year: "What happened at the
// summit?" asks for an outcome, "When did it happen?" for a date, "What
// happened in 2008?" for what the source says of 2008. ("What is happening
// this week?" asks for a schedule: only the past tense asks.)
var happenWords = setOf(`happened`)

// vocab is a lexicon compiled for analysis: every spelling and its stem
// mapped to its term. It is immutable once built and safe for concurrent use.
type vocab struct {
	synonyms    map[string]string
	phrases     map[string]string
	phraseFirst map[string]bool
	actors      map[string]bool
}

// compiled returns the lexicon's vocabulary, compiling it on first use. A nil
// lexicon has only the general English vocabulary.
func (l *Lexicon) compiled() *vocab {
	if l == nil {
		return compileVocab(nil)
	}
	l.once.Do(func() { l.vocab = compileVocab(l) })
	return l.vocab
}

func compileVocab(l *Lexicon) *vocab {
	v := &vocab{synonyms: map[string]string{}, phrases: map[string]string{}, phraseFirst: map[string]bool{}, actors: map[string]bool{}}
	groups := map[string][]string{}
	for t, ws := range generalGroups {
		groups[t] = ws
	}
	for p, t := range generalPhrases {
		v.phrases[p] = t
	}
	if l != nil {
		for _, g := range l.Synonyms {
			groups[g.Term] = append(groups[g.Term], g.Words...)
		}
		for _, p := range l.Phrases {
			v.phrases[strings.Join(strings.Fields(p.Phrase), " ")] = p.Term
		}
		for _, a := range l.Actors {
			v.actors[a] = true
		}
	}
	own := map[string]bool{} // words a lexicon group claims; they beat general groups
	if l != nil {
		for _, g := range l.Synonyms {
			for _, w := range append([]string{g.Term}, g.Words...) {
				own[w] = true
				v.synonyms[w] = g.Term
			}
		}
	}
	for canon, words := range groups {
		for _, w := range append([]string{canon}, words...) {
			if !own[w] {
				if _, taken := v.synonyms[w]; !taken {
					v.synonyms[w] = canon
				}
			}
		}
	}
	for canon, words := range groups {
		for _, w := range words {
			if st := stem(w); st != w {
				if _, taken := v.synonyms[st]; !taken {
					v.synonyms[st] = canon
				}
			}
		}
	}
	for p := range v.phrases {
		first, _, _ := strings.Cut(p, " ")
		v.phraseFirst[first] = true
	}
	return v
}

// validateLexicon reports every problem of a lexicon, located as
// "lexicon.synonyms[3].words[2]".
func (v *validator) lexicon(l *Lexicon) {
	if l == nil {
		return
	}
	word := func(field, w string) bool {
		if w == "" || strings.ToLower(w) != w || len(splitWords(w)) != 1 || splitWords(w)[0] != w {
			v.add("", field, fmt.Sprintf("%q is not one lower-case word of letters and digits", w))
			return false
		}
		return true
	}
	owner := map[string]string{}
	terms := map[string]bool{}
	for i, g := range l.Synonyms {
		where := fmt.Sprintf("lexicon.synonyms[%d]", i)
		if !word(where+".term", g.Term) {
			continue
		}
		if terms[g.Term] {
			v.add("", where+".term", fmt.Sprintf("term %q has two groups; merge them", g.Term))
		}
		terms[g.Term] = true
		if len(g.Words) == 0 {
			v.add("", where+".words", "is empty")
		}
		for j, w := range append([]string{g.Term}, g.Words...) {
			field := where + ".term"
			if j > 0 {
				field = fmt.Sprintf("%s.words[%d]", where, j-1)
				if !word(field, w) {
					continue
				}
			}
			if o, ok := owner[w]; ok && o != g.Term {
				v.add("", field, fmt.Sprintf("%q is also in the group of %q; a word folds into one term", w, o))
			}
			owner[w] = g.Term
		}
	}
	seen := map[string]bool{}
	for i, p := range l.Phrases {
		where := fmt.Sprintf("lexicon.phrases[%d]", i)
		ws := splitWords(p.Phrase)
		if len(ws) != 2 || strings.Join(ws, " ") != strings.Join(strings.Fields(p.Phrase), " ") {
			v.add("", where+".phrase", fmt.Sprintf("%q is not two lower-case words", p.Phrase))
		} else if seen[p.Phrase] {
			v.add("", where+".phrase", fmt.Sprintf("%q is listed twice", p.Phrase))
		}
		seen[p.Phrase] = true
		word(where+".term", p.Term)
	}
	for i, a := range l.Actors {
		word(fmt.Sprintf("lexicon.actors[%d]", i), a)
	}
}

// defaultLexicon is the lexicon of the knowledge base embedded in the binary,
// for indexes built from entries alone (a store's scopes). It is read once
// and never modified.
var defaultLexicon = sync.OnceValue(func() *Lexicon {
	k, err := Default()
	if err != nil {
		return nil
	}
	return k.Lexicon
})
