package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"crisisbot/bot"
	"crisisbot/commands"
	"crisisbot/commands/i18n"
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
	// A shard that finds it cannot reconnect (a fatal close code) stops the
	// program through ctx, as bot.GatewayLogger does from discordgo's log.
	ctx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	log := newLogger(cfg, stderr)
	curated, err := kb.Default()
	if err != nil {
		return fmt.Errorf("load the embedded knowledge base: %w", err)
	}
	store, err := openStore(ctx, cfg.Database(), kb.StoreOptions{QuestionRetention: cfg.QuestionRetention, AnswerRetention: cfg.CorrectionsRetention})
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.DatabaseKey(), err)
	}
	defer store.Close(context.Background())
	// The change mark before the library loads: a listener started after
	// it catches up on anything stored in between.
	mark, err := storeMark(ctx, store)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.DatabaseKey(), err)
	}
	op := newOperations(cfg, log)
	kbStore := op.store(store) // timed and counted when METRICS_ADDR is set
	// Changes reach earlier answers through corrections, built below once
	// the library exists. A change Watch finds before then is not corrected
	// until its entry changes again.
	var corrections atomic.Pointer[commands.Corrections]
	onChange := func(scope string, ids []string) { corrections.Load().Changed(scope, ids) }
	lib, err := kb.OpenLibrary(ctx, kbStore, curated, kb.Options{MaxLayerEntries: cfg.MaxServerEntries, OnChange: onChange}, log)
	if err != nil {
		return err
	}
	defer lib.Close(context.Background())
	// Edits made by other processes on the same database (the operator's
	// command line, other bot processes) are picked up: on PostgreSQL as
	// they are notified, on SQLite within a second.
	stopWatch := watchStore(store, mark, lib, log)
	defer stopWatch(context.Background()) // on early returns; idempotent
	// One REST value for the whole program, built before everything that
	// sends with it; then everything is wired in one pass.
	rest, err := bot.NewREST(bot.RESTOptions{Token: cfg.Token, APIBase: cfg.APIBaseURL, CDNBase: cfg.CDNBaseURL, Logger: log,
		Transport: op.transport(), CDNTransport: op.transport()})
	if err != nil {
		return err
	}
	words, err := i18n.Load() // the bot's own words, in every language it speaks
	if err != nil {
		return err
	}
	// Corrections are written in a server's preferred locale, which the
	// gateway's shards (built below) know from GUILD_CREATE.
	var shards atomic.Pointer[bot.Shards]
	corr := commands.NewCorrections(commands.CorrectionsConfig{Words: words, Library: lib, Store: kbStore, Poster: rest, Sender: rest, Delay: cfg.CorrectionsDelay, Logger: log,
		GuildLocale: func(guild string) string { return shards.Load().GuildLocale(guild) }})
	corrections.Store(corr)
	defer corr.Close(context.Background()) // on early returns; idempotent
	// Ask channels need the Message Content intent: asked for when some are
	// configured, or when managers may choose them from Discord.
	messageContent := len(cfg.AskChannelIDs) > 0 || cfg.AskChannelsFromDiscord
	askChannels := commands.NewAskChannels(kbStore, log)
	mod := commands.NewModeration(commands.ModerationConfig{Words: words, Library: lib, Store: kbStore, Sender: rest, Owners: cfg.Owners, Logger: log,
		Observer: op.editObserver(), AskChannels: askChannels, MessageContent: messageContent})
	svc := commands.NewService(lib, commands.Options{
		RateQuestions: cfg.RateQuestions, RateWindow: cfg.RateWindow, RepeatWindow: cfg.RepeatWindow, Logger: log,
		Records: kbStore, Moderation: mod, Corrections: corr, Words: words,
	})
	defer svc.Close(context.Background()) // on early returns; idempotent
	routerOpts := []bot.RouterOption{bot.WithPhrasebook(commands.Phrasebook(words))}
	if messageContent {
		routerOpts = append(routerOpts, bot.WithAskLookup(askChannels))
	}
	router := bot.NewRouter(log, cfg.AskChannelIDs, routerOpts...)
	router.Observer = op.observer()
	svc.Routes(router)
	checkCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	app, err := rest.Application(checkCtx)
	cancel()
	if err != nil {
		return fmt.Errorf("check the token: %w", err)
	}
	log.Info("token accepted", "application", app.ID)
	if registerOnly {
		_, err := bot.Register(ctx, rest, log, app.ID, cfg.GuildID, svc.Definitions(), true)
		return err
	}
	var gw *bot.Shards
	if cfg.Gateway {
		gw, err = bot.NewShards(bot.ShardsOptions{
			Bot:   bot.Options{MessageContent: messageContent, Logger: log, Observer: op.observer(), Limiter: bot.NewLimiter(cfg.MaxInFlight), Fatal: fail},
			Count: cfg.ShardCount, IDs: cfg.ShardIDs, Gate: identifyGate(store, log),
		}, rest, router)
		if err != nil {
			return err
		}
		shards.Store(gw)
	}
	if err := op.start(lib, store, gw); err != nil {
		return err
	}
	defer op.close(context.Background())
	if _, err := bot.Register(ctx, rest, log, app.ID, cfg.GuildID, svc.Definitions(), false); err != nil {
		log.Error("command registration failed; serving the commands already registered", "err", err)
	}
	// Both transports run the same router; each is bounded by MAX_IN_FLIGHT.
	var endpoint *interactionsEndpoint
	if cfg.InteractionsAddr != "" {
		if endpoint, err = startInteractions(cfg, app, router, rest, log); err != nil {
			return err
		}
	}
	if gw != nil {
		if err := gw.Open(ctx); err != nil {
			endpoint.close(context.Background())
			if errors.Is(err, context.Canceled) {
				log.Info("stopped while connecting")
				return nil // asked to stop: not a failure
			}
			return err
		}
	} else {
		log.Warn("GATEWAY=off: no gateway connection; this process serves interactions over HTTP only, not DMs, mentions or ask channels (run one gateway process with shard 0 for those)")
	}
	log.Info("serving; stop with Ctrl-C or SIGTERM")
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-endpoint.failed():
		log.Error("the interactions endpoint stopped", "err", serveErr)
	}
	fatal := context.Cause(ctx)
	if !errors.Is(fatal, bot.ErrFatalGateway) {
		fatal = serveErr
	} else {
		log.Error("stopping: the gateway cannot be used", "err", fatal)
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, scancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer scancel()
	// Order: stop accepting HTTP requests (those in progress get their
	// inline answers), the gateway and its handlers, the HTTP handlers still
	// editing, then corrections, the statistics queue, the change listener,
	// then the store (closed by the deferred call).
	closeErr := endpoint.shutdown(sctx)
	if gw != nil {
		if err := gw.Close(sctx); err != nil && closeErr == nil {
			closeErr = err
		}
	}
	if err := endpoint.close(sctx); err != nil && closeErr == nil {
		closeErr = err
	}
	if err := corr.Close(sctx); err != nil && closeErr == nil {
		closeErr = err
	}
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
