package kb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on the sources moderators add.
const (
	// MaxSourceBytes is the largest source text, after HTML is reduced to
	// its text.
	MaxSourceBytes = 1 << 20
	// MaxScopeSources is how many sources of its own one scope (a server,
	// or the global scope) may hold; removed ones do not count.
	MaxScopeSources = 50
)

// Source actions recorded in a source's history.
const (
	ActionSourceAdd    Action = "add"    // a new source
	ActionSourceRemove Action = "remove" // no longer served; nothing is deleted
	ActionSourceRevert Action = "revert" // an earlier version restored
)

// SourceVersion is one stored state of a source document in a scope. Source
// is nil for a removal.
type SourceVersion struct {
	Scope    string    `json:"scope"`
	SourceID string    `json:"source_id"`
	Version  int       `json:"version"`
	Action   Action    `json:"action"`
	Source   *Source   `json:"source,omitempty"`
	Author   string    `json:"author"`
	At       time.Time `json:"at"`
}

// SourceChange is one change to a scope's sources. Base is the version the
// change starts from (0 for a new source); a store refuses it with
// ErrConflict when the source has moved on since.
type SourceChange struct {
	Scope    string
	SourceID string
	Source   *Source // nil to remove
	Action   Action
	Author   string
	Base     int
}

// SourceStore is the part of Store that keeps the source documents
// moderators add, versioned per scope like entries. Every change is audited
// (action "source-" plus the change's action, the source id as the record's
// entry id).
type SourceStore interface {
	// CurrentSources returns the latest version of every source in every
	// scope, removals included, ordered by scope, then first appearance.
	CurrentSources(ctx context.Context) ([]SourceVersion, error)
	// ApplySource stores one change to a source and returns its version.
	ApplySource(ctx context.Context, c SourceChange) (SourceVersion, error)
	// SourceHistory returns every version of a source in a scope, oldest
	// first; ErrNotFound when there is none.
	SourceHistory(ctx context.Context, scope, sourceID string) ([]SourceVersion, error)
	// SourceChanges is Changes for sources: the scopes with source versions
	// stored after the mark since, and the next mark (the store's own, only
	// growing; 0 is the beginning).
	SourceChanges(ctx context.Context, since int64) (scopes []string, mark int64, err error)
}

// SourceInUseError refuses the removal of a source that entries cite. Its
// message is safe to show.
type SourceInUseError struct {
	SourceID string
	Entries  []string // the citing entries, as "id" (or "server/id" for another scope's)
}

func (e *SourceInUseError) Error() string {
	shown := e.Entries
	more := ""
	if len(shown) > 10 {
		shown, more = shown[:10], fmt.Sprintf(" and %d more", len(e.Entries)-10)
	}
	return fmt.Sprintf("source %s is cited by %d entries (%s%s); change or hide them first", e.SourceID, len(e.Entries), strings.Join(shown, ", "), more)
}

// SourcesFullError refuses a source past MaxScopeSources. Its message is safe
// to show.
type SourcesFullError struct{ Limit int }

func (e *SourcesFullError) Error() string {
	return fmt.Sprintf("this knowledge base already has %d sources of its own, the most it may hold; remove one first", e.Limit)
}

// ErrSourceNotFound names a source the scope does not have.
var ErrSourceNotFound = errors.New("no such source or version")

// CheckSource validates a source a moderator adds: id, title, outlet, URL,
// publication date and text (valid UTF-8, not empty, at most MaxSourceBytes,
// no control characters but line breaks and tabs). It returns a
// *ValidationError listing every problem.
func CheckSource(s Source) error {
	v := validator{file: "source"}
	v.source(0, s, map[string]bool{})
	if s.URL != "" && !SafeURL(s.URL) {
		v.add("", "sources[0].url", "must be a plain web address: http or https, no spaces, brackets or markdown")
	}
	if !utf8.ValidString(s.Text) {
		v.add("", "sources[0].text", "is not valid UTF-8")
	} else {
		for _, r := range s.Text {
			if r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f) {
				v.add("", "sources[0].text", fmt.Sprintf("contains the control character %U", r))
				break
			}
		}
	}
	if len(s.Text) > MaxSourceBytes {
		v.add("", "sources[0].text", fmt.Sprintf("is %d bytes; the limit is %d", len(s.Text), MaxSourceBytes))
	}
	if len(v.problems) > 0 {
		return v.err()
	}
	return nil
}

// SourceSlug makes a source id from a title: lower-case words of letters and
// digits joined by hyphens, at most 48 bytes; "source" when none is left.
func SourceSlug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	s := b.String()
	if len(s) > 48 {
		s = strings.TrimRight(s[:48], "-")
	}
	if s == "" {
		s = "source"
	}
	return s
}
