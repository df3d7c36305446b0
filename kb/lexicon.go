package kb

import "strings"

// The lexicon below is read-only after package initialisation.

// synonymGroups lists, for each canonical term, the spellings and synonyms that
// fold into it. Stemmed forms of every spelling are added automatically.
var synonymGroups = map[string][]string{
	"troop":       {"troops", "soldier", "soldiers", "force", "forces", "army", "armies", "personnel", "servicemen", "servicemembers", "units", "battalions"},
	"kyiv":        {"kiev", "kyiv"},
	"us":          {"us", "usa", "america", "american", "americans", "washington"},
	"russia":      {"russia", "russian", "russians", "moscow", "kremlin"},
	"ukraine":     {"ukraine", "ukrainian", "ukrainians", "ukrain"},
	"europe":      {"europe", "european", "europeans", "continent"},
	"invade":      {"invade", "invaded", "invades", "invading", "invasion", "invasions", "invader", "invaders"},
	"attack":      {"attack", "attacked", "attacks", "attacking", "assault"},
	"dialogue":    {"dialogue", "dialog", "dialogues", "dialogs"},
	"talk":        {"talk", "talks", "talking", "negotiation", "negotiations", "negotiate", "negotiating", "negotiated", "discussion", "discussions", "discuss", "discussed", "diplomatic", "diplomacy", "diplomats", "diplomat"},
	"meet":        {"meet", "meets", "meeting", "meetings", "met"},
	"buildup":     {"buildup", "buildups", "massing", "mass", "massed", "amass", "amassed", "amassing", "gathered", "gathering", "concentration"},
	"border":      {"border", "borders", "frontier", "frontiers"},
	"nuclear":     {"nuclear", "nukes", "nuke", "atomic"},
	"weapon":      {"weapon", "weapons", "weaponry"},
	"missile":     {"missile", "missiles", "rocket", "rockets"},
	"exercise":    {"exercise", "exercises", "drill", "drills", "wargames", "manoeuvres", "maneuvers"},
	"claim":       {"claim", "claims", "claimed", "allegation", "allegations", "alleged", "accusation", "accusations", "accuse", "accused", "accusing", "assertion", "assertions", "charge", "charges"},
	"threat":      {"threat", "threats", "threaten", "threatens", "threatening", "danger", "dangerous"},
	"election":    {"election", "elections", "electoral"},
	"interfere":   {"interfere", "interfered", "interference", "interfering", "intervene", "intervened", "intervention", "meddle", "meddled", "meddling", "hack", "hacked", "hacking"},
	"spokesman":   {"spokesman", "spokesperson", "spokeswoman", "spokesmen", "spokespeople", "mouthpiece"},
	"legislation": {"legislation", "bill", "bills", "law", "laws", "legislative"},
	"republican":  {"republican", "republicans", "gop", "congress", "congressional", "lawmaker", "lawmakers"},
	"defense":     {"defense", "defence", "defensive", "defend"},

	"demand":     {"demand", "demands", "demanded", "request", "requests", "ultimatum"},
	"guarantee":  {"guarantee", "guarantees", "assurance", "assurances"},
	"deescalate": {"deescalate", "deescalation", "deescalating", "deescalated", "descalate", "descalation"},
	"tension":    {"tension", "tensions", "tense"},
	"war":        {"war", "wars", "warfare", "conflict", "conflicts", "fighting"},
	"photo":      {"photo", "photos", "photograph", "photographs", "picture", "pictures", "image", "images", "pic", "photographer"},
	"outlet":     {"outlet", "outlets", "newspaper", "newspapers", "publication", "publications", "media"},
	"article":    {"article", "articles", "story", "piece"},
	"start":      {"start", "starts", "started", "starting", "begin", "begins", "began", "beginning", "commence", "commences", "kick", "launch", "launches", "launched"},
	"biggest":    {"biggest", "largest", "greatest", "big", "large", "huge", "massive"},
	"goal":       {"goal", "goals", "aim", "aims", "aimed", "purpose", "objective", "objectives", "want", "wants", "wanted", "intent", "intention", "intentions", "point"},

	"earthquake":  {"earthquake", "earthquakes", "quake", "tremor"},
	"donbass":     {"donbass", "donbas"},
	"georgia":     {"georgia", "georgian"},
	"history":     {"history", "historical", "past"},
	"deal":        {"deal", "deals", "breakthrough", "agreement", "agreements", "accord", "accords"},
	"relation":    {"relation", "relations", "relationship", "ties"},
	"disastrous":  {"disastrous", "disaster", "catastrophic", "catastrophe"},
	"risk":        {"risk", "risks", "likely", "likelihood", "probable", "probably", "chance", "chances", "possibility", "possible", "concern", "concerns", "concerned", "fear", "fears", "feared", "worry", "worries", "worried", "afraid"},
	"willing":     {"willing", "ready", "prepared", "open", "offer", "offers", "offering", "offered", "concession", "concessions", "compromise"},
	"reduce":      {"reduce", "reduces", "reduced", "reducing", "reduction", "limit", "limits", "limiting", "restrict", "restrictions", "curb", "cut", "cuts", "scale"},
	"withdraw":    {"withdraw", "withdrawal", "withdraws", "withdrawn", "withdrew", "pullout", "retreat"},
	"prevent":     {"prevent", "prevents", "preventing", "prevented", "avoid", "avoiding", "avert", "averting", "stop", "stopping"},
	"publish":     {"publish", "published", "publishes", "publishing", "release", "released", "unveil", "unveiled"},
	"succeed":     {"succeed", "succeeded", "success", "successful", "work", "works", "fail", "failed", "failure"},
	"continue":    {"continue", "continues", "continued", "keep", "keeps", "resume", "ongoing"},
	"arrangement": {"arrangement", "arrangements", "format", "framework"},
	"stifle":      {"stifle", "stifled", "stall", "stalled", "stalling", "freeze", "frozen", "strained", "worsened", "limited"},
	"discover":    {"discover", "discovered", "discovery", "find", "found", "uncover", "uncovered", "learn", "learned"},
	"cite":        {"cite", "cites", "cited", "citing", "quote", "quotes", "quoted", "quoting", "reference", "references", "referenced"},
	"attempt":     {"attempt", "attempts", "attempted", "try", "tries", "trying", "tried"},
	"when":        {"when", "day", "days", "date", "dates"},
	"howmany":     {"count", "number", "numbers", "size", "figure", "figures", "total", "strength", "headcount"},
	"station":     {"station", "stationed", "stationing", "based", "garrisoned"},
	"near":        {"near", "nearby", "close", "along", "adjacent", "next"},
	"after":       {"after", "follow", "follows", "following", "followed", "afterwards", "later"},
	"forum":       {"forum", "platform", "mechanism", "channel"},
	"who":         {"who", "role", "job", "title", "post"},
	"take":        {"take", "taken", "took", "shot"},
	"deploy":      {"deploy", "deployed", "deploying", "deployment", "deployments"},
	"schedule":    {"schedule", "scheduled", "calendar", "agenda", "timetable", "program", "programme"},
	"outcome":     {"outcome", "outcomes", "result", "results", "produce", "produced", "yield", "yielded", "achieve", "achieved"},
	"commit":      {"commit", "committed", "commitment", "commitments", "back", "backs", "backing", "support", "supports", "supported", "honour", "honor"},
	"present":     {"present", "presented", "presenting", "propose", "proposed", "proposal", "introduce", "introduced", "unveil", "unveiled", "table", "tabled", "file", "filed"},
	"leader":      {"leader", "leaders", "lead", "leads", "leading", "head", "heads", "run", "runs", "rule", "rules", "ruler"},
	"crisis":      {"crisis", "crises", "unrest", "turmoil", "upheaval", "emergency"},
	"deny":        {"deny", "denies", "denied", "denial", "reject", "rejects", "rejected", "rejecting", "refute", "refuted", "dismiss", "dismissed"},
	"convene":     {"convene", "convened", "held", "hold", "holds", "host", "hosted", "hosting"},
	"provoke":     {"provoke", "provocation", "provocations", "provocative", "provoked"},
}

// phrases are two-word spellings folded into one term before stop words are
// removed ("build up" and "build-up" are "buildup").
var phrases = map[string]string{
	"united states":   "us",
	"united kingdom":  "uk",
	"build up":        "buildup",
	"de escalate":     "deescalate",
	"de escalation":   "deescalate",
	"de escalating":   "deescalate",
	"de escalated":    "deescalate",
	"european union":  "eu",
	"white house":     "whitehouse",
	"press secretary": "spokesman",
	"cold war":        "coldwar",
	"how many":        "howmany",
	"how much":        "howmany",
	"how big":         "howmany",
	"pull out":        "withdraw",
	"break down":      "stifle",
	"kick off":        "start",
}

// phraseFirst holds the first words of phrases, so most words skip the
// phrase lookup.
var phraseFirst = func() map[string]bool {
	m := map[string]bool{}
	for p := range phrases {
		first, _, _ := strings.Cut(p, " ")
		m[first] = true
	}
	return m
}()

// stopWords carry no topic: question words, function words and chat filler.
var stopWords = setOf(`a an the and or but if then than so as of in on at to for from by with about into onto
over under up down out off per via vs versus around between against
is are was were be been being am do does did doing done has have had having
what whats whom whose which how much
it its this that these those there here their they them he him his she her hers i me my mine you your we our
can could would should will shall may might must wont cant dont doesnt didnt isnt arent wasnt werent
tell know please say said says saying explain describe mean means give get got let lets
happen happens happened happening exactly actually really currently now right just also still ever yet
anything something everything thing things stuff bit some any all each every both either neither only own same
very more most lot lots such other another further again once latest recent recently update updates news
think thinks going gonna wanna like way yes no not nope hey hi hello thanks thank ok okay bot crisisbot side sides roughly approximately approx toward towards call called calls
s t re ve ll d m`)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// synonyms maps every spelling, and its stem, to its canonical term.
var synonyms = buildSynonyms()

func buildSynonyms() map[string]string {
	m := map[string]string{}
	for canon, words := range synonymGroups {
		for _, w := range append([]string{canon}, words...) {
			m[w] = canon
		}
	}
	for canon, words := range synonymGroups {
		for _, w := range words {
			if st := stem(w); st != w {
				if _, taken := m[st]; !taken {
					m[st] = canon
				}
			}
		}
	}
	return m
}

// actors are the countries and blocs whose positions the article reports. A
// question that names one actor is not answered by a question or alias about
// another (see Index.phrasingCoverage).
var actors = setOf(`russia us ukraine nato europe georgia china eu uk kazakhstan uruguay west belarus poland`)
