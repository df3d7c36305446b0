// Package sqlite is the knowledge-base store on an embedded SQLite database
// (modernc.org/sqlite, pure Go): WAL mode, foreign keys on, full sync, and
// versioned schema migrations applied at open.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"crisisbot/kb"
)

// migrations run in order; PRAGMA user_version records how many have run.
var migrations = []string{
	`CREATE TABLE versions (
		id       INTEGER PRIMARY KEY,
		scope    TEXT NOT NULL,
		entry_id TEXT NOT NULL,
		version  INTEGER NOT NULL,
		action   TEXT NOT NULL,
		entry    TEXT,
		author   TEXT NOT NULL,
		at       TEXT NOT NULL,
		UNIQUE (scope, entry_id, version)
	);
	CREATE TABLE audit (
		id       INTEGER PRIMARY KEY,
		scope    TEXT NOT NULL,
		actor    TEXT NOT NULL,
		action   TEXT NOT NULL,
		entry_id TEXT NOT NULL DEFAULT '',
		version  INTEGER NOT NULL DEFAULT 0,
		detail   TEXT NOT NULL DEFAULT '',
		at       TEXT NOT NULL
	);
	CREATE INDEX audit_scope ON audit (scope, id);
	CREATE TABLE settings (
		scope TEXT NOT NULL,
		key   TEXT NOT NULL,
		value TEXT NOT NULL,
		PRIMARY KEY (scope, key)
	);
	CREATE TABLE questions (
		scope    TEXT NOT NULL,
		question TEXT NOT NULL,
		entry_id TEXT NOT NULL,
		count    INTEGER NOT NULL,
		last     TEXT NOT NULL,
		PRIMARY KEY (scope, question, entry_id)
	);
	CREATE TABLE votes (
		scope    TEXT NOT NULL,
		entry_id TEXT NOT NULL,
		user_id  TEXT NOT NULL,
		up       INTEGER NOT NULL,
		PRIMARY KEY (scope, entry_id, user_id)
	);`,
	// Declined questions are pruned by age across scopes.
	`CREATE INDEX questions_declined_last ON questions (last) WHERE entry_id = '';`,
	// Members' confirmations that a question is answered by an entry.
	`CREATE TABLE picks (
		scope    TEXT NOT NULL,
		question TEXT NOT NULL,
		entry_id TEXT NOT NULL,
		count    INTEGER NOT NULL,
		last     TEXT NOT NULL,
		PRIMARY KEY (scope, question, entry_id)
	);`,
	// Public answers the bot posted, remembered for corrections.
	`CREATE TABLE answers (
		id         INTEGER PRIMARY KEY,
		scope      TEXT NOT NULL,
		channel_id TEXT NOT NULL,
		message_id TEXT NOT NULL,
		entry_id   TEXT NOT NULL,
		revision   INTEGER NOT NULL,
		kind       TEXT NOT NULL,
		at         TEXT NOT NULL,
		UNIQUE (channel_id, message_id)
	);
	CREATE INDEX answers_entry ON answers (entry_id, scope, revision);
	CREATE INDEX answers_at ON answers (at);`,
	migrationDaily,
	// Source documents moderators add, versioned per scope like entries.
	`CREATE TABLE source_versions (
		id        INTEGER PRIMARY KEY,
		scope     TEXT NOT NULL,
		source_id TEXT NOT NULL,
		version   INTEGER NOT NULL,
		action    TEXT NOT NULL,
		source    TEXT,
		author    TEXT NOT NULL,
		at        TEXT NOT NULL,
		UNIQUE (scope, source_id, version)
	);`,
}

// Store is a kb.Store on SQLite. Safe for concurrent use, and by several
// processes on one file.
type Store struct {
	db   *sql.DB
	opts kb.StoreOptions

	watchMu     sync.Mutex // guards the fields below
	watch       *sql.Conn  // the one connection data_version is read on
	dataVersion int64      // its data_version at the last Changes
	mark        int64      // the mark Changes returned last; -1 before the first call

	pruneMu        sync.Mutex
	questionPrunes kb.PruneCounter // declined questions recorded since each scope's last prune
	pendingAnswers map[string]int  // per scope, answers recorded since the last prune
}

var _ kb.Store = (*Store)(nil)

// IntegrityCheck runs SQLite's integrity check.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

const timeFormat = time.RFC3339Nano

func scanVersion(row interface{ Scan(...any) error }) (kb.Version, error) {
	var v kb.Version
	var entry sql.NullString
	var at, action string
	if err := row.Scan(&v.Scope, &v.EntryID, &v.Version, &action, &entry, &v.Author, &at); err != nil {
		return v, err
	}
	v.Action = kb.Action(action)
	v.At, _ = time.Parse(timeFormat, at)
	if entry.Valid {
		var e kb.Entry
		if err := json.Unmarshal([]byte(entry.String), &e); err != nil {
			return v, fmt.Errorf("decode %s/%s v%d: %w", v.Scope, v.EntryID, v.Version, err)
		}
		v.Entry = &e
	}
	return v, nil
}

func (s *Store) versions(ctx context.Context, query string, args ...any) ([]kb.Version, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Current implements kb.Store.
func (s *Store) Current(ctx context.Context, scope string) ([]kb.Version, error) {
	return s.versions(ctx, `
		SELECT v.scope, v.entry_id, v.version, v.action, v.entry, v.author, v.at
		FROM versions v
		JOIN (SELECT entry_id, MAX(version) AS mv, MIN(id) AS first FROM versions WHERE scope = ? GROUP BY entry_id) m
		  ON v.entry_id = m.entry_id AND v.version = m.mv
		WHERE v.scope = ?
		ORDER BY m.first`, scope, scope)
}

// Scopes implements kb.Store.
func (s *Store) Scopes(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT scope FROM versions ORDER BY scope`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sc string
		if err := rows.Scan(&sc); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// History implements kb.Store.
func (s *Store) History(ctx context.Context, scope, entryID string) ([]kb.Version, error) {
	vs, err := s.versions(ctx, `SELECT scope, entry_id, version, action, entry, author, at FROM versions
		WHERE scope = ? AND entry_id = ? ORDER BY version`, scope, entryID)
	if err == nil && len(vs) == 0 {
		err = kb.ErrNotFound
	}
	return vs, err
}

// Apply implements kb.Store: one immediate transaction, a conflict check per
// change, a version and an audit record per change.
func (s *Store) Apply(ctx context.Context, changes []kb.Change) ([]kb.Version, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", classify(err))
	}
	defer tx.Rollback()
	now := s.opts.Now().UTC()
	var out []kb.Version
	for _, c := range changes {
		var cur int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM versions WHERE scope = ? AND entry_id = ?`,
			c.Scope, c.EntryID).Scan(&cur); err != nil {
			return nil, err
		}
		if c.Base >= 0 && c.Base != cur {
			return nil, fmt.Errorf("%s: %w (now at version %d, you started from %d)", c.EntryID, kb.ErrConflict, cur, c.Base)
		}
		var entry any
		if c.Entry != nil {
			raw, err := json.Marshal(c.Entry)
			if err != nil {
				return nil, err
			}
			entry = string(raw)
		}
		v := kb.Version{Scope: c.Scope, EntryID: c.EntryID, Version: cur + 1, Action: c.Action, Entry: c.Entry, Author: c.Author, At: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO versions (scope, entry_id, version, action, entry, author, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			v.Scope, v.EntryID, v.Version, string(v.Action), entry, v.Author, now.Format(timeFormat)); err != nil {
			return nil, fmt.Errorf("store %s v%d: %w", c.EntryID, v.Version, classify(err))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit (scope, actor, action, entry_id, version, at) VALUES (?, ?, ?, ?, ?, ?)`,
			v.Scope, v.Author, string(v.Action), v.EntryID, v.Version, now.Format(timeFormat)); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", classify(err))
	}
	return out, nil
}

// Setting implements kb.Store; a missing setting is "".
func (s *Store) Setting(ctx context.Context, scope, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE scope = ? AND key = ?`, scope, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting implements kb.Store.
func (s *Store) SetSetting(ctx context.Context, scope, key, value, author string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	now := s.opts.Now().UTC().Format(timeFormat)
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (scope, key, value) VALUES (?, ?, ?)
		ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value`, scope, key, value); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit (scope, actor, action, detail, at) VALUES (?, ?, 'setting', ?, ?)`,
		scope, author, key+"="+value, now); err != nil {
		return err
	}
	return tx.Commit()
}

// Audit implements kb.Store.
func (s *Store) Audit(ctx context.Context, scope string, limit int) ([]kb.AuditRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT scope, actor, action, entry_id, version, detail, at FROM audit
		WHERE scope = ? ORDER BY id DESC LIMIT ?`, scope, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.AuditRecord
	for rows.Next() {
		var r kb.AuditRecord
		var at string
		if err := rows.Scan(&r.Scope, &r.Actor, &r.Action, &r.EntryID, &r.Version, &r.Detail, &at); err != nil {
			return nil, err
		}
		r.At, _ = time.Parse(timeFormat, at)
		out = append(out, r)
	}
	return out, rows.Err()
}
