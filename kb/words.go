package kb

// The general English word lists that question analysis reads: chat
// spellings, filler and pointer words, the words that ask for a detail,
// and the words of time, speech and rank. A crisis's own vocabulary is data
// (the knowledge base's lexicon); these are the same for every crisis.

// guessWords after "or" mark the word before as a guess.
var guessWords = setOf(`something smth sth whatever`)

// noAlternative are the words after "or" that offer no alternative: "or not",
// "or something".
var noAlternative = setOf(`not nah no nope nay what something anything whatever else smth sth`)

// chatSpellings are the chat spellings of question words, which are too
// short for the typo corrector: "wen do the talks start".
var chatSpellings = map[string]string{
	"wats": "whats", "wuts": "whats", "whts": "whats",
	"wen": "when", "whn": "when", "wat": "what", "wot": "what", "wut": "what", "wht": "what", "wher": "where", "whr": "where",
	"hw": "how", "y": "why", "abt": "about", "bc": "because", "whos": "who", "ppl": "people",
	"r": "are", "sec": "secretary", "pres": "president", "prez": "president", "spox": "spokesperson", "govt": "government", "gov": "government",
	"yr": "year", "yrs": "years", "dept": "department", "tru": "true", "thru": "through",
	// Short names of weekdays and months ("mon, wed or thu", "nov 9 2021");
	// not "sat", "sun", "mar" or "may", which are words of their own.
	"mon": "monday", "tue": "tuesday", "tues": "tuesday", "thu": "thursday", "thur": "thursday", // "wed": see respell
	"thurs": "thursday", "fri": "friday", "jan": "january", "feb": "february", "apr": "april", "jun": "june",
	"jul": "july", "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november", "dec": "december",
	// Ordinals in figures are read as the words an article writes them in.
	"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth",
	"6th": "sixth", "7th": "seventh", "8th": "eighth", "9th": "ninth", "10th": "tenth",
}

// pageWords name the page itself, or a part of it, as the source of a claim.
var pageWords = setOf(`headline headlines title article piece story page caption subheading heading`)

// linkWords ask about what a page links to or mentions.
var linkWords = setOf(`link links linked related read mention mentions mentioned mentioning cover covers covered covering`)

// ownWords name the parts of a page written in its own voice: what a
// headline says someone said is the page's claim.
var ownWords = setOf(`headline headlines title subheading heading`)

// photoWords name the article's photo.
var photoWords = setOf(`photo photos image images picture pictures pic pics photograph`)

// whWords open a question.
var whWords = setOf(`what whats who whos when where why how which`)

// careerWords name a post someone holds.
var careerWords = setOf(`job jobs role roles position positions post career title worked work`)

// pointerWords before "one" make it a pronoun, not a number: "which one",
// "is this one the third".
var pointerWords = setOf(`which this that each the every`)

// emphasisWords stress a question without changing what it asks: "what
// exactly is in the draft treaties" asks what is in them.
var emphasisWords = setOf(`exactly precisely`)

// swappable are the three-letter function words whose swapped-letter typos
// ("teh", "hte", "nad") are respelled; only these, so that "won" is not
// read as "own".
var swappable = setOf(`the and for are how who why was has did its can you not`)

// monthNames are the months, as a question and an answer write them.
var monthNames = setOf(`january february march april may june july august september october november december`)

// sequenceWords relate two events in time.
var sequenceWords = setOf(`when after following followed`)

// futureWords mark a quote that says what will or is to happen.
var futureWords = setOf(`will wont would shall going gonna plan plans planned planning next expected expects
scheduled upcoming later tomorrow intends intend set keep continue continues agree agreed`)

// claimWords report what someone said: a prediction after them is what was
// claimed, which an entry can give.
var claimWords = setOf(`say says said claim claims claimed allege alleges alleged warn warns warned accuse accuses accused
predict predicts predicted suggest suggests suggested`)

// measureWords are, after "how", the measures an answer must give in one of
// the listed words: an age, a duration. ("How old is the photo" is answered
// by a date only partly: the date is then offered as the related fact.)
var measureWords = map[string][]string{
	"old":  {"old", "age", "aged", "born"},
	"long": {"long", "since", "decade", "decades", "hour", "hours", "minute", "minutes", "lasted", "duration"},
}

// partyWords are the words an answer names a political party in.
var partyWords = []string{"party", "republican", "republicans", "democrat", "democrats", "democratic", "gop", "conservative", "liberal", "socialist", "communist"}

// originWords are the words an answer to "where is <a person> from" says
// where they come from in.
var originWords = []string{"born", "native", "hometown", "grew", "origin", "raised"}

// hourWords are the words an answer to "what time" gives an hour in.
var hourWords = []string{"clock", "am", "pm", "noon", "midnight", "hour", "gmt", "utc", "cet"}

// dayParts answer "what time" loosely ("Sunday night"): only when the
// question names no day or part of one itself and does not ask the exact
// time ("what time exactly", "what time Sunday night", "what time on
// Sunday" ask the hour).
var dayParts = []string{"morning", "afternoon", "evening", "night", "tonight"}

var weekdays = setOf(`monday tuesday wednesday thursday friday saturday sunday today tomorrow`)

// talkVerbs followed by "about" ask what was said: the entry must say that
// a discussion took place and what it was about.
var talkVerbs = setOf(`talk talked talking talks speak spoke spoken chat chatted`)

// ordinals pick one member of a class: "the third meeting".
var ordinals = setOf(`first second third fourth fifth sixth seventh eighth ninth tenth last latest final`)

// eventVerbs say that something takes place, starts or ends; in "when did
// the build-up start" they are not the subject the question dates.
var eventVerbs = setOf(`start starts started starting begin begins began begun beginning take takes took taken taking
place held hold holds holding happen happens happened happening occur occurs occurred meet meets met meeting
end ends ended finish finishes finished open opens opened close closes closed kick kicks kicked scheduled
planned set located based going`)

// memberNouns after an actor ask which of its members: "which NATO
// countries", "which EU nations".
var memberNouns = setOf(`countries nations members states`)

// passiveBe before a participle makes it passive: "are the talks held".
var passiveBe = setOf(`be being been is are was were`)

// officeNouns after a name make an office or a government named after a
// person ("the Biden Administration"), not the person.
var officeNouns = setOf(`administration administrations government team campaign office cabinet`)

// progressive words come before a verb's -ing form: "I keep hearing".
var progressive = setOf(`keep keeps kept been am im was were are be is`)

// happenVerbs say only that an event takes place: a where- or
// when-question asks its place or time.
var happenVerbs = setOf(`happen happens happened happening occur occurs occurred occurring`)

// softeners stand anywhere in a question without changing what it asks.
var softeners = setOf(`actually really specifically`)

// auxiliaries follow "when" or "where" before the subject they ask about.
var auxiliaries = setOf(`is are was were do does did will has have had would could should can`)

// speakerAdverbs may stand between a speaker and the speech verb: "did
// Kyiv *also* allege…".
var speakerAdverbs = setOf(`also ever really actually even publicly officially himself herself personally`)

// reflexives after a speaker ask what that person said, not an office or
// government named after them ("what did Biden himself say" is not the
// Biden Administration's statement).
var reflexives = setOf(`himself herself personally`)

// titleWords name someone by their post: "what did the Uruguayan
// *president* say" asks that person's words.
var titleWords = setOf(`president presidents spokesman spokesperson spokeswoman secretary minister ministers official officials
leader leaders ambassador diplomat diplomats senator lawmaker lawmakers chancellor premier governor mayor`)

// rankWords qualify a title: a deputy secretary is not the secretary.
var rankWords = setOf(`deputy vice assistant former acting`)
