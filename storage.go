package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"crisisbot/bot"
	"crisisbot/kb"
	"crisisbot/kb/postgres"
	"crisisbot/kb/sqlite"
)

// openStore opens the moderated knowledge base with opts: a PostgreSQL
// database when db is a postgres:// URL, else the SQLite file at that path.
// Errors never show a URL's password.
func openStore(ctx context.Context, db string, opts kb.StoreOptions) (kb.Store, error) {
	if postgres.IsURL(db) {
		return postgres.OpenWith(ctx, db, opts)
	}
	return sqlite.OpenWith(ctx, db, opts)
}

// watchStore keeps lib up to date with what other processes store. On
// PostgreSQL a Watcher listens for changes (since the mark given, taken
// before the library was loaded) and refreshes lib; on SQLite lib polls the
// store every second (Library.Watch). store is the store itself, not a
// wrapper around it. It returns the function that stops watching, which is
// safe to call more than once.
func watchStore(store kb.Store, since int64, lib *kb.Library, log *slog.Logger) func(context.Context) error {
	pg, ok := store.(*postgres.Store)
	if !ok {
		lib.Watch(time.Second)
		return lib.Close
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

// identifyGate returns the gate through which the processes sharing store
// pace their gateway IDENTIFYs: on PostgreSQL one kept in the database; nil
// on SQLite (one process: its own pacing suffices).
func identifyGate(store kb.Store, log *slog.Logger) bot.IdentifyGate {
	pg, ok := store.(*postgres.Store)
	if !ok {
		return nil
	}
	return postgres.NewIdentifyGate(pg, postgres.IdentifyGateOptions{Log: log})
}
