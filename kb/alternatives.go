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
	join := func(x, y string) {
		switch gx, gy := groupOf(x), groupOf(y); {
		case gx >= 0 && gx == gy:
		case gx < 0 && gy < 0:
			groups = append(groups, []string{x, y})
		case gy < 0:
			groups[gx] = append(groups[gx], y)
		case gx < 0:
			groups[gy] = append(groups[gy], x)
		default:
			groups[gx] = append(groups[gx], groups[gy]...)
			groups = slices.Delete(groups, gy, gy+1)
		}
	}
	// Unknown alternatives are dropped after the walk, so that a chain
	// goes on through them: in "Geneva or Vienna or Brussels" Geneva and
	// Brussels are alternatives, Vienna a wrong guess.
	dropped := map[int]bool{}
	partner := map[string]string{} // an unknown alternative -> a known one of its chain
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
					dropped[a] = true
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
			dropped[a] = true
			if p, ok := partner[ta.surface]; ok {
				join(p, tb.surface)
			}
			partner[ta.surface] = tb.surface
		case tb.id < 0 && ta.id >= 0:
			dropped[b] = true
			partner[tb.surface] = ta.surface
		case ta.id >= 0 && tb.id >= 0:
			join(ta.surface, tb.surface)
		}
	}
	for k := len(terms) - 1; k >= 0; k-- {
		if dropped[k] {
			terms = slices.Delete(terms, k, k+1)
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
