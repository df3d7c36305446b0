package kb_test

import (
	"strings"
	"testing"

	"crisisbot/kb"
)

// loadBlind reads a blind set: one written by someone who saw only the
// article, never the knowledge base, as in|out<TAB>question<TAB>phrase, where
// the phrase is the article's words that answer an in-scope question.
func loadBlind(tb testing.TB, name string) []labelled {
	tb.Helper()
	var out []labelled
	readSet(tb, name, func(n int, line string) {
		cols := strings.Split(line, "\t")
		if len(cols) != 3 || (cols[0] != "in" && cols[0] != "out") {
			tb.Fatalf("%s:%d: want in|out<TAB>question<TAB>phrase", name, n)
		}
		l := labelled{In: cols[0] == "in", Question: cols[1], Line: n}
		if l.In {
			l.Phrase = cols[2]
		}
		out = append(out, l)
	})
	return out
}

// quotesPhrase reports whether an entry's answer shows the article's words
// that answer the question: one of its quotes contains the phrase, or is a
// substantial part of it.
func quotesPhrase(e *kb.Entry, phrase string) bool {
	p := strings.ToLower(kb.NormalizeQuote(phrase))
	for _, c := range e.Citations {
		q := strings.ToLower(kb.NormalizeQuote(c.Quote))
		if strings.Contains(q, p) || (len(q) >= 12 && strings.Contains(p, q)) {
			return true
		}
	}
	return false
}

func TestQuotesPhrase(t *testing.T) {
	e := &kb.Entry{Citations: []kb.Citation{{Quote: "Nearly 100,000 Russian troops have gathered"}}}
	for _, c := range []struct {
		phrase string
		want   bool
	}{
		{"100,000 Russian troops", true},
		{"Nearly 100,000 Russian troops have gathered near the Ukrainian border", true},
		{"more than 70,000 American troops", false},
		{"troops", true},
	} {
		if got := quotesPhrase(e, c.phrase); got != c.want {
			t.Errorf("quotesPhrase(%q) = %v, want %v", c.phrase, got, c.want)
		}
	}
}

// TestIndex_EvalBlind scores every blind set. Each floor is the figure the
// set reaches at the end of the second 1 December round (raised, never lowered; a
// regression guard); the first runs are in the comments.
func TestIndex_EvalBlind(t *testing.T) {
	checkSets(t, loadBlind, false, []evalCase{
		// blind1.tsv first run, before any change: 57/86 (66.3%) in scope, 41/54 (75.9%)
		// declined, 15/140 (10.7%) wrong answers; BM25 54.7% / 55.6% / 18.6%. Its
		// misses were read (for the kinds of question that fail), so it is a
		// regression set now, not a blind one.
		// Now 97.7% / 100% / 0% (95.3% / 100% / 0% before blind4's round).
		{"blind1.tsv", 60, 40, 0.988, 1.00, 0.00},
		// late.tsv: written after the fact-level work by its implementer (not
		// blind); first run 79.7% / 83.3% / 9.0% wrong, BM25 59.3% / 60.0% / 14.6%.
		// Now 93.1% / 96.8% / 2.2% (89.8% / 96.7% / 3.4% before blind4's
		// round; "will russia attack?" was relabelled out of scope then: a
		// prediction the article cannot answer).
		{"late.tsv", 55, 30, 0.965, 1.00, 0.012},
		// last.tsv: written at the very end by the same author (not blind); first
		// run 65.7% / 100% / 0% wrong, BM25 62.9% / 65.0% / 12.7%.
		// Now 91.4% / 100% / 0% (85.7% before blind4's round).
		{"last.tsv", 35, 20, 0.971, 1.00, 0.00},
		// blind2.tsv: written blind from the article alone after all the work
		// and scored once: 61/88 (69.3%) in scope, 51/59 (86.4%) declined,
		// 9/147 (6.1%) wrong answers; BM25 59.1% / 61.0% / 15.6%. Its misses
		// were then read (issue 7, answer quality) and their kinds fixed with
		// general changes, so it is a regression set now, not a blind one.
		// Now 77/88 (87.5%) / 59/59 (100%) / 1/147 (0.7%) (79.5% / 100% /
		// 1.4% before blind4's round).
		{"blind2.tsv", 60, 40, 0.954, 1.00, 0.007},
		// blind3.tsv: the final blind set, written from the article alone while
		// the last matcher round was under way (never read by its author), and
		// scored once on the finished matcher: 82/102 (80.4%) in scope, 56/65
		// (86.2%) declined, 12/167 (7.2%) wrong answers; BM25 63.7% / 63.1% /
		// 15.0%. Its floor was that first run. Its wrong answers were then
		// read and their kinds fixed with general rules ("which <noun>"
		// asks for members, a when/where question for its own subject's
		// time or place, "what time" for an hour, emphasis words), so it is
		// a regression set now.
		// Now 95/102 (93.1%) / 65/65 (100%) / 1/167 (0.6%) (87.3% / 96.9% /
		// 2.4% before blind4's round).
		{"blind3.tsv", 90, 60, 1.00, 1.00, 0.00},
		// blind4.tsv: written blind from the article alone at the start of the
		// next round (30 November, evening), committed alone and scored once
		// before any change: 91/117 (77.8%) in scope, 62/66 (93.9%) declined,
		// 4/183 (2.2%) wrong answers; BM25 68.4% / 65.2% / 12.6%. Its misses
		// were then read and their kinds fixed with general rules
		// (alternatives, predictions, ties, idioms, WordNet adjectives), so
		// it is a regression set now: 109/117 (93.2%) / 65/66 (98.5%) /
		// 1/183 (0.5%).
		{"blind4.tsv", 110, 60, 0.982, 1.00, 0.00},
		// blind6.tsv: written blind from the article alone during blind4's
		// round (the matcher had its first changes of that round), committed
		// alone and scored once: 88/101 (87.1%) in scope, 59/60 (98.3%)
		// declined, 5/161 (3.1%) wrong answers; BM25 68.3% / 68.3% / 13.0%.
		// Read since.
		{"blind6.tsv", 100, 60, 0.95, 1.00, 0.013},
		// blind5.tsv: the final blind set, written from the article alone at
		// the start of blind4's round, kept outside the repository unread,
		// committed alone and scored once on the finished matcher: 93/106
		// (87.7%) in scope, 62/68 (91.2%) declined, 7/174 (4.0%) wrong
		// answers; BM25 63.2% / 63.2% / 14.9%. Read since (after it: 87.7% /
		// 95.6% / 2.3%).
		{"blind5.tsv", 100, 60, 0.962, 0.97, 0.012},
		// blind7.tsv: the last blind set, written from the article alone while
		// the round's final matcher changes were made, kept outside the
		// repository unread, committed alone and scored once on the finished
		// matcher: 95/111 (85.6%) in scope, 66/72 (91.7%) declined, 9/183
		// (4.9%) wrong answers; BM25 69.4% / 66.7% / 14.8%. Read since (after
		// it: 85.6% / 97.2% / 2.7%).
		{"blind7.tsv", 100, 60, 0.954, 0.986, 0.011},
		// blind8.tsv: the last blind set, written from the article alone while
		// blind7's misses were being fixed, kept outside the repository
		// unread, committed alone and scored once on the finished matcher:
		// 107/127 (84.3%) in scope, 69/72 (95.8%) declined, 5/199 (2.5%)
		// wrong answers; BM25 65.4% / 65.3% / 15.6%. Read since (after it:
		// 85.8% / 95.8% / 2.5%).
		{"blind8.tsv", 110, 60, 0.96, 0.986, 0.011},
		// blind9.tsv: the very last blind set, written from the article alone
		// while blind8's misses were fixed, kept outside the repository
		// unread, committed alone and scored once on the final matcher:
		// 102/120 (85.0%) in scope, 74/75 (98.7%) declined, 1/195 (0.5%)
		// wrong answers; BM25 67.5% / 65.3% / 13.3%. Read since.
		{"blind9.tsv", 110, 60, 0.95, 1.00, 0.00},
		// blind10.tsv: written from the article alone at the start of the
		// 1 December round, committed alone and scored once before any
		// change of that round: 104/117 (88.9%) in scope, 67/69 (97.1%)
		// declined, 3/186 (1.6%) wrong answers; BM25 70.1% / 71.0% / 10.8%.
		// Read since.
		{"blind10.tsv", 110, 60, 1.00, 0.985, 0.006},
		// blind12.tsv: written from the article alone mid-round (after the
		// round's first rules and data fixes), committed alone and scored
		// once: 115/127 (90.6%) in scope, 69/74 (93.2%) declined, 6/201
		// (3.0%) wrong answers; BM25 66.9% / 67.6% / 11.9%. Read since.
		{"blind12.tsv", 110, 60, 0.984, 0.986, 0.005},
		// blind13.tsv: written from the article alone after blind12's
		// fixes, committed alone and scored once: 112/118 (94.9%) in scope,
		// 71/75 (94.7%) declined, 5/193 (2.6%) wrong answers; BM25 62.7% /
		// 64.0% / 14.0%. Read since.
		{"blind13.tsv", 110, 60, 0.974, 0.986, 0.006},
		// blind14.tsv: written from the article alone after blind13's
		// fixes, committed alone and scored once: 115/121 (95.0%) in scope,
		// 67/70 (95.7%) declined, 5/191 (2.6%) wrong answers; BM25 69.4% /
		// 68.6% / 12.0%. Read since.
		{"blind14.tsv", 110, 60, 0.966, 0.971, 0.011},
		// blind11.tsv: the final blind set of the 1 December round, written
		// from the article alone at the round's start, kept outside the
		// repository unread, committed alone and scored once on the
		// finished matcher: 117/124 (94.4%) in scope, 66/70 (94.3%)
		// declined, 4/194 (2.1%) wrong answers; BM25 65.3% / 65.7% /
		// 12.4%. Read since: one of its wrong answers ("what did uruguay's
		// president say to sherman") came from a rule of the round (a word
		// the source writes in lower case is no name, so "president" was no
		// speaker) and was fixed after the score.
		{"blind11.tsv", 110, 60, 0.983, 0.985, 0.006},
		// blind15.tsv: a second final blind set, written from the article
		// alone after the matcher was finished, committed alone and scored
		// once with no change after it: 112/124 (90.3%) in scope, 74/75
		// (98.7%) declined, 2/199 (1.0%) wrong answers; BM25 71.0% / 68.0% /
		// 12.6%. Read since (the second 1 December round): now 96.0% / 98.7%
		// / 1.0%.
		{"blind15.tsv", 110, 60, 0.959, 0.986, 0.011},
		// blind16.tsv: written from the article alone by a helper at the start of
		// the second 1 December round, committed alone, scored once before any
		// change: 107/118 (90.7%) in scope, 70/73 (95.9%) declined, 4/191
		// (2.1%) wrong answers; BM25 67.8% / 68.5% / 12.0%. Read since: now
		// 95.8% / 98.6% / 0.5%.
		{"blind16.tsv", 110, 70, 0.957, 0.986, 0.006},
		// blind18.tsv: written from the article alone by a helper during the
		// second 1 December round, committed alone, scored once after the
		// round's review fixes: 105/115 (91.3%) in scope, 72/74 (97.3%)
		// declined, 3/189 (1.6%) wrong answers; BM25 67.0% / 64.9% / 13.8%.
		// Read since: now 95.7% / 100% / 0.5%.
		{"blind18.tsv", 110, 70, 0.956, 1.00, 0.006},
		// blind17.tsv: the round's final set, written from the article alone
		// at the round's start, kept unread, committed alone and scored once
		// on the finished matcher: 104/114 (91.2%) in scope, 69/72 (95.8%)
		// declined, 5/186 (2.7%) wrong answers; BM25 63.2% / 63.9% / 14.0%.
		// Read since (its two wrong-answer kinds fixed by general rules):
		// now 95.6% / 98.6% / 1.1%.
		{"blind17.tsv", 110, 70, 0.956, 0.986, 0.011},
		// blind19.tsv: the round's final set, written from the article alone
		// after blind17 was read, kept unread, committed alone and scored once
		// on the finished matcher: 114/121 (94.2%) in scope, 71/73 (97.3%)
		// declined, 3/194 (1.5%) wrong answers; BM25 70.2% / 68.5% / 11.9%.
		// Not worked on in that round (blind20 was written after its last
		// rules, which came from blind17); read after blind21's score: now
		// 95.0% / 97.3% / 1.5% (aliases that answered its "why are people
		// worried about the troops" were taken back after a review: they
		// answered "why is everyone worried about the talks" too).
		{"blind19.tsv", 110, 70, 0.95, 0.972, 0.016},
		// blind20.tsv: the round's final set, written from the article alone
		// after the last matcher change, committed alone and scored once:
		// 104/109 (95.4%) in scope, 74/76 (97.4%) declined, 3/185 (1.6%)
		// wrong answers; BM25 70.6% / 71.1% / 11.9%. Not worked on.
		{"blind20.tsv", 100, 70, 0.954, 0.973, 0.017},
		// blind21.tsv: written from the article alone by a helper after the
		// second 1 December round, committed alone and scored once before any
		// change: 111/116 (95.7%) in scope, 77/81 (95.1%) declined, 4/197
		// (2.0%) wrong answers; BM25 64.7% / 64.2% / 14.7%. Read since: now
		// 96.6% / 96.3% / 1.5%.
		{"blind21.tsv", 110, 80, 0.965, 0.962, 0.016},
		// blind22.tsv: this round's final set, written from the article alone
		// while blind21's rules were made, kept unread, committed alone and
		// scored once on the finished matcher: 106/119 (89.1%) in scope,
		// 75/75 (100%) declined, 3/194 (1.5%) wrong answers; BM25 71.4% /
		// 68.0% / 13.9%. Read since (time was left; blind23 and blind24
		// were written as the final sets): now 89.9% / 100% / 1.5%.
		{"blind22.tsv", 110, 70, 0.899, 1.00, 0.016},
		// blind23.tsv and blind24.tsv: this round's final sets, written from
		// the article alone while blind22's rules were made, kept unread,
		// committed alone and scored once on the finished matcher. blind23:
		// 118/128 (92.2%) in scope, 72/73 (98.6%) declined, 2/201 (1.0%)
		// wrong answers; BM25 64.8% / 65.8% / 13.9%. blind24 (asked in more
		// varied ways): 115/133 (86.5%), 68/69 (98.6%), 1/202 (0.5%); BM25
		// 67.7% / 68.1% / 10.9%. Read since (blind25 and blind26 were
		// written as the final sets): now blind23 93.0% / 98.6% / 1.0%,
		// blind24 93.2% / 98.6% / 0.5%.
		{"blind23.tsv", 110, 60, 0.929, 0.986, 0.01},
		{"blind24.tsv", 110, 60, 0.932, 0.985, 0.005},
		// blind25.tsv and blind26.tsv (asked in more varied ways): the
		// round's final sets, written from the article alone while blind23's
		// and blind24's rules were made, kept unread, committed alone and
		// scored once on the finished matcher. blind25: 116/119 (97.5%) in
		// scope, 68/70 (97.1%) declined, 2/189 (1.1%) wrong answers; BM25
		// 73.9% / 71.4% / 10.6%. blind26: 104/123 (84.6%), 68/70 (97.1%),
		// 3/193 (1.6%); BM25 71.5% / 72.9% / 9.8%. Read since (blind27 and
		// blind28 were written as the final sets): now blind25 97.5% /
		// 97.1% / 1.1%, blind26 86.2% / 97.1% / 1.6%.
		{"blind25.tsv", 110, 60, 0.974, 0.971, 0.011},
		{"blind26.tsv", 110, 60, 0.861, 0.971, 0.016},
		// blind27.tsv and blind28.tsv (asked in more varied ways): the final
		// sets, written from the article alone while blind25's and blind26's
		// rules were made, kept unread, committed alone and scored once on
		// the finished matcher. blind27: 108/118 (91.5%) in scope, 69/72
		// (95.8%) declined, 3/190 (1.6%) wrong answers; BM25 66.1% / 66.7% /
		// 12.6%. blind28: 113/125 (90.4%), 67/68 (98.5%), 2/193 (1.0%); BM25
		// 66.4% / 67.6% / 11.4%. Read since (blind29 and blind30 were
		// written as the final sets): now blind27 92.4% / 95.8% / 1.6%,
		// blind28 91.2% / 98.5% / 1.0%.
		{"blind27.tsv", 110, 60, 0.923, 0.958, 0.016},
		{"blind28.tsv", 110, 60, 0.912, 0.985, 0.011},
		// blind29.tsv and blind30.tsv (asked in more varied ways): the final
		// sets, written from the article alone while blind27's and blind28's
		// rules were made, kept unread, committed alone and scored once on
		// the finished matcher. blind29: 102/110 (92.7%) in scope, 71/72
		// (98.6%) declined, 1/182 (0.5%) wrong answers; BM25 66.4% / 65.3% /
		// 14.3%. blind30: 106/120 (88.3%), 65/67 (97.0%), 2/187 (1.1%); BM25
		// 60.0% / 61.2% / 16.0%. Not worked on.
		{"blind29.tsv", 100, 60, 0.927, 0.986, 0.006},
		{"blind30.tsv", 110, 60, 0.883, 0.97, 0.011},
	})
}
