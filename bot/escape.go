package bot

import (
	"strings"
	"unicode/utf8"
)

// Escape makes user text safe to show back in a Discord message: markdown
// (bold, italics, spoilers, code, quotes, headings, lists, masked links)
// shows literally, and mentions (@everyone, @here, <@id>, <#id>, <@&id>)
// cannot ping or render, even if allowed_mentions were ever missing.
// Invalid UTF-8 becomes U+FFFD. Text with nothing to escape is returned
// as it is, without a copy; otherwise the runs between escapes are copied
// whole (every answer escapes its sources and quotes, so this is on the
// answer path).
func Escape(s string) string {
	i := escapeFrom(s, 0)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		switch {
		case c == '@':
			b.WriteString("@\u200b") // breaks @everyone and @here
			i++
		case c < utf8.RuneSelf:
			b.WriteByte('\\')
			b.WriteByte(c)
			i++
		default: // an invalid UTF-8 byte
			b.WriteRune(utf8.RuneError)
			i++
		}
		j := escapeFrom(s, i)
		b.WriteString(s[i:j])
		i = j
	}
	return b.String()
}

// escapeFrom returns the index of the first byte at or after i that Escape
// must change (a character to escape, '@', or an invalid UTF-8 byte), or
// len(s).
func escapeFrom(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				return i
			}
			i += n
			continue
		}
		switch c {
		case '\\', '*', '_', '~', '`', '|', '>', '#', '-', '[', ']', '(', ')', '<', ':', '@':
			return i
		}
		i++
	}
	return i
}
