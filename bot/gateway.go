package bot

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/gorilla/websocket"
)

// ErrFatalGateway means Discord closed the gateway with a code after which
// reconnecting cannot succeed (a reset token, a refused intent, bad
// sharding). A program should stop (and its supervisor not restart it).
var ErrFatalGateway = errors.New("Discord closed the gateway for good")

// fatalCloseCodes are the gateway close codes after which Discord's docs say
// not to reconnect, with what to do about each. This table is the bot's only
// knowledge of close codes: Open and GatewayLogger both read it.
var fatalCloseCodes = map[int]string{
	4004: "the token was rejected: reset it in the Developer Portal and update DISCORD_TOKEN",
	4010: "invalid shard",
	4011: "sharding required",
	4012: "invalid API version",
	4013: "invalid intents",
	4014: "a privileged intent is not enabled: enable Message Content under Bot > Privileged Gateway Intents in the Developer Portal, or unset ASK_CHANNEL_IDS and ASK_CHANNELS_FROM_DISCORD",
}

// closeCodeText finds a close code in discordgo's text (its log lines and
// some of its errors are only text).
var closeCodeText = regexp.MustCompile(`websocket: close (\d{4})`)

// closeCode returns the gateway close code an error or log line reports.
func closeCode(err error) (int, bool) {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code, true
	}
	if err == nil {
		return 0, false
	}
	return closeCodeIn(err.Error())
}

func closeCodeIn(s string) (int, bool) {
	m := closeCodeText.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	code, err := strconv.Atoi(m[1])
	return code, err == nil
}

// fatalClose returns an ErrFatalGateway error explaining code, or nil when
// reconnecting after code may work. Close 4004 is also ErrTokenRejected.
func fatalClose(code int) error {
	why, ok := fatalCloseCodes[code]
	if !ok {
		return nil
	}
	if code == 4004 {
		return fmt.Errorf("%w (close %d): %w", ErrFatalGateway, code, ErrTokenRejected)
	}
	return fmt.Errorf("%w (close %d): %s", ErrFatalGateway, code, why)
}

// GatewayLogger returns a function for discordgo.Logger that writes
// discordgo's log lines to w and calls fatal (with an ErrFatalGateway error)
// when a line reports a close code after which reconnecting cannot succeed:
// discordgo reports close codes only in its log, and would reconnect
// forever. discordgo's logger is package-level; only main should set it.
func GatewayLogger(w io.Writer, fatal func(error)) func(level, caller int, format string, a ...any) {
	return func(level, _ int, format string, a ...any) {
		msg := fmt.Sprintf(format, a...)
		fmt.Fprintf(w, "discordgo [%d]: %s\n", level, msg)
		if code, ok := closeCodeIn(msg); ok {
			if err := fatalClose(code); err != nil {
				fatal(err)
			}
		}
	}
}
