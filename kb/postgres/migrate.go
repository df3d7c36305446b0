package postgres

import (
	"context"
	"fmt"
)

// migrations run in order; schema_migrations records each one that ran.
// Text that is sorted or compared is in the "C" collation, so orders match
// the SQLite store's (bytewise) whatever the database's locale.
var migrations = []string{
	`CREATE TABLE versions (
		id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		scope    text COLLATE "C" NOT NULL,
		entry_id text COLLATE "C" NOT NULL,
		version  integer NOT NULL,
		action   text NOT NULL,
		entry    text,
		author   text NOT NULL,
		at       timestamptz NOT NULL,
		UNIQUE (scope, entry_id, version)
	);
	CREATE TABLE audit (
		id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		scope    text COLLATE "C" NOT NULL,
		actor    text NOT NULL,
		action   text NOT NULL,
		entry_id text NOT NULL DEFAULT '',
		version  integer NOT NULL DEFAULT 0,
		detail   text NOT NULL DEFAULT '',
		at       timestamptz NOT NULL
	);
	CREATE INDEX audit_scope ON audit (scope, id);
	CREATE TABLE settings (
		scope text COLLATE "C" NOT NULL,
		key   text COLLATE "C" NOT NULL,
		value text NOT NULL,
		PRIMARY KEY (scope, key)
	);
	CREATE TABLE questions (
		scope    text COLLATE "C" NOT NULL,
		question text COLLATE "C" NOT NULL,
		entry_id text COLLATE "C" NOT NULL,
		count    integer NOT NULL,
		last     timestamptz NOT NULL,
		PRIMARY KEY (scope, question, entry_id)
	);
	CREATE INDEX questions_declined_last ON questions (last) WHERE entry_id = '';
	CREATE TABLE votes (
		scope    text COLLATE "C" NOT NULL,
		entry_id text COLLATE "C" NOT NULL,
		user_id  text NOT NULL,
		up       boolean NOT NULL,
		PRIMARY KEY (scope, entry_id, user_id)
	);`,
	// Members' confirmations that a question is answered by an entry.
	`CREATE TABLE picks (
		scope    text COLLATE "C" NOT NULL,
		question text COLLATE "C" NOT NULL,
		entry_id text COLLATE "C" NOT NULL,
		count    integer NOT NULL,
		last     timestamptz NOT NULL,
		PRIMARY KEY (scope, question, entry_id)
	);`,
	// Public answers the bot posted, remembered for corrections.
	`CREATE TABLE answers (
		id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		scope      text COLLATE "C" NOT NULL,
		channel_id text COLLATE "C" NOT NULL,
		message_id text COLLATE "C" NOT NULL,
		entry_id   text COLLATE "C" NOT NULL,
		revision   bigint NOT NULL,
		kind       text NOT NULL,
		at         timestamptz NOT NULL,
		UNIQUE (channel_id, message_id)
	);
	CREATE INDEX answers_entry ON answers (entry_id, scope, revision);
	CREATE INDEX answers_at ON answers (at);`,
	migrationDaily,
	migrationSources,
	migrationIdentify,
}

// migrate applies pending migrations in one transaction that first takes an
// advisory lock, so processes starting at once take turns: the first does
// the work, the others find it done.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLock); err != nil {
		return fmt.Errorf("lock for migrations: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var have int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("read the schema version: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("the database is at schema %d, newer than this binary (%d)", have, len(migrations))
	}
	for i := have; i < len(migrations); i++ {
		if _, err := tx.Exec(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, i+1); err != nil {
			return fmt.Errorf("record migration %d: %w", i+1, err)
		}
	}
	return tx.Commit(ctx)
}
