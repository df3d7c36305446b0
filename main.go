// Command crisisbot answers questions about the January 2022 US-Russia talks
// over Ukraine, only from a curated, cited knowledge base: on Discord when
// DISCORD_TOKEN is set, and from the terminal (ask, chat) without it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands"
	"crisisbot/kb"
)

const usage = `CrisisBot answers questions about the US-Russia talks over Ukraine
(HNGN, 10 January 2022), only from its curated, cited knowledge base.

Usage:
  crisisbot ask [--json] QUESTION   answer one question
  crisisbot chat                    answer questions, one per line, until EOF or "quit"
  crisisbot kb export               print the knowledge base as JSON
  crisisbot kb check FILE           validate a knowledge-base file, listing every problem
  crisisbot kb export|import FILE|history ID|revert ID VERSION|audit --db PATH [--scope global|SERVER_ID]
                                    the moderated knowledge base, as operators manage it
  crisisbot kb stats --db PATH [--scope SCOPE] [--png FILE]
                                    the last 30 days' figures, and their chart as a PNG
  crisisbot kb source add FILE --title T --outlet O --url URL --published YYYY-MM-DD --db PATH [--scope S]
  crisisbot kb source list|remove ID|history ID --db PATH [--scope S]
                                    source documents (.txt, .md, .html) whose quotes are checked verbatim
  crisisbot register                register the Discord commands now
  crisisbot                         run the Discord bot (needs DISCORD_TOKEN)

Discord: put DISCORD_TOKEN=<your bot token> in the environment or in a .env
file (see .env.example and the README for creating the bot application).
`

// usageError is a mistake in how the command was called; it exits with 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitCode is 2 for what a restart cannot fix (usage, configuration, a
// rejected token), so a supervisor can stop retrying, and 1 otherwise.
func exitCode(err error) int {
	var ue usageError
	var ce configError
	if errors.As(err, &ue) || errors.As(err, &ce) || errors.Is(err, bot.ErrTokenRejected) || errors.Is(err, bot.ErrFatalGateway) || errors.Is(err, kb.ErrReadOnly) {
		return 2
	}
	return 1
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, fail := context.WithCancelCause(ctx)
	// discordgo reports gateway trouble only through its package-level
	// logger, and reconnects whatever the close code; this is the one place
	// that sets it. bot.GatewayLogger knows which codes retrying cannot fix.
	discordgo.Logger = bot.GatewayLogger(os.Stderr, fail)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "crisisbot:", err)
		os.Exit(exitCode(err))
	}
}

// run is the whole program: main only supplies the process's environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := loadDotEnv(".env"); err != nil {
		return err
	}
	cmd, rest := "", []string(nil)
	if len(args) > 0 {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "ask":
		return runAsk(rest, stdout)
	case "chat":
		live, err := openLive()
		if err != nil {
			return err
		}
		return commands.Chat(ctx, live, stdin, stdout, isTerminal(stdin))
	case "kb":
		return runKB(ctx, rest, stdout)
	case "help", "-h", "--help":
		_, err := io.WriteString(stdout, usage)
		return err
	case "register", "":
		cfg, err := LoadConfig(getenv)
		if err != nil {
			if cmd == "" && getenv("DISCORD_TOKEN") == "" {
				io.WriteString(stderr, usage)
				return usageError{"DISCORD_TOKEN is not set: set it to run the Discord bot, or use `crisisbot ask \"...\"` to ask from the terminal"}
			}
			return configError{err}
		}
		return runDiscord(ctx, cfg, cmd == "register", stderr)
	}
	io.WriteString(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

func openLive() (*kb.Live, error) {
	k, err := kb.Default()
	if err != nil {
		return nil, fmt.Errorf("load the embedded knowledge base: %w", err)
	}
	return kb.NewLive(kb.NewIndex(k, kb.Options{})), nil
}

func runAsk(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("ask", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	asJSON := fl.Bool("json", false, "print one JSON object")
	if err := fl.Parse(args); err != nil {
		return usageError{"ask: " + err.Error() + "; usage: crisisbot ask [--json] QUESTION"}
	}
	question := strings.Join(fl.Args(), " ")
	live, err := openLive()
	if err != nil {
		return err
	}
	err = commands.Ask(live.Load(), question, *asJSON, stdout)
	switch {
	case errors.Is(err, kb.ErrEmptyQuestion):
		return usageError{"ask: no question given; usage: crisisbot ask [--json] QUESTION"}
	case errors.Is(err, kb.ErrQuestionTooLong):
		return usageError{fmt.Sprintf("ask: the question is longer than %d characters; shorten it", kb.MaxQuestionRunes)}
	}
	return err
}

func runKB(ctx context.Context, args []string, stdout io.Writer) error {
	const kbUsage = "usage: crisisbot kb export | kb check FILE | kb [export|import FILE|history ID|revert ID VERSION|audit|stats] --db PATH [--scope SCOPE] [--limit N] [--png FILE]"
	if len(args) == 0 {
		return usageError{kbUsage}
	}
	if args[0] == "source" {
		return runKBSource(ctx, args[1:], stdout)
	}
	fl := flag.NewFlagSet("kb", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	db := fl.String("db", "", "the moderated knowledge base: a SQLite file (KB_DB_PATH) or a postgres:// URL (DATABASE_URL)")
	scope := fl.String("scope", kb.GlobalScope, "global, or a server id")
	limit := fl.Int("limit", 50, "audit: how many records")
	pngPath := fl.String("png", "", "stats: write the chart of the last 30 days to this PNG file")
	rest, err := parseInterspersed(fl, args[1:])
	if err != nil {
		return usageError{"kb: " + err.Error() + "; " + kbUsage}
	}
	switch sub := args[0]; {
	case sub == "check" && len(rest) == 1:
		return commands.Check(rest[0], stdout)
	case sub == "export" && len(rest) == 0 && *db == "":
		k, err := kb.Default()
		if err != nil {
			return err
		}
		return commands.Export(k, stdout)
	case *db == "" || !slices.Contains([]string{"export", "import", "history", "revert", "audit", "stats"}, sub):
		return usageError{kbUsage}
	}
	op, closeStore, err := openOperator(ctx, *db)
	if err != nil {
		return err
	}
	defer closeStore()
	switch sub := args[0]; {
	case sub == "export" && len(rest) == 0:
		return op.Export(*scope, stdout)
	case sub == "import" && len(rest) == 1:
		return op.Import(ctx, *scope, rest[0], stdout)
	case sub == "history" && len(rest) == 1:
		return op.History(ctx, *scope, rest[0], stdout)
	case sub == "audit" && len(rest) == 0:
		return op.Audit(ctx, *scope, *limit, stdout)
	case sub == "stats" && len(rest) == 0:
		return op.Stats(ctx, *scope, *pngPath, time.Now(), stdout)
	case sub == "revert" && len(rest) == 2:
		v, err := strconv.Atoi(rest[1])
		if err != nil {
			return usageError{"kb revert: VERSION must be a number"}
		}
		return op.Revert(ctx, *scope, rest[0], v, stdout)
	}
	return usageError{kbUsage}
}

// openOperator opens the moderated knowledge base for the command line.
func openOperator(ctx context.Context, path string) (commands.Operator, func(), error) {
	curated, err := kb.Default()
	if err != nil {
		return commands.Operator{}, nil, err
	}
	store, err := openStore(ctx, path, kb.StoreOptions{})
	if err != nil {
		return commands.Operator{}, nil, fmt.Errorf("--db: %w", err)
	}
	lib, err := kb.OpenLibrary(ctx, store, curated, kb.Options{}, nil)
	if err != nil {
		store.Close(ctx)
		return commands.Operator{}, nil, err
	}
	return commands.Operator{Library: lib, Store: store, Author: "cli"}, func() { store.Close(context.Background()) }, nil
}

// parseInterspersed parses flags wherever they stand among the positional
// arguments (`kb import FILE --db PATH` as well as `kb import --db PATH
// FILE`) and returns the positional ones in order. "--" ends the flags.
func parseInterspersed(fl *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fl.Parse(args); err != nil {
			return nil, err
		}
		rest := fl.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
