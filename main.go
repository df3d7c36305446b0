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
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/joho/godotenv"

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
	if errors.As(err, &ue) || errors.As(err, &ce) || errors.Is(err, bot.ErrTokenRejected) {
		return 2
	}
	return 1
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "crisisbot:", err)
		os.Exit(exitCode(err))
	}
}

// run is the whole program: main only supplies the process's environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := godotenv.Load(); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read .env: %w", err)
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
		return runKB(rest, stdout)
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

func runKB(args []string, stdout io.Writer) error {
	switch {
	case len(args) == 1 && args[0] == "export":
		k, err := kb.Default()
		if err != nil {
			return err
		}
		return commands.Export(k, stdout)
	case len(args) == 2 && args[0] == "check":
		return commands.Check(args[1], stdout)
	}
	return usageError{"usage: crisisbot kb export | crisisbot kb check FILE"}
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
