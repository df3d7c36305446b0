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
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	sqlitedriver "modernc.org/sqlite" // the database/sql driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

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

	pruneMu sync.Mutex
	pending map[string]int // per scope, declined questions recorded since the last prune
}

var _ kb.Store = (*Store)(nil)

// Open opens the database at path with the default options; see OpenWith.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, kb.StoreOptions{})
}

// OpenWith opens (creating it and its folder if needed) the database at path
// and applies pending migrations. Several processes may open the same new
// file at once. An error from a file, folder or file system that cannot be
// written wraps kb.ErrReadOnly.
func OpenWith(ctx context.Context, path string, opts kb.StoreOptions) (*Store, error) {
	return open(ctx, path, opts, "")
}

// open is OpenWith with extra URI parameters for SQLite (tests only).
func open(ctx context.Context, path string, opts kb.StoreOptions, params string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("database path %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("create the database folder: %w", classify(err))
	}
	name := dsn(abs)
	if params != "" {
		name += "&" + params
	}
	db, err := sql.Open("sqlite", name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, opts: opts.WithDefaults(), mark: -1, pending: map[string]int{}}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, classify(err))
	}
	return s, nil
}

// dsn is the driver's name for the database file at the absolute path abs:
// a file: URI, so the path is escaped (a "?", "#" or "%" in it is part of
// the file name, not the start of parameters or an escape).
func dsn(abs string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	return "file:" + u.EscapedPath() + "?_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
}

// migrate applies pending migrations in one immediate transaction, reading
// the schema version inside it, so processes opening a new file at once
// take turns and each finds the work done or does all of it. It writes even
// when nothing is pending, which proves the database writable.
func (s *Store) migrate(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := s.migrateOnce(ctx)
		// While another connection creates the file or switches it to WAL,
		// SQLite reports it busy without waiting: try again shortly.
		if !isBusy(err) || attempt == 50 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
}

func (s *Store) migrateOnce(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (see dsn)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	var have int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return err
	}
	if have > len(migrations) {
		return fmt.Errorf("the database is at schema %d, newer than this binary (%d)", have, len(migrations))
	}
	for i := have; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
		return err
	}
	return tx.Commit()
}

// isBusy reports SQLite's "database is locked" (SQLITE_BUSY).
func isBusy(err error) bool {
	var se *sqlitedriver.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// classify wraps kb.ErrReadOnly around err when it says the database, its
// folder or its file system cannot be written.
func classify(err error) error {
	var se *sqlitedriver.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			return fmt.Errorf("%w: %w", kb.ErrReadOnly, err)
		}
	}
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return fmt.Errorf("%w: %w", kb.ErrReadOnly, err)
	}
	return err
}

// Close closes the database.
func (s *Store) Close(ctx context.Context) error {
	s.watchMu.Lock()
	if s.watch != nil {
		s.watch.Close()
		s.watch = nil
	}
	s.watchMu.Unlock()
	return s.db.Close()
}

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
	var mark int64
	if err := s.watch.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM versions").Scan(&mark); err != nil {
		return nil, since, err
	}
	rows, err := s.watch.QueryContext(ctx, "SELECT DISTINCT scope FROM versions WHERE id > ? AND id <= ? ORDER BY scope", since, mark)
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
	s.dataVersion, s.mark = dv, mark
	return scopes, mark, nil
}

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

// normalizeQuestion folds case, white space and closing punctuation so
// repeats count together.
func normalizeQuestion(q string) string {
	return strings.TrimRight(strings.Join(strings.Fields(strings.ToLower(q)), " "), "?!.… ")
}

// RecordQuestion implements kb.Store. Every PruneEvery declined questions
// in a scope, it drops the declined questions of every scope past the
// retention, and the scope's least asked past MaxQuestions.
func (s *Store) RecordQuestion(ctx context.Context, scope, question, entryID string) error {
	q := normalizeQuestion(question)
	if entryID != "" {
		q = "" // answered questions are counted per entry, not kept
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO questions (scope, question, entry_id, count, last) VALUES (?, ?, ?, 1, ?)
		ON CONFLICT (scope, question, entry_id) DO UPDATE SET count = count + 1, last = excluded.last`,
		scope, q, entryID, s.opts.Now().UTC().Format(timeFormat))
	if err != nil || entryID != "" {
		return classify(err)
	}
	s.pruneMu.Lock()
	s.pending[scope]++
	due := s.pending[scope] >= s.opts.PruneEvery
	if due {
		delete(s.pending, scope)
	}
	s.pruneMu.Unlock()
	if !due {
		return nil
	}
	if err := s.pruneQuestions(ctx, scope); err != nil {
		return fmt.Errorf("prune declined questions: %w", classify(err))
	}
	return nil
}

// pruneQuestions enforces the retention on every scope and MaxQuestions on
// scope.
func (s *Store) pruneQuestions(ctx context.Context, scope string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM questions WHERE entry_id = '' AND last < ?`, s.cutoff()); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM questions WHERE rowid IN (
		SELECT rowid FROM questions WHERE scope = ? AND entry_id = ''
		ORDER BY count DESC, last DESC LIMIT -1 OFFSET ?)`, scope, s.opts.MaxQuestions)
	return err
}

// cutoff is the oldest "last asked" time a declined question is kept for.
func (s *Store) cutoff() string {
	return s.opts.Now().UTC().Add(-s.opts.QuestionRetention).Format(timeFormat)
}

// Unanswered implements kb.Store.
func (s *Store) Unanswered(ctx context.Context, scope string, limit int) ([]kb.Unanswered, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT question, count, last FROM questions
		WHERE scope = ? AND entry_id = '' AND last >= ? ORDER BY count DESC, last DESC LIMIT ?`, scope, s.cutoff(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.Unanswered
	for rows.Next() {
		var u kb.Unanswered
		var last string
		if err := rows.Scan(&u.Question, &u.Count, &last); err != nil {
			return nil, err
		}
		u.Last, _ = time.Parse(timeFormat, last)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Vote implements kb.Store.
func (s *Store) Vote(ctx context.Context, scope, entryID, user string, up bool) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO votes (scope, entry_id, user_id, up) VALUES (?, ?, ?, ?)
		ON CONFLICT (scope, entry_id, user_id) DO UPDATE SET up = excluded.up`, scope, entryID, user, up)
	return classify(err)
}

// Stats implements kb.Store.
func (s *Store) Stats(ctx context.Context, scope string) (kb.Stats, error) {
	var st kb.Stats
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(count), 0), COALESCE(SUM(CASE WHEN entry_id != '' THEN count END), 0)
		FROM questions WHERE scope = ?`, scope).Scan(&st.Asked, &st.Answered); err != nil {
		return st, err
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT e.entry_id, e.answers,
		       COALESCE((SELECT SUM(up) FROM votes v WHERE v.scope = ? AND v.entry_id = e.entry_id), 0),
		       COALESCE((SELECT SUM(1 - up) FROM votes v WHERE v.scope = ? AND v.entry_id = e.entry_id), 0)
		FROM (SELECT entry_id, SUM(count) AS answers FROM questions WHERE scope = ? AND entry_id != '' GROUP BY entry_id
		      UNION SELECT DISTINCT entry_id, 0 FROM votes WHERE scope = ? AND entry_id NOT IN
		        (SELECT entry_id FROM questions WHERE scope = ? AND entry_id != '')) e
		ORDER BY e.answers DESC, e.entry_id`, scope, scope, scope, scope, scope)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var es kb.EntryStats
		if err := rows.Scan(&es.EntryID, &es.Answers, &es.Up, &es.Down); err != nil {
			return st, err
		}
		st.Entries = append(st.Entries, es)
	}
	return st, rows.Err()
}
