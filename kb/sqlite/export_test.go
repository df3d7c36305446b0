package sqlite

import (
	"context"

	"crisisbot/kb"
)

// OpenDSNForTest opens path with extra SQLite URI parameters, such as
// mode=ro, which production never uses.
func OpenDSNForTest(ctx context.Context, path, params string) (*Store, error) {
	return open(ctx, path, kb.StoreOptions{}, params)
}
