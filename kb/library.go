package kb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
)

// Library serves one index per scope from a Store: the global entries for
// DMs and servers without a layer, and the global entries with a server's
// layer on top for that server. Readers get an immutable *Index without
// waiting for writers; Apply validates, stores, then swaps in rebuilt
// indexes. Safe for concurrent use.
type Library struct {
	store   Store
	sources []Source
	texts   map[string]string // the sources' normalised texts, for quote checks
	keys    map[string]string // memo of phrase keys for validation; guarded by mu
	opts    Options
	log     *slog.Logger

	mu     sync.Mutex // serialises writers, guards the caches below
	global atomic.Pointer[Index]
	scoped sync.Map // scope -> *Index, for scopes with a layer

	// The current versions per scope, as stored: kept so an edit does not
	// re-read the whole store.
	current map[string][]Version
}

// OpenLibrary loads every scope from store, first seeding or updating the
// global scope from the curated knowledge base shipped in the binary:
// entries no moderator has changed follow the binary; where a moderator
// changed an entry, theirs stays and the difference is logged.
func OpenLibrary(ctx context.Context, store Store, curated *KB, opts Options, log *slog.Logger) (*Library, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Library{store: store, sources: curated.Sources, texts: normalizedTexts(curated.Sources), keys: map[string]string{}, opts: opts, log: log, current: map[string][]Version{}}
	global, err := l.seed(ctx, curated)
	if err != nil {
		return nil, err
	}
	if err := l.reload(ctx, global); err != nil {
		return nil, err
	}
	return l, nil
}

// seed brings the global scope up to date with the binary and returns its
// current versions.
func (l *Library) seed(ctx context.Context, curated *KB) ([]Version, error) {
	cur, err := l.store.Current(ctx, GlobalScope)
	if err != nil {
		return nil, fmt.Errorf("read the global scope: %w", err)
	}
	have := map[string]Version{}
	for _, v := range cur {
		have[v.EntryID] = v
	}
	var changes []Change
	for i := range curated.Entries {
		e := curated.Entries[i]
		v, ok := have[e.ID]
		switch {
		case !ok:
			changes = append(changes, Change{Scope: GlobalScope, EntryID: e.ID, Entry: &e, Action: ActionSeed, Author: CuratedAuthor, Base: 0})
		case v.Author == CuratedAuthor:
			if v.Entry == nil || !reflect.DeepEqual(*v.Entry, e) {
				changes = append(changes, Change{Scope: GlobalScope, EntryID: e.ID, Entry: &e, Action: ActionSeed, Author: CuratedAuthor, Base: v.Version})
			}
		default:
			if v.Entry == nil || !reflect.DeepEqual(*v.Entry, e) {
				l.log.Warn("the binary's curated entry differs from a moderator's version; keeping the moderator's",
					"entry", e.ID, "version", v.Version, "author", v.Author)
			}
		}
	}
	if len(changes) == 0 {
		return cur, nil
	}
	vs, err := l.store.Apply(ctx, changes)
	if err != nil {
		return nil, fmt.Errorf("seed the curated entries: %w", err)
	}
	l.log.Info("applied curated entries", "count", len(changes))
	return mergeCurrent(cur, vs), nil
}

// reload reads every server scope from the store and rebuilds every index;
// global holds the global scope's current versions.
func (l *Library) reload(ctx context.Context, global []Version) error {
	scopes, err := l.store.Scopes(ctx)
	if err != nil {
		return err
	}
	current := map[string][]Version{GlobalScope: global}
	for _, sc := range scopes {
		if sc == GlobalScope {
			continue
		}
		vs, err := l.store.Current(ctx, sc)
		if err != nil {
			return fmt.Errorf("load scope %s: %w", sc, err)
		}
		current[sc] = vs
	}
	l.current = current
	l.global.Store(NewIndex(&KB{Sources: l.sources, Entries: l.entries(GlobalScope, nil)}, l.opts))
	for sc := range current {
		if sc != GlobalScope {
			l.scoped.Store(sc, NewIndex(&KB{Sources: l.sources, Entries: l.entries(sc, nil)}, l.opts))
		}
	}
	return nil
}

// entries returns the scope's entries with extra versions applied on top.
// The caller holds l.mu (or is OpenLibrary).
func (l *Library) entries(scope string, extra []Version) []Entry {
	global := l.current[GlobalScope]
	if scope == GlobalScope {
		return Layer(nil, append(global[:len(global):len(global)], extra...))
	}
	layer := l.current[scope]
	return Layer(Layer(nil, global), append(layer[:len(layer):len(layer)], extra...))
}

// Index returns the index for a scope: a server id, or GlobalScope for DMs.
func (l *Library) Index(scope string) *Index {
	if scope != "" && scope != GlobalScope {
		if ix, ok := l.scoped.Load(scope); ok {
			return ix.(*Index)
		}
	}
	return l.global.Load()
}

// Store returns the library's store.
func (l *Library) Store() Store { return l.store }

// Apply validates the scope's knowledge base with the changes applied, stores
// them in one transaction and swaps in the rebuilt index(es). A change to the
// global scope rebuilds every scope. All changes must share one scope.
func (l *Library) Apply(ctx context.Context, changes []Change) ([]Version, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	scope := changes[0].Scope
	for _, c := range changes {
		if c.Scope != scope {
			return nil, errors.New("apply: changes span scopes")
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	extra := make([]Version, len(changes))
	changed := map[string]bool{}
	for i, c := range changes {
		extra[i] = Version{Scope: c.Scope, EntryID: c.EntryID, Entry: c.Entry}
		changed[c.EntryID] = true
	}
	k := &KB{Sources: l.sources, Entries: l.entries(scope, extra)}
	if len(l.keys) > 1<<20 {
		clear(l.keys) // bound the memo; it refills on the next edit
	}
	if err := validate(scope, k, changed, l.texts, l.keys); err != nil {
		return nil, err
	}
	vs, err := l.store.Apply(ctx, changes)
	if err != nil {
		return nil, err
	}
	l.current[scope] = mergeCurrent(l.current[scope], vs)
	if scope == GlobalScope {
		l.global.Store(NewIndex(k, l.opts))
		for sc := range l.current {
			if sc != GlobalScope {
				l.scoped.Store(sc, NewIndex(&KB{Sources: l.sources, Entries: l.entries(sc, nil)}, l.opts))
			}
		}
		return vs, nil
	}
	var upserts []Entry
	var removals []string
	for _, c := range changes {
		if c.Entry != nil {
			upserts = append(upserts, *c.Entry)
		} else {
			removals = append(removals, c.EntryID)
		}
	}
	l.scoped.Store(scope, l.Index(scope).With(upserts, removals))
	return vs, nil
}

// mergeCurrent replaces or appends the new versions in a scope's current list.
func mergeCurrent(cur, vs []Version) []Version {
	out := append([]Version(nil), cur...)
	pos := map[string]int{}
	for i, v := range out {
		pos[v.EntryID] = i
	}
	for _, v := range vs {
		if i, ok := pos[v.EntryID]; ok {
			out[i] = v
			continue
		}
		pos[v.EntryID] = len(out)
		out = append(out, v)
	}
	return out
}
