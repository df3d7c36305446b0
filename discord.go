package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	"crisisbot/bot"
	"crisisbot/commands"
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
	live, err := openLive()
	if err != nil {
		return err
	}
	svc := commands.NewService(commands.Fixed{Live: live}, commands.Options{
		RateQuestions: cfg.RateQuestions, RateWindow: cfg.RateWindow, RepeatWindow: cfg.RepeatWindow, Logger: log,
	})
	router := bot.NewRouter(log, cfg.AskChannelIDs)
	svc.Routes(router)
	b, err := bot.New(bot.Options{
		Token: cfg.Token, APIBase: cfg.APIBaseURL, MessageContent: router.HasAskChannels(), Logger: log,
	}, router)
	if err != nil {
		return err
	}
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
		return err
	}
	log.Info("serving; stop with Ctrl-C or SIGTERM")
	<-ctx.Done()
	log.Info("shutting down", "timeout", cfg.ShutdownTimout)
	sctx, scancel := context.WithTimeout(context.Background(), cfg.ShutdownTimout)
	defer scancel()
	if err := b.Close(sctx); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
