// Command loadgen is the HTTP load test's second process: it sends signed
// /ask interactions to a local interactions endpoint at a fixed rate and
// prints what it measured as one JSON object (internal/loadgen). Test
// support: loopback only, bounded in rate and duration.
//
//	loadgen -url http://127.0.0.1:PORT/interactions -key HEX_SEED -rate 5000 -duration 10s -questions kb/testdata/eval.tsv
package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"crisisbot/internal/loadgen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	endpoint := fl.String("url", "", "the endpoint, http://127.0.0.1:PORT/interactions")
	seed := fl.String("key", "", "the signing key's seed, 64 hex digits")
	app := fl.String("app", "900000000000000001", "application_id")
	rate := fl.Int("rate", 1000, "requests a second")
	dur := fl.Duration("duration", 5*time.Second, "how long to send")
	qfile := fl.String("questions", "kb/testdata/eval.tsv", "questions: a TSV whose second column is the question")
	workers := fl.Int("workers", 512, "concurrent requests at most")
	ping := fl.Bool("ping", false, "send PING interactions instead of /ask (the endpoint's floor: verify, decode, PONG)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	raw, err := hex.DecodeString(*seed)
	if err != nil || len(raw) != ed25519.SeedSize {
		return errors.New("-key: not a 32-byte hex seed")
	}
	qs, err := questions(*qfile)
	if err != nil {
		return err
	}
	res, err := loadgen.Run(ctx, loadgen.Options{URL: *endpoint, Key: ed25519.NewKeyFromSeed(raw), AppID: *app, Rate: *rate, Duration: *dur, Questions: qs, Workers: *workers, Ping: *ping})
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

func questions(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if _, q, ok := strings.Cut(sc.Text(), "\t"); ok && !strings.HasPrefix(sc.Text(), "#") {
			qs = append(qs, q)
		}
	}
	return qs, sc.Err()
}
