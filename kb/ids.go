package kb

import (
	"net/url"
	"strings"
)

// ValidID reports whether id is a well-formed entry or source id: lower-case
// words of letters and digits joined by single hyphens, at most MaxIDLen
// bytes. Ids arrive from buttons and forms; checking them first keeps a forged
// id out of stores, logs and replies.
func ValidID(id string) bool { return len(id) <= MaxIDLen && idPattern.MatchString(id) }

// SafeURL reports whether s is an absolute http(s) URL that can be shown as a
// link in Markdown as it is: a host, and no whitespace, control characters,
// brackets, angle brackets, quotes, backticks or other Markdown characters
// that could end the link or start new formatting.
func SafeURL(s string) bool {
	if s == "" || len(s) > 2048 || strings.ContainsFunc(s, func(r rune) bool {
		return r <= ' ' || r == 0x7f || r > 0x7e || strings.ContainsRune("()[]<>\"'`*_~|\\{}", r)
	}) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}
