package postgres

import (
	"context"
	"time"

	"crisisbot/kb"
)

// ApplyLock is the advisory lock key saves take, for tests that hold it.
const ApplyLock = applyLock

// OpenWithLockTimeout opens a store whose saves wait at most d for the
// write lock.
func OpenWithLockTimeout(ctx context.Context, rawURL string, d time.Duration) (*Store, error) {
	return open(ctx, rawURL, kb.StoreOptions{}, d)
}

// QueryRowForTest runs one query on the store's pool and scans its row.
func (s *Store) QueryRowForTest(ctx context.Context, sql string, dest ...any) error {
	return s.pool.QueryRow(ctx, sql).Scan(dest...)
}

// Migrations are the schema migrations, in order, for tests that build an
// older schema.
var Migrations = migrations
