// Package postgres is the knowledge-base store on a PostgreSQL server
// (github.com/jackc/pgx/v5), shared by every process of a bot: versioned
// migrations that several processes may run at once, writes that publish a
// notification on channel kb_changed in their own transaction, and a Watcher
// that listens for them so every process reloads what another one changed.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"crisisbot/kb"
)

// Channel is the notification channel a write publishes on, with a payload
// such as {"scope":"123","version":42}: the scope changed, and version is the
// store's change mark (see kb.Store.Changes) after the write.
const Channel = "kb_changed"

// Lock keys for pg_advisory_xact_lock: one for migrations, one that orders
// writes of versions, so the ids Changes counts on are allocated in commit
// order (a reader never sees id 11 committed while id 10 is still to come).
const (
	migrateLock int64 = 0x6b625f6d6967 // "kb_mig"
	applyLock   int64 = 0x6b625f617070 // "kb_app"
)

// IsURL reports whether s names a PostgreSQL database (postgres:// or
// postgresql://) rather than a file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns the URL with its password (if any) replaced by "xxxxx",
// for logs and errors.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// CheckURL reports whether rawURL is a connection URL that Open can use,
// without connecting. Its error never shows the password.
func CheckURL(rawURL string) error {
	if !IsURL(rawURL) {
		return fmt.Errorf("%s does not start with postgres:// or postgresql://", Redact(rawURL))
	}
	if _, err := pgxpool.ParseConfig(rawURL); err != nil {
		return fmt.Errorf("%s: %w", Redact(rawURL), err)
	}
	return nil
}

// Store is a kb.Store on PostgreSQL. Safe for concurrent use, and by any
// number of processes on one database.
type Store struct {
	pool *pgxpool.Pool
	opts kb.StoreOptions
	name string // the redacted URL, for errors

	lockTimeout time.Duration // how long Apply waits for the write lock

	pruneMu        sync.Mutex
	questionPrunes kb.PruneCounter // declined questions recorded since each scope's last prune
	pendingAnswers map[string]int  // per scope, answers recorded since the last prune
}

var _ kb.Store = (*Store)(nil)

// Open opens the database at the URL with the default options; see OpenWith.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	return OpenWith(ctx, rawURL, kb.StoreOptions{})
}

// OpenWith connects to the database at the URL (postgres://…) and applies
// pending migrations. Several processes may open one new database at once.
// An error when the server cannot be reached wraps kb.ErrUnavailable. Errors
// name the URL without its password.
func OpenWith(ctx context.Context, rawURL string, opts kb.StoreOptions) (*Store, error) {
	return open(ctx, rawURL, opts, writeLockTimeout)
}

// writeLockTimeout is how long a save waits for another process's save to
// finish before it gives up with kb.ErrUnavailable.
const writeLockTimeout = 30 * time.Second

// idleInTransaction is how long the server keeps a transaction whose client
// went silent (a process cut off mid-save) before ending it and releasing
// its locks. The URL may set its own (idle_in_transaction_session_timeout).
const idleInTransaction = "60s"

// open is OpenWith with the write lock's timeout given (tests shorten it).
func open(ctx context.Context, rawURL string, opts kb.StoreOptions, lockTimeout time.Duration) (*Store, error) {
	name := Redact(rawURL)
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("database URL %s: %w", name, err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	if _, set := cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"]; !set {
		cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = idleInTransaction
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, classify(err))
	}
	s := &Store{pool: pool, opts: opts.WithDefaults(), name: name, lockTimeout: lockTimeout,
		pendingAnswers: map[string]int{}}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open %s: %w", name, classify(err))
	}
	return s, nil
}

// Close closes the pool's connections. It does not wait for ctx: pgxpool
// waits for connections in use to be released.
func (s *Store) Close(ctx context.Context) error {
	s.pool.Close()
	return nil
}

// connConfig returns a copy of the pool's connection settings, for a
// Watcher's dedicated connection.
func (s *Store) connConfig() *pgx.ConnConfig { return s.pool.Config().ConnConfig.Copy() }

// classify wraps kb.ErrUnavailable around an error that says the server
// cannot be reached or went away, and kb.ErrReadOnly around one from a
// read-only server (a standby). Other errors are returned as they are.
func classify(err error) error {
	if err == nil || errors.Is(err, kb.ErrUnavailable) || errors.Is(err, kb.ErrConflict) || errors.Is(err, kb.ErrNotFound) {
		return err
	}
	if unreachable(err) {
		return fmt.Errorf("%w: %w", kb.ErrUnavailable, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "25006" { // read_only_sql_transaction
		return fmt.Errorf("%w: %w", kb.ErrReadOnly, err)
	}
	if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available: another save holds the write lock
		return fmt.Errorf("%w: another save has held the write lock too long: %w", kb.ErrUnavailable, err)
	}
	return err
}

// unreachable reports an error that means the server is not there: no
// connection could be made, the connection broke, or the server is shutting
// down, starting up or full.
func unreachable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var oe *net.OpError
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &ce), errors.As(err, &oe), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &pe):
		return strings.HasPrefix(pe.Code, "08") || // connection exception
			pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || // shutdown, crash, starting up
			pe.Code == "53300" // too many connections
	case errors.As(err, &ne):
		return !ne.Timeout()
	}
	return strings.Contains(err.Error(), "conn closed") // pgconn's error for a connection it closed after a failure
}
