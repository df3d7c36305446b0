package main

import (
	"context"
	"fmt"
	"log/slog"

	"crisisbot/kb"
	"crisisbot/kb/postgres"
	"crisisbot/kb/sqlite"
)

// openStore opens the moderated knowledge base: a PostgreSQL database when db
// is a postgres:// URL, else the SQLite file at that path. Errors never show
// a URL's password.
func openStore(ctx context.Context, db string) (kb.Store, error) {
	if postgres.IsURL(db) {
		return postgres.Open(ctx, db)
	}
	return sqlite.Open(ctx, db)
}

// watchStore keeps lib up to date with what other processes store, when the
// store can tell it: on PostgreSQL, a Watcher listens for changes (since the
// mark given, taken before the library was loaded) and refreshes lib. It
// returns the function that stops it; with SQLite there is nothing to stop.
func watchStore(store kb.Store, since int64, lib *kb.Library, log *slog.Logger) func(context.Context) error {
	pg, ok := store.(*postgres.Store)
	if !ok {
		return func(context.Context) error { return nil }
	}
	w := postgres.NewWatcher(pg, since, func(ctx context.Context, _ []string) error {
		if err := lib.Refresh(ctx); err != nil {
			return fmt.Errorf("refresh the knowledge base: %w", err)
		}
		return nil
	}, postgres.WatcherOptions{Log: log})
	w.Open()
	return w.Close
}

// storeMark returns the store's change mark now, to start a watcher from.
func storeMark(ctx context.Context, store kb.Store) (int64, error) {
	_, mark, err := store.Changes(ctx, 0)
	return mark, err
}
