package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	sqlitedriver "modernc.org/sqlite" // the database/sql driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"crisisbot/kb"
)

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
	s := &Store{db: db, opts: opts.WithDefaults(), mark: -1, pendingAnswers: map[string]int{}}
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
