package kb

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"
)

//go:embed data/kb.json data/sources
var embedded embed.FS

// DefaultFile is the name under which the embedded knowledge base reports problems.
const DefaultFile = "kb/data/kb.json"

// Source is a document the knowledge base quotes: one news article.
type Source struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Outlet    string `json:"outlet"`
	URL       string `json:"url"`
	Published string `json:"published"` // YYYY-MM-DD
	Text      string `json:"text,omitempty"`
}

// Citation ties an entry to a verbatim quote from one source. A citation of
// a web page the knowledge base does not hold names it by URL and Title
// instead of SourceID; its quote cannot be checked, and every answer built on
// it is marked as from an unverified source.
type Citation struct {
	SourceID string `json:"source_id,omitempty"`
	URL      string `json:"url,omitempty"`
	Title    string `json:"title,omitempty"`
	Quote    string `json:"quote"`
}

// Unverified reports a citation whose quote could not be checked.
func (c Citation) Unverified() bool { return c.SourceID == "" }

// Entry is one curated answer.
type Entry struct {
	ID       string `json:"id"`
	Topic    string `json:"topic"`
	Question string `json:"question"`
	// Answers names the kinds of answer the entry gives ("person", "date",
	// "place", "number", "source", "reason", "name", "link"; see AnswerKinds), so a
	// "who" or "when" question prefers entries that answer it. Empty means
	// no particular kind.
	Answers      []string   `json:"answers,omitempty"`
	Aliases      []string   `json:"aliases,omitempty"`
	Answer       string     `json:"answer"`
	Citations    []Citation `json:"citations"`
	AsOf         string     `json:"as_of"` // YYYY-MM-DD
	AttributedTo string     `json:"attributed_to,omitempty"`
	Related      []string   `json:"related,omitempty"`
}

// clone returns a copy of e that shares no slice with it.
func (e Entry) clone() Entry {
	e.Aliases = slices.Clone(e.Aliases)
	e.Citations = slices.Clone(e.Citations)
	e.Related = slices.Clone(e.Related)
	return e
}

// KB is a validated knowledge base: its sources and its entries.
// A KB is not modified after Parse returns it; it is safe for concurrent readers.
type KB struct {
	Sources []Source `json:"sources"`
	Lexicon *Lexicon `json:"lexicon,omitempty"`
	Entries []Entry  `json:"entries"`
}

// Source returns the source with the given id.
func (k *KB) Source(id string) (Source, bool) {
	for _, s := range k.Sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}

// Default returns the knowledge base embedded in the binary.
func Default() (*KB, error) {
	sources, err := EmbeddedSources()
	if err != nil {
		return nil, err
	}
	data, err := embedded.ReadFile("data/kb.json")
	if err != nil {
		return nil, fmt.Errorf("read embedded knowledge base: %w", err)
	}
	return Parse(DefaultFile, data, sources)
}

// EmbeddedSources returns the source documents shipped in the binary, each with
// its full text.
func EmbeddedSources() ([]Source, error) {
	metas, err := fs.Glob(embedded, "data/sources/*.meta.json")
	if err != nil {
		return nil, fmt.Errorf("list embedded sources: %w", err)
	}
	var out []Source
	for _, m := range metas {
		raw, err := embedded.ReadFile(m)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", m, err)
		}
		var meta struct {
			Source
			TextFile string `json:"text_file"`
		}
		if err := json.Unmarshal(raw, &meta); err != nil {
			return nil, fmt.Errorf("parse %s: %w", m, err)
		}
		text, err := embedded.ReadFile(path.Join("data/sources", meta.TextFile))
		if err != nil {
			return nil, fmt.Errorf("read text of source %s: %w", meta.ID, err)
		}
		meta.Source.Text = strings.TrimSpace(string(text))
		out = append(out, meta.Source)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no embedded sources")
	}
	return out, nil
}

// SourcedQuote is a citation joined with its source's details.
type SourcedQuote struct {
	SourceID   string `json:"source_id"`
	Title      string `json:"title"`
	Outlet     string `json:"outlet"`
	URL        string `json:"url"`
	Published  string `json:"published"`
	Quote      string `json:"quote"`
	Unverified bool   `json:"unverified,omitempty"` // the quote could not be checked against its source
}

// Quotes returns e's citations with their sources' details. A citation whose
// source is unknown keeps its quote and has empty details.
func (k *KB) Quotes(e *Entry) []SourcedQuote {
	out := make([]SourcedQuote, len(e.Citations))
	for i, c := range e.Citations {
		if c.Unverified() {
			outlet := c.URL
			if u, err := url.Parse(c.URL); err == nil {
				outlet = u.Hostname()
			}
			out[i] = SourcedQuote{Title: c.Title, Outlet: outlet, URL: c.URL, Quote: c.Quote, Unverified: true}
			continue
		}
		s, _ := k.Source(c.SourceID)
		out[i] = SourcedQuote{SourceID: c.SourceID, Title: s.Title, Outlet: s.Outlet, URL: s.URL, Published: s.Published, Quote: c.Quote}
	}
	return out
}

// CitationCount returns how many entries cite the source with the given id.
func (k *KB) CitationCount(sourceID string) int {
	n := 0
	for _, e := range k.Entries {
		for _, c := range e.Citations {
			if c.SourceID == sourceID {
				n++
				break
			}
		}
	}
	return n
}
