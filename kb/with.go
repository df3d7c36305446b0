package kb

import (
	"maps"
	"slices"
)

// With returns an index with the given entries added or replaced (by id) and
// the given ids removed, built from ix without re-reading the other entries:
// a changed entry keeps its slot, a new one takes a new slot, a removed one
// is marked dead. What did not change is shared with ix, which stays valid
// and unchanged. It is what makes a moderator's edit take effect in
// milliseconds at any size. Safe to call concurrently with readers of ix.
func (ix *Index) With(upserts []Entry, removals []string) *Index {
	nx := &Index{
		opts: ix.opts, tune: ix.tune, voc: ix.voc, names: ix.names,
		slots:       append([]Entry(nil), ix.slots...),
		byID:        maps.Clone(ix.byID),
		terms:       maps.Clone(ix.terms),
		termName:    slices.Clip(ix.termName),
		surfaceTerm: maps.Clone(ix.surfaceTerm),
		postings:    append([][]posting(nil), ix.postings...),
		entryTerms:  append([][]posting(nil), ix.entryTerms...),
		phrasings:   append([][]phrasing(nil), ix.phrasings...),
		facts:       append([]entryFacts(nil), ix.facts...),
	}
	nx.dead = make([]bool, len(ix.slots))
	if ix.dead != nil {
		copy(nx.dead, ix.dead)
	}
	owned := map[int32]bool{} // posting lists already copied for this index
	own := func(term int32) []posting {
		if !owned[term] {
			nx.postings[term] = append([]posting(nil), nx.postings[term]...)
			owned[term] = true
		}
		return nx.postings[term]
	}
	unpost := func(slot int32) {
		for _, t := range nx.entryTerms[slot] {
			ps := own(t.entry)
			for i, p := range ps {
				if p.entry == slot {
					nx.postings[t.entry] = append(ps[:i], ps[i+1:]...)
					break
				}
			}
		}
		nx.entryTerms[slot], nx.phrasings[slot], nx.facts[slot] = nil, nil, entryFacts{}
	}
	var dropped []string // words of the entries removed or replaced
	for _, id := range removals {
		if slot, ok := nx.byID[id]; ok {
			dropped = append(dropped, entryWords(&nx.slots[slot])...)
			unpost(slot)
			nx.dead[slot] = true
			delete(nx.byID, id)
		}
	}
	words := len(nx.surfaceTerm)
	a := analyzer{sources: ix.kb.Sources}
	for i := range upserts {
		e := upserts[i]
		slot, ok := nx.byID[e.ID]
		if ok {
			dropped = append(dropped, entryWords(&nx.slots[slot])...)
			unpost(slot)
		} else {
			slot = int32(len(nx.slots))
			nx.slots = append(nx.slots, Entry{})
			nx.dead = append(nx.dead, false)
			nx.entryTerms = append(nx.entryTerms, nil)
			nx.phrasings = append(nx.phrasings, nil)
			nx.facts = append(nx.facts, entryFacts{})
			nx.byID[e.ID] = slot
		}
		nx.slots[slot], nx.dead[slot] = e, false
		terms, phr, facts := a.entry(nx, &nx.slots[slot])
		nx.entryTerms[slot], nx.phrasings[slot], nx.facts[slot] = terms, phr, facts
		for _, t := range terms {
			ps := own(t.entry)
			nx.postings[t.entry] = append(ps, posting{entry: slot, weight: t.weight})
		}
	}
	nx.gone = nx.goneWords(ix.gone, dropped, upserts)
	live := make([]Entry, 0, len(nx.byID))
	for i := range nx.slots {
		if !nx.dead[i] {
			live = append(live, nx.slots[i])
		}
	}
	nx.kb = &KB{Sources: ix.kb.Sources, Lexicon: ix.kb.Lexicon, Entries: live}
	nx.spell = ix.spell
	if len(nx.surfaceTerm) > words {
		if ix.spell.depth() >= maxSpellingChain {
			nx.spell = newSpelling(nx.spellingVocab(), nx.surfaceDF)
		} else {
			extra := map[string]bool{}
			for w := range nx.surfaceTerm {
				if _, old := ix.surfaceTerm[w]; !old {
					extra[w] = true
				}
			}
			nx.spell = newSpelling(extra, nx.surfaceDF)
			nx.spell.next = ix.spell
		}
	}
	nx.finish()
	return nx
}

// maxSpellingChain bounds how many small spelling indexes successive edits
// chain before the whole one is rebuilt.
const maxSpellingChain = 8

func (s *spelling) depth() int {
	n := 0
	for ; s != nil; s = s.next {
		n++
	}
	return n
}

// goneWords returns the surface words no live entry has any more: those of
// before, and of the dropped words, those no remaining entry with their term
// has, less the words of the upserts. A rebuilt index would not know them,
// so the completer and the spelling corrector must not offer them.
func (nx *Index) goneWords(before map[string]bool, dropped []string, upserts []Entry) map[string]bool {
	gone := maps.Clone(before)
	for i := range upserts {
		for _, w := range entryWords(&upserts[i]) {
			delete(gone, w)
		}
	}
	for _, w := range dropped {
		id, ok := nx.surfaceTerm[w]
		if !ok || gone[w] {
			continue
		}
		live := false
		for _, p := range nx.postings[id] {
			if live = !nx.isDead(p.entry) && slices.Contains(entryWords(&nx.slots[p.entry]), w); live {
				break
			}
		}
		if !live {
			if gone == nil {
				gone = map[string]bool{}
			}
			gone[w] = true
		}
	}
	return gone
}

// entryWords returns the words of the texts an entry is indexed by.
func entryWords(e *Entry) []string {
	var words []string
	for _, t := range append([]string{e.Question, e.Answer, e.Topic, e.AttributedTo}, e.Aliases...) {
		words = append(words, splitWords(t)...)
	}
	return words
}
