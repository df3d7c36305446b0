package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
)

// interactionsEndpoint is the HTTP server for Discord's interactions
// endpoint (INTERACTIONS_ADDR). A nil one is off: its methods do nothing.
type interactionsEndpoint struct {
	srv  *http.Server
	is   *bot.InteractionServer
	errc chan error
	addr string
}

// startInteractions listens on cfg.InteractionsAddr and serves POST
// /interactions through router, verified with DISCORD_PUBLIC_KEY or, when
// unset, the application's verify_key. Slow clients are cut off (header and
// body deadlines) and bodies are bounded by the InteractionServer.
func startInteractions(cfg Config, app *discordgo.Application, router *bot.Router, rest *bot.REST, log *slog.Logger) (*interactionsEndpoint, error) {
	key := cfg.PublicKey
	if key == nil {
		k, err := hex.DecodeString(app.VerifyKey)
		if err != nil || len(k) != ed25519.PublicKeySize {
			return nil, configError{errors.New("DISCORD_PUBLIC_KEY: not set, and Discord gave no usable verify_key for the application; copy Public Key from the Developer Portal (General Information)")}
		}
		key = k
	}
	is := bot.NewInteractionServer(router, bot.HTTPOptions{PublicKey: key, REST: rest.Responder(), MaxInFlight: cfg.MaxInFlight, Logger: log})
	ln, err := net.Listen("tcp", cfg.InteractionsAddr)
	if err != nil {
		return nil, configError{fmt.Errorf("INTERACTIONS_ADDR: %w", err)}
	}
	e := &interactionsEndpoint{
		srv: &http.Server{
			Handler:           is.Handler(),
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      10 * time.Second, // the answer is due within 3 s
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    16 << 10,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		is: is, errc: make(chan error, 1), addr: ln.Addr().String(),
	}
	go func() {
		if err := e.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			e.errc <- fmt.Errorf("interactions endpoint: %w", err)
		}
	}()
	log.Info("serving interactions over HTTP", "addr", e.addr, "path", "/interactions")
	return e, nil
}

// failed delivers an error if the server stops by itself (never when off).
func (e *interactionsEndpoint) failed() <-chan error {
	if e == nil {
		return nil
	}
	return e.errc
}

// shutdown stops accepting requests and waits for those in progress.
func (e *interactionsEndpoint) shutdown(ctx context.Context) error {
	if e == nil {
		return nil
	}
	if err := e.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("interactions endpoint: %w", err)
	}
	return nil
}

// close waits for the handlers still running after their response (edits
// after a deferral), then releases the server.
func (e *interactionsEndpoint) close(ctx context.Context) error {
	if e == nil {
		return nil
	}
	e.srv.Close()
	if err := e.is.Close(ctx); err != nil {
		return fmt.Errorf("interactions endpoint: handlers still running: %w", err)
	}
	return nil
}
