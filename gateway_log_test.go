package main

import (
	"bytes"
	"errors"
	"testing"
)

func TestGatewayLogger(t *testing.T) {
	for _, c := range []struct {
		line  string
		fatal bool
	}{
		{"error reading from gateway ws://127.0.0.1/ websocket, websocket: close 4014 (policy violation): Disallowed intent(s).", true},
		{"error reading from gateway wss://gateway.discord.gg/ websocket, websocket: close 4004: Authentication failed.", true},
		{"error reading from gateway wss://gateway.discord.gg/ websocket, websocket: close 1006 (abnormal closure): unexpected EOF", false},
		{"error reading from gateway wss://gateway.discord.gg/ websocket, websocket: close 4000: Unknown error", false},
	} {
		var got error
		var out bytes.Buffer
		log := gatewayLogger(&out, func(err error) { got = err })
		log(1, 0, "%s", c.line)
		if (got != nil) != c.fatal || (got != nil && !errors.Is(got, errFatalGateway)) {
			t.Errorf("%q: got %v", c.line, got)
		}
		if out.Len() == 0 {
			t.Errorf("%q was not logged", c.line)
		}
	}
}
