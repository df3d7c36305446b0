package bot

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

func TestGatewayLogger(t *testing.T) {
	for _, c := range []struct {
		line  string
		fatal bool
	}{
		{"error reading from gateway ws://127.0.0.1/ websocket, websocket: close 4014 (policy violation): Disallowed intent(s).", true},
		{"error reading from gateway wss://gateway.discord.gg/ websocket, websocket: close 4004: Authentication failed.", true},
		{"error reading from gateway wss://gateway.discord.gg/ websocket, websocket: close 4011: Sharding required.", true},
		{"error reading from gateway wss://gateway.discord.gg/ websocket, websocket: close 1006 (abnormal closure): unexpected EOF", false},
		{"error reading from gateway wss://gateway.discord.gg/ websocket, websocket: close 4000: Unknown error", false},
	} {
		var got error
		var out bytes.Buffer
		log := GatewayLogger(&out, func(err error) { got = err })
		log(1, 0, "%s", c.line)
		if (got != nil) != c.fatal || (got != nil && !errors.Is(got, ErrFatalGateway)) {
			t.Errorf("%q: got %v", c.line, got)
		}
		if out.Len() == 0 {
			t.Errorf("%q was not logged", c.line)
		}
	}
}

func TestFatalClose(t *testing.T) {
	for _, c := range []struct {
		name  string
		err   error
		fatal bool
		token bool
		says  string
	}{
		{"CloseError4014", &websocket.CloseError{Code: 4014, Text: "Disallowed intent(s)."}, true, false, "Privileged Gateway Intents"},
		{"WrappedCloseError4004", fmt.Errorf("read: %w", &websocket.CloseError{Code: 4004}), true, true, "close 4004"},
		{"Text4013", errors.New("websocket: close 4013: Invalid intent(s)."), true, false, "invalid intents"},
		{"Resumable4000", &websocket.CloseError{Code: 4000}, false, false, ""},
		{"NoCode", errors.New("dial tcp: connection refused"), false, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if code, ok := closeCode(c.err); ok {
				err = fatalClose(code)
			}
			if (err != nil) != c.fatal || (c.fatal && !errors.Is(err, ErrFatalGateway)) {
				t.Fatalf("got %v", err)
			}
			if errors.Is(err, ErrTokenRejected) != c.token || (c.fatal && !strings.Contains(err.Error(), c.says)) {
				t.Fatalf("got %v", err)
			}
		})
	}
}
