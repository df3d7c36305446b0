package postgres

import (
	"context"
	"fmt"
)

// Ping checks that the database answers (one connection from the pool, one
// empty query): the readiness probe's store check. An unreachable server
// wraps kb.ErrUnavailable; the error does not name the URL (the probe may
// show it). Safe for concurrent use.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping: %w", classify(err))
	}
	return nil
}
