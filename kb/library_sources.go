package kb

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// sourceState is what a Library knows of the sources moderators added. It is
// guarded by Library.mu.
type sourceState struct {
	cur   map[string][]SourceVersion // scope -> current version of each of its sources, removals included
	mark  int64                      // the store's SourceChanges mark caught up with
	lists map[string][]Source        // memo: scope -> the sources it sees
	texts map[string]map[string]string
	norm  map[string]string // memo: scope/id -> the current version's normalised text
}

// loadSources reads every scope's stored sources. The caller holds l.mu (or
// is OpenLibrary).
func (l *Library) loadSources(ctx context.Context) error {
	_, mark, err := l.store.SourceChanges(ctx, 0)
	if err != nil {
		return fmt.Errorf("read the source change mark: %w", err)
	}
	all, err := l.store.CurrentSources(ctx)
	if err != nil {
		return fmt.Errorf("read the sources: %w", err)
	}
	cur := map[string][]SourceVersion{}
	for _, v := range all {
		cur[v.Scope] = append(cur[v.Scope], v)
	}
	l.src = sourceState{cur: cur, mark: mark}
	return nil
}

// loadSourceScopes serves the server scopes that have sources of their own
// but no entries. The caller holds l.mu (or is OpenLibrary).
func (l *Library) loadSourceScopes(ctx context.Context) {
	for sc := range l.src.cur {
		if _, ok := l.current[sc]; !ok && sc != GlobalScope && l.broken[sc] == nil {
			l.loadScope(ctx, sc)
		}
	}
}

// sourceList returns the sources a scope sees: the shipped ones, the global
// scope's added ones, and for a server its own. The caller holds l.mu.
func (l *Library) sourceList(scope string) []Source {
	if s, ok := l.src.lists[scope]; ok {
		return s
	}
	var out []Source
	if scope == GlobalScope || len(l.src.cur[scope]) == 0 {
		out = slices.Clone(l.sources)
		for _, v := range l.src.cur[GlobalScope] {
			if v.Source != nil {
				out = append(out, *v.Source)
			}
		}
	} else {
		out = slices.Clone(l.sourceList(GlobalScope))
		for _, v := range l.src.cur[scope] {
			if v.Source != nil {
				out = append(out, *v.Source)
			}
		}
	}
	if l.src.lists == nil {
		l.src.lists = map[string][]Source{}
	}
	l.src.lists[scope] = out
	return out
}

// sourceTexts returns the normalised texts of the sources a scope sees, for
// quote checks. The caller holds l.mu.
func (l *Library) sourceTexts(scope string) map[string]string {
	if len(l.src.cur[GlobalScope]) == 0 && len(l.src.cur[scope]) == 0 {
		return l.texts
	}
	if t, ok := l.src.texts[scope]; ok {
		return t
	}
	var t map[string]string
	if scope == GlobalScope || len(l.src.cur[scope]) == 0 {
		t = maps.Clone(l.texts)
		l.addTexts(t, l.src.cur[GlobalScope])
	} else {
		t = maps.Clone(l.sourceTexts(GlobalScope))
		l.addTexts(t, l.src.cur[scope])
	}
	if l.src.texts == nil {
		l.src.texts = map[string]map[string]string{}
	}
	l.src.texts[scope] = t
	return t
}

// addTexts adds the normalised texts of the sources in vs to t, normalising
// each source once. The caller holds l.mu.
func (l *Library) addTexts(t map[string]string, vs []SourceVersion) {
	for _, v := range vs {
		if v.Source == nil {
			continue
		}
		key := v.Scope + "/" + v.SourceID
		n, ok := l.src.norm[key]
		if !ok {
			n = NormalizeQuote(v.Source.Text)
			if l.src.norm == nil {
				l.src.norm = map[string]string{}
			}
			l.src.norm[key] = n
		}
		t[v.SourceID] = n
	}
}

// Sources returns the sources a scope sees (a server id, or GlobalScope):
// the shipped ones, then those added globally, then the server's own.
func (l *Library) Sources(scope string) []Source {
	return l.Index(scope).KB().Sources
}

// AddSource adds a source document to a scope under a new id made from its
// title (SourceSlug, with -2, -3… when taken): it must pass CheckSource, and
// the scope may hold at most MaxScopeSources of its own. Quotes from it are
// checked verbatim like quotes from the shipped article from then on.
func (l *Library) AddSource(ctx context.Context, scope string, s Source, author string) (SourceVersion, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.broken[scope]; err != nil {
		return SourceVersion{}, fmt.Errorf("%w (%v)", ErrScopeUnavailable, err)
	}
	live := 0
	for _, v := range l.src.cur[scope] {
		if v.Source != nil {
			live++
		}
	}
	if live >= MaxScopeSources {
		return SourceVersion{}, &SourcesFullError{Limit: MaxScopeSources}
	}
	base := SourceSlug(s.Title)
	s.ID = base
	for n := 2; l.sourceIDTaken(scope, s.ID); n++ {
		suffix := "-" + strconv.Itoa(n)
		s.ID = base[:min(len(base), MaxIDLen-len(suffix))] + suffix
	}
	if err := CheckSource(s); err != nil {
		return SourceVersion{}, err
	}
	return l.applySource(ctx, SourceChange{Scope: scope, SourceID: s.ID, Source: &s, Action: ActionSourceAdd, Author: author})
}

// sourceIDTaken reports whether id names a source a scope sees or has had,
// or (for the global scope) any server's source. The caller holds l.mu.
func (l *Library) sourceIDTaken(scope, id string) bool {
	had := func(sc string) bool {
		return slices.ContainsFunc(l.src.cur[sc], func(v SourceVersion) bool { return v.SourceID == id })
	}
	if slices.ContainsFunc(l.sources, func(s Source) bool { return s.ID == id }) || had(GlobalScope) || had(scope) {
		return true
	}
	if scope == GlobalScope {
		for sc := range l.src.cur {
			if had(sc) {
				return true
			}
		}
	}
	return false
}

// RemoveSource stops serving a scope's source; it stays in the history. A
// source that entries cite is refused with a *SourceInUseError naming them
// (for a global source, the entries of every server too).
func (l *Library) RemoveSource(ctx context.Context, scope, id, author string) (SourceVersion, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.broken[scope]; err != nil {
		return SourceVersion{}, fmt.Errorf("%w (%v)", ErrScopeUnavailable, err)
	}
	v, ok := l.ownSource(scope, id)
	if !ok || v.Source == nil {
		return SourceVersion{}, ErrSourceNotFound
	}
	if citing := l.citing(scope, id); len(citing) > 0 {
		return SourceVersion{}, &SourceInUseError{SourceID: id, Entries: citing}
	}
	return l.applySource(ctx, SourceChange{Scope: scope, SourceID: id, Action: ActionSourceRemove, Author: author, Base: v.Version})
}

// RevertSource restores an earlier version of a scope's source as a new
// version (a removed source comes back; restoring a removal is a removal,
// refused like RemoveSource while entries cite it).
func (l *Library) RevertSource(ctx context.Context, scope, id string, version int, author string) (SourceVersion, error) {
	hist, err := l.store.SourceHistory(ctx, scope, id)
	if errors.Is(err, ErrNotFound) || (err == nil && (version < 1 || version > len(hist))) {
		return SourceVersion{}, ErrSourceNotFound
	}
	if err != nil {
		return SourceVersion{}, err
	}
	old := hist[version-1]
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.broken[scope]; err != nil {
		return SourceVersion{}, fmt.Errorf("%w (%v)", ErrScopeUnavailable, err)
	}
	cur, _ := l.ownSource(scope, id)
	if old.Source == nil {
		if citing := l.citing(scope, id); len(citing) > 0 {
			return SourceVersion{}, &SourceInUseError{SourceID: id, Entries: citing}
		}
	}
	return l.applySource(ctx, SourceChange{Scope: scope, SourceID: id, Source: old.Source, Action: ActionSourceRevert, Author: author, Base: cur.Version})
}

// ownSource returns the current version of a scope's own source. The caller
// holds l.mu.
func (l *Library) ownSource(scope, id string) (SourceVersion, bool) {
	for _, v := range l.src.cur[scope] {
		if v.SourceID == id {
			return v, true
		}
	}
	return SourceVersion{}, false
}

// citing lists the entries served with a citation of source id: in the
// scope, and for the global scope in every server too. The caller holds l.mu.
func (l *Library) citing(scope, id string) []string {
	var out []string
	seen := map[string]bool{}
	scopes := []string{scope}
	if scope == GlobalScope {
		for sc := range l.current {
			if sc != GlobalScope {
				scopes = append(scopes, sc)
			}
		}
		slices.Sort(scopes[1:])
	}
	for _, sc := range scopes {
		for _, e := range l.entries(sc, nil) {
			for _, c := range e.Citations {
				if c.SourceID != id {
					continue
				}
				name := e.ID
				if sc != scope {
					name = sc + "/" + e.ID
				}
				if sc == scope || !seen[e.ID] {
					out = append(out, name)
				}
				seen[e.ID] = true
				break
			}
		}
	}
	return out
}

// applySource stores a source change and serves the scopes that see it. The
// caller holds l.mu.
func (l *Library) applySource(ctx context.Context, c SourceChange) (SourceVersion, error) {
	v, err := l.store.ApplySource(ctx, c)
	if err != nil {
		return SourceVersion{}, err
	}
	l.setSource(v)
	l.servedSources(c.Scope)
	return v, nil
}

// setSource records a scope's new source version and drops the memos.
func (l *Library) setSource(v SourceVersion) {
	if l.src.cur == nil {
		l.src.cur = map[string][]SourceVersion{}
	}
	vs := l.src.cur[v.Scope]
	if i := slices.IndexFunc(vs, func(o SourceVersion) bool { return o.SourceID == v.SourceID }); i >= 0 {
		vs = slices.Clone(vs)
		vs[i] = v
	} else {
		vs = append(slices.Clone(vs), v)
	}
	l.src.cur[v.Scope] = vs
	l.src.lists, l.src.texts = nil, nil
	delete(l.src.norm, v.Scope+"/"+v.SourceID)
}

// servedSources rebuilds what a scope serves after its sources changed: for
// the global scope every scope, for a server that server. The caller holds
// l.mu.
func (l *Library) servedSources(scope string) {
	if scope == GlobalScope {
		l.storeSnapshot(GlobalScope)
		l.rebuildServers()
		return
	}
	if _, ok := l.current[scope]; !ok {
		l.current[scope] = nil // a server with sources but no entries of its own
	}
	l.storeSnapshot(scope)
}

// refreshSources brings in sources other processes stored (an operator's
// `kb source add --db`). The caller holds l.mu.
func (l *Library) refreshSources(ctx context.Context) error {
	scopes, _, err := l.store.SourceChanges(ctx, l.src.mark)
	if err != nil || len(scopes) == 0 {
		return err
	}
	before := l.src.cur
	if err := l.loadSources(ctx); err != nil {
		return err
	}
	for _, sc := range scopes {
		if sameSourceVersions(before[sc], l.src.cur[sc]) {
			continue // this library's own change
		}
		l.servedSources(sc)
		l.log.Info("reloaded a scope's sources after a change by another process", "scope", sc)
	}
	return nil
}

func sameSourceVersions(a, b []SourceVersion) bool {
	return slices.EqualFunc(a, b, func(x, y SourceVersion) bool { return x.SourceID == y.SourceID && x.Version == y.Version })
}

// ScopeSources returns the current version of each source the scope itself
// added (not the shipped or, for a server, the global ones), removed ones
// included (their Source is nil).
func (l *Library) ScopeSources(scope string) []SourceVersion {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.src.cur[scope])
}
