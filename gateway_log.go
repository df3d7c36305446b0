package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// errFatalGateway means Discord closed the gateway with a code after which
// reconnecting cannot succeed (a reset token, a refused intent, bad
// sharding); it exits with 2.
var errFatalGateway = errors.New("Discord closed the gateway for good")

// fatalCloseCodes are the gateway close codes after which Discord's docs say
// not to reconnect, with what to do about each.
var fatalCloseCodes = map[int]string{
	4004: "the token was rejected: reset it in the Developer Portal and update DISCORD_TOKEN",
	4010: "invalid shard",
	4011: "sharding required",
	4012: "invalid API version",
	4013: "invalid intents",
	4014: "a privileged intent is not enabled: enable Message Content under Bot > Privileged Gateway Intents, or unset ASK_CHANNEL_IDS",
}

var closeCode = regexp.MustCompile(`websocket: close (\d{4})`)

// gatewayLogger writes discordgo's log lines to w and calls fail when a line
// reports a fatal close code: discordgo itself would reconnect forever.
func gatewayLogger(w io.Writer, fail context.CancelCauseFunc) func(level, caller int, format string, a ...any) {
	return func(level, _ int, format string, a ...any) {
		msg := fmt.Sprintf(format, a...)
		fmt.Fprintf(w, "discordgo [%d]: %s\n", level, msg)
		if m := closeCode.FindStringSubmatch(msg); m != nil {
			code, _ := strconv.Atoi(m[1])
			if why, fatal := fatalCloseCodes[code]; fatal {
				fail(fmt.Errorf("%w (close %d): %s", errFatalGateway, code, why))
			}
		}
	}
}
