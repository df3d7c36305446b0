package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"crisisbot/bot"
	"crisisbot/commands"
	"crisisbot/kb"
)

// newLogger builds the structured logger the config asks for.
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// runDiscord connects to Discord and serves until ctx ends; with
// registerOnly it registers the commands and returns.
func runDiscord(ctx context.Context, cfg Config, registerOnly bool, stderr io.Writer) error {
	log := newLogger(cfg, stderr)
	curated, err := kb.Default()
	if err != nil {
		return fmt.Errorf("load the embedded knowledge base: %w", err)
	}
	store, err := openStore(ctx, cfg.Database())
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.DatabaseKey(), err)
	}
	defer store.Close(context.Background())
	mark, err := storeMark(ctx, store)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.DatabaseKey(), err)
	}
	lib, err := kb.OpenLibrary(ctx, store, curated, kb.Options{}, log)
	if err != nil {
		return err
	}
	stopWatch := watchStore(store, mark, lib, log)
	defer stopWatch(context.Background()) // on early returns; idempotent
	router := bot.NewRouter(log, cfg.AskChannelIDs)
	b, err := bot.New(bot.Options{
		Token: cfg.Token, APIBase: cfg.APIBaseURL, MessageContent: router.HasAskChannels(), Logger: log,
	}, router)
	if err != nil {
		return err
	}
	mod := commands.NewModeration(commands.ModerationConfig{Library: lib, Store: store, Sender: b, Owners: cfg.Owners, Logger: log})
	svc := commands.NewService(lib, commands.Options{
		RateQuestions: cfg.RateQuestions, RateWindow: cfg.RateWindow, RepeatWindow: cfg.RepeatWindow, Logger: log,
		Records: store, Moderation: mod,
	})
	defer svc.Close(context.Background()) // on early returns; idempotent
	svc.Routes(router)                    // before the bot takes events (Open)
	checkCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	app, err := b.CheckToken(checkCtx)
	cancel()
	if err != nil {
		return err
	}
	log.Info("token accepted", "application", app)
	if registerOnly {
		_, err := b.Register(ctx, cfg.GuildID, svc.Definitions(), true)
		return err
	}
	if _, err := b.Register(ctx, cfg.GuildID, svc.Definitions(), false); err != nil {
		log.Error("command registration failed; serving the commands already registered", "err", err)
	}
	if err := b.Open(ctx); err != nil {
		if errors.Is(err, context.Canceled) {
			log.Info("stopped while connecting")
			return nil // asked to stop: not a failure
		}
		return err
	}
	log.Info("serving; stop with Ctrl-C or SIGTERM")
	<-ctx.Done()
	fatal := context.Cause(ctx)
	if !errors.Is(fatal, errFatalGateway) {
		fatal = nil
	} else {
		log.Error("stopping: the gateway cannot be used", "err", fatal)
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimout)
	sctx, scancel := context.WithTimeout(context.Background(), cfg.ShutdownTimout)
	defer scancel()
	// Order: gateway and in-flight handlers, then the statistics queue, then
	// the change listener, then the store (closed by the deferred call).
	closeErr := b.Close(sctx)
	if err := svc.Close(sctx); err != nil && closeErr == nil {
		closeErr = err
	}
	if err := stopWatch(sctx); err != nil && closeErr == nil {
		closeErr = err
	}
	if fatal != nil {
		return fatal
	}
	if closeErr != nil {
		return closeErr
	}
	log.Info("stopped")
	return nil
}
