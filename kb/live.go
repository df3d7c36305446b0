package kb

import "sync/atomic"

// Live holds a fixed index for a process without a moderated knowledge base
// (the terminal commands); a Library serves changing ones. Readers call Load
// and keep the index they got for the whole request. Live is safe for
// concurrent use; its zero value holds no index.
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
