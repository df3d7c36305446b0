package main

import (
	"context"
	"errors"
	"io"
)

// runDiscord connects to Discord and serves until ctx ends.
func runDiscord(ctx context.Context, cfg Config, registerOnly bool, stderr io.Writer) error {
	return errors.New("the Discord front end is not built yet (issue 3); use `crisisbot ask` or `crisisbot chat`")
}
