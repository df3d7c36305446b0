package sqlite

import (
	"context"
	"database/sql"
)

// Changes implements kb.Store. It first reads PRAGMA data_version on one
// dedicated connection (the value is per connection): when it has not moved
// since the last call, no other connection has committed, and nothing is
// queried.
func (s *Store) Changes(ctx context.Context, since int64) ([]string, int64, error) {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	if s.watch == nil {
		c, err := s.db.Conn(ctx)
		if err != nil {
			return nil, since, err
		}
		s.watch = c
	}
	var dv int64
	if err := s.watch.QueryRowContext(ctx, "PRAGMA data_version").Scan(&dv); err != nil {
		return nil, since, err
	}
	if dv == s.dataVersion && since == s.mark {
		return nil, since, nil
	}
	scopes, mark, err := changedScopes(ctx, s.watch, "versions", since)
	if err != nil {
		return nil, since, err
	}
	s.dataVersion, s.mark = dv, mark
	return scopes, mark, nil
}

// querier is what changedScopes needs of a *sql.DB or a *sql.Conn.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// changedScopes returns the scopes with rows in table (versions or
// source_versions) after the id since, and the newest id: the change marks
// of Changes and SourceChanges.
func changedScopes(ctx context.Context, q querier, table string, since int64) ([]string, int64, error) {
	var mark int64
	if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+table).Scan(&mark); err != nil {
		return nil, since, err
	}
	if mark == since {
		return nil, since, nil
	}
	rows, err := q.QueryContext(ctx, "SELECT DISTINCT scope FROM "+table+" WHERE id > ? AND id <= ? ORDER BY scope", since, mark)
	if err != nil {
		return nil, since, err
	}
	defer rows.Close()
	var scopes []string
	for rows.Next() {
		var sc string
		if err := rows.Scan(&sc); err != nil {
			return nil, since, err
		}
		scopes = append(scopes, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, since, err
	}
	return scopes, mark, nil
}
