package kb

import "sync"

// PruneCounter counts records per scope since each scope's last prune, for
// stores that prune every StoreOptions.PruneEvery records. The zero value
// is ready to use. Safe for concurrent use.
type PruneCounter struct {
	mu      sync.Mutex
	pending map[string]int
}

// Add adds the records just made, per scope, and returns the scopes that
// have reached every records since their last prune; their counts start
// again from zero.
func (p *PruneCounter) Add(added map[string]int, every int) (due []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending == nil {
		p.pending = map[string]int{}
	}
	for scope, n := range added {
		p.pending[scope] += n
		if p.pending[scope] >= every {
			delete(p.pending, scope)
			due = append(due, scope)
		}
	}
	return due
}
