package main

import (
	"context"
	"flag"
	"io"

	"crisisbot/kb"
)

const kbSourceUsage = "usage: crisisbot kb source add FILE --title TITLE --outlet OUTLET --url URL --published YYYY-MM-DD | kb source list | kb source remove ID | kb source history ID, each with --db PATH [--scope global|SERVER_ID]"

// runKBSource is `crisisbot kb source …`: the sources of the moderated
// knowledge base, as operators manage them.
func runKBSource(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{kbSourceUsage}
	}
	fl := flag.NewFlagSet("kb source", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	db := fl.String("db", "", "the moderated knowledge base (KB_DB_PATH)")
	scope := fl.String("scope", kb.GlobalScope, "global, or a server id")
	var meta kb.Source
	fl.StringVar(&meta.Title, "title", "", "the article's headline")
	fl.StringVar(&meta.Outlet, "outlet", "", "who published it")
	fl.StringVar(&meta.URL, "url", "", "where it was published")
	fl.StringVar(&meta.Published, "published", "", "publication date, YYYY-MM-DD")
	rest, err := parseInterspersed(fl, args[1:])
	if err != nil {
		return usageError{"kb source: " + err.Error() + "; " + kbSourceUsage}
	}
	sub := args[0]
	switch {
	case *db == "":
		return usageError{"kb source: --db is required; " + kbSourceUsage}
	case sub == "add" && len(rest) == 1, sub == "list" && len(rest) == 0, (sub == "remove" || sub == "history") && len(rest) == 1:
	default:
		return usageError{kbSourceUsage}
	}
	op, closeStore, err := openOperator(ctx, *db)
	if err != nil {
		return err
	}
	defer closeStore()
	switch sub {
	case "add":
		return op.AddSource(ctx, *scope, rest[0], meta, stdout)
	case "list":
		return op.ListSources(*scope, stdout)
	case "remove":
		return op.RemoveSource(ctx, *scope, rest[0], stdout)
	}
	return op.SourceHistory(ctx, *scope, rest[0], stdout)
}
