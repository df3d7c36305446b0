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
	opts    Options
	log     *slog.Logger

	mu     sync.Mutex // serialises writers
	global atomic.Pointer[Index]
	scoped sync.Map // scope -> *Index, for scopes with a layer
}

// OpenLibrary loads every scope from store, first seeding or updating the
// global scope from the curated knowledge base shipped in the binary:
// entries no moderator has changed follow the binary; where a moderator
// changed an entry, theirs stays and the difference is logged.
func OpenLibrary(ctx context.Context, store Store, curated *KB, opts Options, log *slog.Logger) (*Library, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Library{store: store, sources: curated.Sources, opts: opts, log: log}
	if err := l.seed(ctx, curated); err != nil {
		return nil, err
	}
	if err := l.reload(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Library) seed(ctx context.Context, curated *KB) error {
	cur, err := l.store.Current(ctx, GlobalScope)
	if err != nil {
		return fmt.Errorf("read the global scope: %w", err)
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
		return nil
	}
	if _, err := l.store.Apply(ctx, changes); err != nil {
		return fmt.Errorf("seed the curated entries: %w", err)
	}
	l.log.Info("applied curated entries", "count", len(changes))
	return nil
}

// reload rebuilds every index from the store.
func (l *Library) reload(ctx context.Context) error {
	g, err := l.build(ctx, GlobalScope, nil)
	if err != nil {
		return err
	}
	l.global.Store(g)
	scopes, err := l.store.Scopes(ctx)
	if err != nil {
		return err
	}
	for _, sc := range scopes {
		if sc == GlobalScope {
			continue
		}
		ix, err := l.build(ctx, sc, nil)
		if err != nil {
			return err
		}
		l.scoped.Store(sc, ix)
	}
	return nil
}

// entries returns the scope's entries with extra versions applied on top.
func (l *Library) entries(ctx context.Context, scope string, extra []Version) ([]Entry, error) {
	global, err := l.store.Current(ctx, GlobalScope)
	if err != nil {
		return nil, err
	}
	if scope == GlobalScope {
		return Layer(nil, append(global, extra...)), nil
	}
	layer, err := l.store.Current(ctx, scope)
	if err != nil {
		return nil, err
	}
	return Layer(Layer(nil, global), append(layer, extra...)), nil
}

func (l *Library) build(ctx context.Context, scope string, extra []Version) (*Index, error) {
	es, err := l.entries(ctx, scope, extra)
	if err != nil {
		return nil, fmt.Errorf("load scope %s: %w", scope, err)
	}
	return NewIndex(&KB{Sources: l.sources, Entries: es}, l.opts), nil
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
	for i, c := range changes {
		extra[i] = Version{Scope: c.Scope, EntryID: c.EntryID, Entry: c.Entry}
	}
	es, err := l.entries(ctx, scope, extra)
	if err != nil {
		return nil, err
	}
	k := &KB{Sources: l.sources, Entries: es}
	if err := Validate(scope, k); err != nil {
		return nil, err
	}
	vs, err := l.store.Apply(ctx, changes)
	if err != nil {
		return nil, err
	}
	if scope == GlobalScope {
		return vs, l.reload(ctx)
	}
	l.scoped.Store(scope, NewIndex(k, l.opts))
	return vs, nil
}
