package bot

import (
	"strings"
)

// Escape makes user text safe to show back in a Discord message: markdown
// (bold, italics, spoilers, code, quotes, headings, lists, masked links)
// shows literally, and mentions (@everyone, @here, <@id>, <#id>, <@&id>)
// cannot ping or render, even if allowed_mentions were ever missing.
func Escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch r {
		case '\\', '*', '_', '~', '`', '|', '>', '#', '-', '[', ']', '(', ')', '<', ':':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '@':
			b.WriteRune('@')
			b.WriteRune('\u200b') // breaks @everyone and @here
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
