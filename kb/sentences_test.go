package kb

import (
	"fmt"
	"testing"
)

// TestStartsCache_EvictsLeastRecentlyUsed checks that the cache of source
// indexes stays bounded and keeps the texts in use: a new text replaces the
// one used longest ago, not the one just used.
func TestStartsCache_EvictsLeastRecentlyUsed(t *testing.T) {
	startsCache.Lock()
	saved := startsCache.m
	startsCache.m = nil
	startsCache.Unlock()
	t.Cleanup(func() {
		startsCache.Lock()
		startsCache.m = saved
		startsCache.Unlock()
	})
	text := func(i int) string { return fmt.Sprintf("Source number %d says something.\n", i) }
	first := startsOf(text(0))
	for i := 1; i < maxCachedSources; i++ {
		startsOf(text(i))
	}
	if got := startsOf(text(0)); got != first {
		t.Fatal("a cached text was indexed again")
	}
	startsOf(text(maxCachedSources)) // full: evicts text 1, the least recently used
	startsCache.Lock()
	n := len(startsCache.m)
	_, kept0 := startsCache.m[text(0)]
	_, kept1 := startsCache.m[text(1)]
	_, keptNew := startsCache.m[text(maxCachedSources)]
	startsCache.Unlock()
	if n != maxCachedSources {
		t.Errorf("cache holds %d texts, want %d", n, maxCachedSources)
	}
	if !kept0 || kept1 || !keptNew {
		t.Errorf("kept text 0 %v (want true), text 1 %v (want false), the new text %v (want true)", kept0, kept1, keptNew)
	}
}
