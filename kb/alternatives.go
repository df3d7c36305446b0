package kb

import "slices"

// alternatives reads "A or B" in a question ("was the photo from 2021 or
// 2022", "getty or reuters"): the question asks which one, so an entry needs
// to say only one of them. An alternative the knowledge base does not know
// is dropped when the other is known (it is not a topic the source lacks,
// just the wrong guess); two known ones share one term's weight, and each
// counts as said when the other is (alt). "Or not" and "or something" offer
// no alternative.
func alternatives(words []string, terms []queryTerm, idOf func(string) int32) []queryTerm {
	find := func(w string) int {
		if i := slices.IndexFunc(terms, func(t queryTerm) bool { return t.surface == w }); i >= 0 {
			return i
		}
		// A word whose term an earlier word already gave: "is the pic
		// from getty images or reuters".
		id := idOf(w)
		return slices.IndexFunc(terms, func(t queryTerm) bool { return id >= 0 && t.id == id })
	}
	var groups [][]string // the known alternatives of each "A or B or C", by surface
	groupOf := func(w string) int {
		return slices.IndexFunc(groups, func(g []string) bool { return slices.Contains(g, w) })
	}
	for i := 1; i+1 < len(words); i++ {
		if words[i] != "or" {
			continue
		}
		j := i + 1
		for j+1 < len(words) && (words[j] == "the" || words[j] == "a" || words[j] == "an" || words[j] == "was" || words[j] == "is" || words[j] == "in") {
			j++
		}
		if noAlternative[words[j]] {
			if guessWords[words[j]] {
				// "like a rally or smth": a guess at what is asked; an
				// unknown one is no topic the source lacks.
				if a := find(words[i-1]); a >= 0 && terms[a].id < 0 {
					terms = slices.Delete(terms, a, a+1)
				}
			}
			continue
		}
		a, b := find(words[i-1]), find(words[j])
		if a < 0 || b < 0 || a == b {
			continue
		}
		switch ta, tb := terms[a], terms[b]; {
		case ta.id < 0 && tb.id >= 0:
			terms = slices.Delete(terms, a, a+1)
		case tb.id < 0 && ta.id >= 0:
			terms = slices.Delete(terms, b, b+1)
		case ta.id >= 0 && tb.id >= 0:
			switch ga, gb := groupOf(ta.surface), groupOf(tb.surface); {
			case ga < 0 && gb < 0:
				groups = append(groups, []string{ta.surface, tb.surface})
			case gb < 0:
				groups[ga] = append(groups[ga], tb.surface)
			case ga < 0:
				groups[gb] = append(groups[gb], ta.surface)
			case ga != gb:
				groups[ga] = append(groups[ga], groups[gb]...)
				groups = slices.Delete(groups, gb, gb+1)
			}
		}
	}
	// The alternatives of a group share one term's weight between them, and
	// each counts as said when another is.
	for _, g := range groups {
		var ids []int32
		for _, w := range g {
			if k := find(w); k >= 0 {
				ids = append(ids, terms[k].id)
			}
		}
		for _, w := range g {
			if k := find(w); k >= 0 {
				terms[k].weight /= float32(len(g))
				terms[k].alts = slices.DeleteFunc(slices.Clone(ids), func(id int32) bool { return id == terms[k].id })
			}
		}
	}
	return terms
}
