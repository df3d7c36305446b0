package kb

import "sync/atomic"

// Live holds the index currently in use. Readers call Load and keep the index
// they got for the whole request; a writer builds a new index and calls Store.
// Readers never wait for writers. Live is safe for concurrent use; its zero
// value holds no index.
type Live struct {
	p atomic.Pointer[Index]
}

// NewLive returns a Live holding ix.
func NewLive(ix *Index) *Live {
	l := &Live{}
	l.p.Store(ix)
	return l
}

// Load returns the current index.
func (l *Live) Load() *Index { return l.p.Load() }

// Store makes ix the current index.
func (l *Live) Store(ix *Index) { l.p.Store(ix) }
