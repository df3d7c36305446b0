package kb

import (
	"slices"
	"sync"
)

// nameCache shares sourceNames between the indexes a Library builds: its
// scopes see the same few source lists (the global one, and the global one
// plus a server's own sources), and finding the names in them was about a
// tenth of building an index. Entries are matched on the vocabulary and the
// sources' texts (the only inputs of sourceNames); the newest maxNameSets
// are kept. Safe for concurrent use; the maps it returns are shared and
// must not be modified.
type nameCache struct {
	mu   sync.Mutex
	sets []*nameSet // the most recently used last
}

const maxNameSets = 8

type nameSet struct {
	voc   *vocab
	texts []string
	once  sync.Once
	names map[string]bool
}

// names returns sourceNames(v, sources), computed once per vocabulary and
// set of texts. A nil cache computes it every time.
func (c *nameCache) names(v *vocab, sources []Source) map[string]bool {
	if c == nil {
		return sourceNames(v, sources)
	}
	c.mu.Lock()
	var set *nameSet
	for i, s := range c.sets {
		if s.voc == v && slices.EqualFunc(s.texts, sources, func(t string, src Source) bool { return t == src.Text }) {
			set = s
			c.sets = append(slices.Delete(c.sets, i, i+1), s)
			break
		}
	}
	if set == nil {
		set = &nameSet{voc: v, texts: make([]string, len(sources))}
		for i, src := range sources {
			set.texts[i] = src.Text
		}
		if len(c.sets) == maxNameSets {
			c.sets = slices.Delete(c.sets, 0, 1)
		}
		c.sets = append(c.sets, set)
	}
	c.mu.Unlock()
	set.once.Do(func() { set.names = sourceNames(v, sources) })
	return set.names
}
