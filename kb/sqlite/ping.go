package sqlite

import "context"

// Ping checks that the database answers, with one trivial query: the
// readiness probe's store check. Safe for concurrent use.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}
