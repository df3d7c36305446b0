package kb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
)

// DefaultMaxLayerEntries is how many entries a server's layer may hold when
// Options.MaxLayerEntries is zero.
const DefaultMaxLayerEntries = 1000

// ErrScopeUnavailable refuses a change to a server's layer that could not be
// loaded; the server is served the global entries meanwhile. Its message is
// safe to show.
var ErrScopeUnavailable = errors.New("this server's knowledge base is damaged and was not loaded; ask the bot's operator to check the log")

// LayerFullError refuses a change that would take a server's layer past
// Options.MaxLayerEntries. Its message is safe to show.
type LayerFullError struct {
	Limit int
}

func (e *LayerFullError) Error() string {
	return fmt.Sprintf("this server's knowledge base is full: it may add, change or hide at most %d entries", e.Limit)
}

// snapshot is what a scope serves: an index and the scope's own version of
// each entry, taken together so they always agree.
type snapshot struct {
	ix       *Index
	versions map[string]int // entry id -> the scope's version; absent when the scope has none
}

// Library serves one index per scope from a Store: the global entries for
// DMs and servers without a layer, and the global entries with a server's
// layer on top for that server. Readers get an immutable *Index without
// waiting for writers; Apply validates, stores, then swaps in rebuilt
// indexes; Refresh (or Watch) brings in what other processes stored. Safe
// for concurrent use.
type Library struct {
	store    Store
	sources  []Source
	texts    map[string]string // the sources' normalised texts, for quote checks
	keys     map[string]string // memo of phrase keys for validation; guarded by mu
	opts     Options
	maxLayer int
	log      *slog.Logger

	mu     sync.Mutex // serialises writers and refreshes, guards the fields below
	global atomic.Pointer[snapshot]
	scoped sync.Map // scope -> *snapshot, for scopes with a layer

	// The current versions per scope, as stored: kept so an edit does not
	// re-read the whole store.
	current map[string][]Version
	broken  map[string]error // server scopes that failed to load
	mark    int64            // the store's Changes mark this library has caught up with
	src     sourceState      // the sources moderators added, per scope

	watchMu sync.Mutex // guards stop and done
	stop    context.CancelFunc
	done    chan struct{}
}

// OpenLibrary loads every scope from store, first seeding or updating the
// global scope from the curated knowledge base shipped in the binary:
// entries no moderator has changed follow the binary; where a moderator
// changed an entry, theirs stays and the difference is logged. A server
// scope that cannot be loaded (a damaged row, an entry that fails
// validation) is logged and skipped: that server is served the global
// entries and its changes are refused with ErrScopeUnavailable.
func OpenLibrary(ctx context.Context, store Store, curated *KB, opts Options, log *slog.Logger) (*Library, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts.names = &nameCache{} // its scopes' indexes share the names found in their sources
	l := &Library{store: store, sources: curated.Sources, texts: normalizedTexts(curated.Sources), keys: map[string]string{},
		opts: opts, maxLayer: opts.MaxLayerEntries, log: log, current: map[string][]Version{}, broken: map[string]error{}}
	if l.maxLayer <= 0 {
		l.maxLayer = DefaultMaxLayerEntries
	}
	var global []Version
	var err error
	// Another process opening the same new database seeds it at the same
	// time; the loser of a race finds the winner's versions and retries.
	for attempt := 0; ; attempt++ {
		global, err = l.seed(ctx, curated)
		if !errors.Is(err, ErrConflict) || attempt == 4 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	// The mark is taken before reading, so nothing stored meanwhile is missed.
	if _, l.mark, err = store.Changes(ctx, 0); err != nil {
		return nil, fmt.Errorf("read the change mark: %w", err)
	}
	if err := l.loadSources(ctx); err != nil {
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
// global holds the global scope's current versions. Scopes are read and
// their indexes built in parallel (see storeSnapshots); each is checked in
// turn. The caller holds l.mu (or is OpenLibrary).
func (l *Library) reload(ctx context.Context, global []Version) error {
	scopes, err := l.store.Scopes(ctx)
	if err != nil {
		return fmt.Errorf("list scopes: %w", err)
	}
	l.current = map[string][]Version{GlobalScope: global}
	l.storeSnapshot(GlobalScope)
	servers := slices.DeleteFunc(scopes, func(sc string) bool { return sc == GlobalScope })
	read := make([][]Version, len(servers))
	errs := make([]error, len(servers))
	parallel(len(servers), func(i int) { read[i], errs[i] = l.store.Current(ctx, servers[i]) })
	loaded := servers[:0]
	for i, sc := range servers {
		err := errs[i]
		if err != nil {
			err = fmt.Errorf("load scope %s: %w", sc, err)
		} else {
			err = l.checkScope(sc, read[i])
		}
		if l.loaded(sc, err) {
			loaded = append(loaded, sc)
		}
	}
	l.storeSnapshots(loaded)
	l.loadSourceScopes(ctx)
	return nil
}

// loadScope reads a server scope from the store, checks it and serves it.
// On failure the scope is logged and marked broken, and keeps what it
// served before (the global entries, at startup). The caller holds l.mu.
func (l *Library) loadScope(ctx context.Context, sc string) {
	vs, err := l.store.Current(ctx, sc)
	if err != nil {
		err = fmt.Errorf("load scope %s: %w", sc, err)
	} else {
		err = l.checkScope(sc, vs)
	}
	if l.loaded(sc, err) {
		l.storeSnapshot(sc)
	}
}

// loaded records whether a server scope loaded (err is nil) and logs it
// when it did not. The caller holds l.mu.
func (l *Library) loaded(sc string, err error) bool {
	if err != nil {
		l.broken[sc] = err
		l.log.Error("a server's knowledge base cannot be loaded; serving it the global entries and refusing its changes",
			"scope", sc, "err", err)
		return false
	}
	delete(l.broken, sc)
	return true
}

// checkScope validates a server scope's versions as read from the store
// and keeps them in l.current. The caller holds l.mu.
func (l *Library) checkScope(sc string, vs []Version) error {
	layer := map[string]bool{}
	for _, v := range vs {
		if v.Entry != nil && v.Entry.ID != v.EntryID {
			return fmt.Errorf("load scope %s: version %d of %s holds entry %q", sc, v.Version, v.EntryID, v.Entry.ID)
		}
		layer[v.EntryID] = true
	}
	global := l.current[GlobalScope]
	k := &KB{Sources: l.sourceList(sc), Entries: Layer(Layer(nil, global), vs)}
	if err := validateStored(sc, k, layer, l.sourceTexts(sc)); err != nil {
		return fmt.Errorf("load scope %s: %w", sc, err)
	}
	l.current[sc] = vs
	return nil
}

// storeSnapshot rebuilds and serves the scope's index from l.current.
func (l *Library) storeSnapshot(scope string) {
	l.serve(scope, NewIndex(&KB{Sources: l.sourceList(scope), Entries: l.entries(scope, nil)}, l.opts))
}

// storeSnapshots is storeSnapshot for many scopes, their indexes built in
// parallel (at most GOMAXPROCS at once), each served as soon as it is
// built. What the builds share (l.current, the source lists) is gathered
// first and only read while they run. The caller holds l.mu.
func (l *Library) storeSnapshots(scopes []string) {
	kbs := make([]*KB, len(scopes))
	for i, sc := range scopes {
		kbs[i] = &KB{Sources: l.sourceList(sc), Entries: l.entries(sc, nil)}
	}
	parallel(len(scopes), func(i int) { l.serve(scopes[i], NewIndex(kbs[i], l.opts)) })
}

// serve serves ix for scope, with the scope's versions from l.current.
func (l *Library) serve(scope string, ix *Index) {
	cur := l.current[scope]
	snap := &snapshot{ix: ix, versions: make(map[string]int, len(cur))}
	for _, v := range cur {
		snap.versions[v.EntryID] = v.Version
	}
	if scope == GlobalScope {
		l.global.Store(snap)
		return
	}
	l.scoped.Store(scope, snap)
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

// snapshot returns what scope is served, and whether it is the scope's own
// (false when a server without a layer is served the global entries).
func (l *Library) snapshot(scope string) (*snapshot, bool) {
	if scope != "" && scope != GlobalScope {
		if s, ok := l.scoped.Load(scope); ok {
			return s.(*snapshot), true
		}
		return l.global.Load(), false
	}
	return l.global.Load(), true
}

// Index returns the index for a scope: a server id, or GlobalScope for DMs.
func (l *Library) Index(scope string) *Index {
	s, _ := l.snapshot(scope)
	return s.ix
}

// Entry returns a copy of the entry with the given id as the scope is served
// now, and the scope's version of it: the Base for a change to it, 0 when
// the scope has no version of it (a server that has not changed a global
// entry). Entry and version come from one snapshot, so a change based on
// them is refused with ErrConflict if anything stored the entry since.
func (l *Library) Entry(scope, id string) (Entry, int, bool) {
	s, own := l.snapshot(scope)
	e, ok := s.ix.Entry(id)
	if !ok {
		return Entry{}, 0, false
	}
	v := 0
	if own {
		v = s.versions[e.ID]
	}
	return *e, v, true
}

// Apply validates the scope's knowledge base with the changes applied, stores
// them in one transaction and swaps in the rebuilt index(es). A change to the
// global scope rebuilds every scope. All changes must share one scope. A
// change that would take a server's layer past its limit is refused with a
// *LayerFullError.
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
	if err := l.broken[scope]; err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrScopeUnavailable, err)
	}
	extra := make([]Version, len(changes))
	changed := map[string]bool{}
	for i, c := range changes {
		extra[i] = Version{Scope: c.Scope, EntryID: c.EntryID, Entry: c.Entry}
		changed[c.EntryID] = true
	}
	if scope != GlobalScope {
		before := len(l.current[scope])
		if after := len(mergeCurrent(l.current[scope], extra)); after > l.maxLayer && after > before {
			return nil, &LayerFullError{Limit: l.maxLayer}
		}
	}
	k := &KB{Sources: l.sourceList(scope), Entries: l.entries(scope, extra)}
	if len(l.keys) > 1<<20 {
		clear(l.keys) // bound the memo; it refills on the next edit
	}
	if err := validate(scope, k, changed, l.sourceTexts(scope), l.keys); err != nil {
		return nil, err
	}
	vs, err := l.store.Apply(ctx, changes)
	if err != nil {
		return nil, err
	}
	l.current[scope] = mergeCurrent(l.current[scope], vs)
	defer l.changed(scope, vs)
	if scope == GlobalScope {
		l.serve(GlobalScope, NewIndex(k, l.opts))
		l.rebuildServers()
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
	l.serve(scope, l.Index(scope).With(upserts, removals))
	return vs, nil
}

// rebuildServers rebuilds every loaded server scope, after the global scope
// changed, in parallel. The caller holds l.mu.
func (l *Library) rebuildServers() {
	var servers []string
	for sc := range l.current {
		if sc != GlobalScope {
			servers = append(servers, sc)
		}
	}
	l.storeSnapshots(servers)
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
