package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"crisisbot/kb"
)

// migrationSources keeps the source documents moderators add, versioned per
// scope like entries.
const migrationSources = `CREATE TABLE source_versions (
	id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	scope     text COLLATE "C" NOT NULL,
	source_id text COLLATE "C" NOT NULL,
	version   integer NOT NULL,
	action    text NOT NULL,
	source    text,
	author    text NOT NULL,
	at        timestamptz NOT NULL,
	UNIQUE (scope, source_id, version)
);`

func (s *Store) sourceVersions(ctx context.Context, query string, args ...any) ([]kb.SourceVersion, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []kb.SourceVersion
	for rows.Next() {
		var v kb.SourceVersion
		var src *string
		var action string
		if err := rows.Scan(&v.Scope, &v.SourceID, &v.Version, &action, &src, &v.Author, &v.At); err != nil {
			return nil, err
		}
		v.Action = kb.Action(action)
		v.At = v.At.UTC()
		if src != nil {
			var doc kb.Source
			if err := json.Unmarshal([]byte(*src), &doc); err != nil {
				return nil, fmt.Errorf("decode source %s/%s v%d: %w", v.Scope, v.SourceID, v.Version, err)
			}
			v.Source = &doc
		}
		out = append(out, v)
	}
	return out, classify(rows.Err())
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
		WHERE scope = $1 AND source_id = $2 ORDER BY version`, scope, sourceID)
	if err == nil && len(vs) == 0 {
		err = kb.ErrNotFound
	}
	return vs, err
}

// ApplySource implements kb.Store: the conflict check, the version, its
// audit record and a notification (so other processes reload the scope's
// sources), in one transaction under the write lock.
func (s *Store) ApplySource(ctx context.Context, c kb.SourceChange) (kb.SourceVersion, error) {
	v, err := s.applySource(ctx, c)
	return v, classify(err)
}

func (s *Store) applySource(ctx context.Context, c kb.SourceChange) (kb.SourceVersion, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return kb.SourceVersion{}, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT set_config('lock_timeout', $1, true)`, fmt.Sprintf("%dms", s.lockTimeout.Milliseconds())); err != nil {
		return kb.SourceVersion{}, err
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, applyLock); err != nil {
		return kb.SourceVersion{}, fmt.Errorf("lock for writing: %w", err)
	}
	var cur int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM source_versions WHERE scope = $1 AND source_id = $2`,
		c.Scope, c.SourceID).Scan(&cur); err != nil {
		return kb.SourceVersion{}, err
	}
	if c.Base != cur {
		return kb.SourceVersion{}, fmt.Errorf("source %s: %w (now at version %d, you started from %d)", c.SourceID, kb.ErrConflict, cur, c.Base)
	}
	var src *string
	if c.Source != nil {
		raw, err := json.Marshal(c.Source)
		if err != nil {
			return kb.SourceVersion{}, err
		}
		text := string(raw)
		src = &text
	}
	now := s.opts.Now().UTC().Truncate(time.Microsecond)
	v := kb.SourceVersion{Scope: c.Scope, SourceID: c.SourceID, Version: cur + 1, Action: c.Action, Source: c.Source, Author: c.Author, At: now}
	if _, err := tx.Exec(ctx, `INSERT INTO source_versions (scope, source_id, version, action, source, author, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		v.Scope, v.SourceID, v.Version, string(v.Action), src, v.Author, now); err != nil {
		return kb.SourceVersion{}, fmt.Errorf("store source %s v%d: %w", c.SourceID, v.Version, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO audit (scope, actor, action, entry_id, version, detail, at) VALUES ($1, $2, $3, $4, $5, 'source', $6)`,
		v.Scope, v.Author, "source-"+string(v.Action), v.SourceID, v.Version, now); err != nil {
		return kb.SourceVersion{}, err
	}
	payload, err := json.Marshal(notice{Scope: v.Scope, Source: true})
	if err != nil {
		return kb.SourceVersion{}, err
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, string(payload)); err != nil {
		return kb.SourceVersion{}, fmt.Errorf("notify: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return kb.SourceVersion{}, fmt.Errorf("commit: %w", err)
	}
	return v, nil
}

// SourceChanges implements kb.Store.
func (s *Store) SourceChanges(ctx context.Context, since int64) ([]string, int64, error) {
	var mark int64
	if err := s.pool.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM source_versions`).Scan(&mark); err != nil {
		return nil, since, classify(err)
	}
	if mark == since {
		return nil, since, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT scope FROM source_versions WHERE id > $1 AND id <= $2 ORDER BY scope`, since, mark)
	if err != nil {
		return nil, since, classify(err)
	}
	scopes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, since, classify(err)
	}
	return scopes, mark, nil
}
