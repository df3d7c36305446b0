package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"crisisbot/kb"
)

func scanSourceVersion(row interface{ Scan(...any) error }) (kb.SourceVersion, error) {
	var v kb.SourceVersion
	var src sql.NullString
	var at, action string
	if err := row.Scan(&v.Scope, &v.SourceID, &v.Version, &action, &src, &v.Author, &at); err != nil {
		return v, err
	}
	v.Action = kb.Action(action)
	v.At, _ = time.Parse(timeFormat, at)
	if src.Valid {
		var s kb.Source
		if err := json.Unmarshal([]byte(src.String), &s); err != nil {
			return v, fmt.Errorf("decode source %s/%s v%d: %w", v.Scope, v.SourceID, v.Version, err)
		}
		v.Source = &s
	}
	return v, nil
}

func (s *Store) sourceVersions(ctx context.Context, query string, args ...any) ([]kb.SourceVersion, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.SourceVersion
	for rows.Next() {
		v, err := scanSourceVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// CurrentSources implements kb.Store.
func (s *Store) CurrentSources(ctx context.Context) ([]kb.SourceVersion, error) {
	return s.sourceVersions(ctx, `
		SELECT v.scope, v.source_id, v.version, v.action, v.source, v.author, v.at
		FROM source_versions v
		JOIN (SELECT scope, source_id, MAX(version) AS mv, MIN(id) AS first FROM source_versions GROUP BY scope, source_id) m
		  ON v.scope = m.scope AND v.source_id = m.source_id AND v.version = m.mv
		ORDER BY v.scope, m.first`)
}

// SourceHistory implements kb.Store.
func (s *Store) SourceHistory(ctx context.Context, scope, sourceID string) ([]kb.SourceVersion, error) {
	vs, err := s.sourceVersions(ctx, `SELECT scope, source_id, version, action, source, author, at FROM source_versions
		WHERE scope = ? AND source_id = ? ORDER BY version`, scope, sourceID)
	if err == nil && len(vs) == 0 {
		err = kb.ErrNotFound
	}
	return vs, err
}

// ApplySource implements kb.Store: one immediate transaction with a conflict
// check, the version and its audit record.
func (s *Store) ApplySource(ctx context.Context, c kb.SourceChange) (kb.SourceVersion, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return kb.SourceVersion{}, fmt.Errorf("begin: %w", classify(err))
	}
	defer tx.Rollback()
	var cur int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM source_versions WHERE scope = ? AND source_id = ?`,
		c.Scope, c.SourceID).Scan(&cur); err != nil {
		return kb.SourceVersion{}, err
	}
	if c.Base != cur {
		return kb.SourceVersion{}, fmt.Errorf("source %s: %w (now at version %d, you started from %d)", c.SourceID, kb.ErrConflict, cur, c.Base)
	}
	var src any
	if c.Source != nil {
		raw, err := json.Marshal(c.Source)
		if err != nil {
			return kb.SourceVersion{}, err
		}
		src = string(raw)
	}
	now := s.opts.Now().UTC()
	v := kb.SourceVersion{Scope: c.Scope, SourceID: c.SourceID, Version: cur + 1, Action: c.Action, Source: c.Source, Author: c.Author, At: now}
	if _, err := tx.ExecContext(ctx, `INSERT INTO source_versions (scope, source_id, version, action, source, author, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		v.Scope, v.SourceID, v.Version, string(v.Action), src, v.Author, now.Format(timeFormat)); err != nil {
		return kb.SourceVersion{}, fmt.Errorf("store source %s v%d: %w", c.SourceID, v.Version, classify(err))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit (scope, actor, action, entry_id, version, detail, at) VALUES (?, ?, ?, ?, ?, 'source', ?)`,
		v.Scope, v.Author, "source-"+string(v.Action), v.SourceID, v.Version, now.Format(timeFormat)); err != nil {
		return kb.SourceVersion{}, err
	}
	if err := tx.Commit(); err != nil {
		return kb.SourceVersion{}, fmt.Errorf("commit: %w", classify(err))
	}
	return v, nil
}

// SourceChanges implements kb.Store.
func (s *Store) SourceChanges(ctx context.Context, since int64) ([]string, int64, error) {
	return changedScopes(ctx, s.db, "source_versions", since)
}
