package kb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Field limits. Questions and aliases must fit a Discord autocomplete choice
// name (100); topics a select-menu label (100); quotes a Discord embed field
// (1024) with room for numbering and the outlet.
const (
	MaxIDLen       = 64
	MaxQuestionLen = 100
	MaxTopicLen    = 100
	MaxAnswerLen   = 1500
	MaxQuoteLen    = 800
	MaxAttribLen   = 200
	MaxAliases     = 25
	MaxCitations   = 5
	MaxFileBytes   = 8 << 20
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Parse decodes and validates a knowledge-base file. The file holds
// {"entries": [...]} and may also hold {"sources": [...]} with full texts;
// sources named in the file replace known sources of the same id. name is used
// only in problem reports. On any problem Parse returns a *ValidationError that
// lists every one found, and no KB.
func Parse(name string, data []byte, known []Source) (*KB, error) {
	return parse(name, data, known, false)
}

// ParsePart is Parse for a file that holds only some entries of a knowledge
// base (an export with one entry edited, say): its related ids may name
// entries that are not in the file. Apply the result through
// Library.Apply, which validates the whole knowledge base it produces.
func ParsePart(name string, data []byte, known []Source) (*KB, error) {
	return parse(name, data, known, true)
}

func parse(name string, data []byte, known []Source, part bool) (*KB, error) {
	v := validator{file: name, part: part}
	return v.parse(data, known)
}

// parse is Parse with the validator given, so tests can see its counters.
func (v *validator) parse(data []byte, known []Source) (*KB, error) {
	if len(data) > MaxFileBytes {
		v.add("", "", fmt.Sprintf("file is %d bytes; the limit is %d", len(data), MaxFileBytes))
		return nil, v.err()
	}
	var doc KB
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		v.add("", "", describeJSONError(data, err))
		return nil, v.err()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		v.add("", "", "unexpected data after the top-level JSON object")
		return nil, v.err()
	}
	sources := map[string]Source{}
	var order []string
	for _, s := range known {
		if _, dup := sources[s.ID]; !dup {
			order = append(order, s.ID)
		}
		sources[s.ID] = s
	}
	seenFileSource := map[string]bool{}
	for i, s := range doc.Sources {
		if v.full() {
			v.more = true
			return nil, v.err()
		}
		v.source(i, s, seenFileSource)
		if _, ok := sources[s.ID]; !ok {
			order = append(order, s.ID)
		}
		sources[s.ID] = s
	}
	k := &KB{Entries: doc.Entries}
	for _, id := range order {
		k.Sources = append(k.Sources, sources[id])
	}
	normText := make(map[string]string, len(sources))
	for id, s := range sources {
		normText[id] = NormalizeQuote(s.Text)
	}
	v.entries(doc.Entries, normText)
	if len(v.problems) > 0 {
		return nil, v.err()
	}
	return k, nil
}

// Bounds on the work one file's validation can cause: after maxProblems
// problems it stops, and only the first maxClosest quotes not found in their
// source get a search for the closest passage.
const (
	maxProblems = 50
	maxClosest  = 5
)

// moreProblems ends a list of problems cut short at maxProblems.
const moreProblems = "…and more problems not checked"

type validator struct {
	file     string
	problems []Problem
	quotesOf map[string]bool   // when not nil, verify quotes only of these entries
	part     bool              // the entries are part of a knowledge base: related ids may point outside them
	ownOnly  bool              // check only the quotesOf entries' own fields: no clashes, no related ids
	keys     map[string]string // when not nil, a memo of phraseKey
	closest  int               // closest-passage searches run
	more     bool              // checks were skipped once maxProblems were found
}

func (v *validator) add(entry, field, msg string) {
	if v.full() {
		v.more = true
		return
	}
	v.problems = append(v.problems, Problem{File: v.file, Entry: entry, Field: field, Msg: msg})
}

// full reports that maxProblems were found: the rest is not checked.
func (v *validator) full() bool { return len(v.problems) >= maxProblems }

func (v *validator) err() error {
	ps := v.problems
	if v.more {
		ps = append(ps[:len(ps):len(ps)], Problem{File: v.file, Msg: moreProblems})
	}
	return &ValidationError{Problems: ps}
}

func (v *validator) source(i int, s Source, seen map[string]bool) {
	where := fmt.Sprintf("sources[%d]", i)
	if !idPattern.MatchString(s.ID) || len(s.ID) > MaxIDLen {
		v.add("", where+".id", fmt.Sprintf("%q is not a slug of lower-case letters, digits and single hyphens (at most %d characters)", s.ID, MaxIDLen))
	}
	if seen[s.ID] {
		v.add("", where+".id", fmt.Sprintf("source id %q appears twice", s.ID))
	}
	seen[s.ID] = true
	v.text("", where+".title", s.Title, 300, false)
	v.text("", where+".outlet", s.Outlet, 200, false)
	if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		v.add("", where+".url", fmt.Sprintf("%q is not an http(s) URL", s.URL))
	}
	v.date("", where+".published", s.Published)
	if strings.TrimSpace(s.Text) == "" {
		v.add("", where+".text", "is empty; a source needs its full text so quotes can be checked")
	}
}

func (v *validator) entries(entries []Entry, sourceText map[string]string) {
	if len(entries) == 0 {
		v.add("", "entries", "there are no entries")
	}
	ids := map[string]int{}
	phrases := map[string]string{} // folded question/alias -> entry id
	for i, e := range entries {
		if v.full() {
			v.more = true
			return
		}
		ref := e.ID
		if ref == "" {
			ref = fmt.Sprintf("#%d", i+1)
		}
		if !idPattern.MatchString(e.ID) || len(e.ID) > MaxIDLen {
			v.add(ref, "id", fmt.Sprintf("%q is not a slug of lower-case letters, digits and single hyphens (at most %d characters)", e.ID, MaxIDLen))
		}
		if j, dup := ids[e.ID]; dup && e.ID != "" {
			v.add(ref, "id", fmt.Sprintf("duplicate id; entry #%d has it too", j+1))
		}
		ids[e.ID] = i
		if v.quotesOf != nil && !v.quotesOf[e.ID] {
			if v.ownOnly {
				continue
			}
			// Stored earlier, and checked then: only its phrasings matter
			// now, for clashes with the changed entries.
			v.phrase(ref, "question", e.Question, phrases)
			for j, a := range e.Aliases {
				v.phrase(ref, fmt.Sprintf("aliases[%d]", j), a, phrases)
			}
			continue
		}
		v.text(ref, "topic", e.Topic, MaxTopicLen, false)
		v.text(ref, "question", e.Question, MaxQuestionLen, false)
		v.text(ref, "answer", e.Answer, MaxAnswerLen, true)
		if e.AttributedTo != "" {
			v.text(ref, "attributed_to", e.AttributedTo, MaxAttribLen, false)
		}
		v.date(ref, "as_of", e.AsOf)
		if len(e.Aliases) > MaxAliases {
			v.add(ref, "aliases", fmt.Sprintf("has %d aliases; the limit is %d", len(e.Aliases), MaxAliases))
		}
		v.phrase(ref, "question", e.Question, phrases)
		for j, a := range e.Aliases {
			field := fmt.Sprintf("aliases[%d]", j)
			v.text(ref, field, a, MaxQuestionLen, false)
			v.phrase(ref, field, a, phrases)
		}
		v.citations(ref, e.Citations, sourceText, v.quotesOf == nil || v.quotesOf[e.ID])
	}
	for i, e := range entries {
		if v.ownOnly {
			return
		}
		if v.full() {
			v.more = true
			return
		}
		ref := e.ID
		if ref == "" {
			ref = fmt.Sprintf("#%d", i+1)
		}
		seen := map[string]bool{}
		for j, r := range e.Related {
			field := fmt.Sprintf("related[%d]", j)
			switch _, ok := ids[r]; {
			case r == e.ID:
				v.add(ref, field, "an entry cannot be related to itself")
			case !ok && !v.part:
				v.add(ref, field, fmt.Sprintf("no entry has id %q", r))
			case seen[r]:
				v.add(ref, field, fmt.Sprintf("%q is listed twice", r))
			}
			seen[r] = true
		}
	}
}

// phrase records a question or alias and reports one already used by another
// entry: two entries answering the same phrasing would make the matcher guess.
func (v *validator) phrase(ref, field, s string, seen map[string]string) {
	key, ok := v.keys[s]
	if !ok {
		key = phraseKey(s)
		if v.keys != nil {
			v.keys[s] = key
		}
	}
	if key == "" || v.ownOnly {
		return
	}
	if other, ok := seen[key]; ok && other != ref {
		v.add(ref, field, fmt.Sprintf("%q is also a question or alias of entry %s", s, other))
		return
	}
	seen[key] = ref
}

// phraseKey folds a question or alias for comparison: lower case, quote
// marks and dashes folded, white space collapsed, trailing ?!. dropped.
func phraseKey(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || isInvisible(r) {
			space = len(b) > 0
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = utf8.AppendRune(b, unicode.ToLower(foldPunct(r)))
	}
	return strings.TrimRight(string(b), "?!. ")
}

func (v *validator) citations(ref string, cs []Citation, sourceText map[string]string, verify bool) {
	if len(cs) == 0 {
		v.add(ref, "citations", "an entry needs at least one citation")
	}
	if len(cs) > MaxCitations {
		v.add(ref, "citations", fmt.Sprintf("has %d citations; the limit is %d", len(cs), MaxCitations))
	}
	for j, c := range cs {
		field := fmt.Sprintf("citations[%d]", j)
		if c.Unverified() {
			if !SafeURL(c.URL) {
				v.add(ref, field, "needs a source_id, or a plain url (http or https, no spaces, brackets or markdown) and a title")
			}
			v.text(ref, field+".title", c.Title, 300, false)
			v.text(ref, field+".quote", c.Quote, MaxQuoteLen, false)
			continue
		}
		text, ok := sourceText[c.SourceID]
		if !ok {
			v.add(ref, field+".source_id", fmt.Sprintf("no source has id %q", c.SourceID))
		}
		if !v.text(ref, field+".quote", c.Quote, MaxQuoteLen, false) || !ok || !verify {
			continue
		}
		if strings.Contains(text, NormalizeQuote(c.Quote)) {
			continue
		}
		if v.closest >= maxClosest {
			v.add(ref, field+".quote", fmt.Sprintf("not found verbatim in source %s", c.SourceID))
			continue
		}
		v.closest++
		v.add(ref, field+".quote", fmt.Sprintf("not found verbatim in source %s; closest passage: %q", c.SourceID, ClosestPassage(text, c.Quote)))
	}
}

// text checks a required string field and reports whether it is usable.
func (v *validator) text(ref, field, s string, max int, multiline bool) bool {
	switch {
	case !utf8.ValidString(s):
		v.add(ref, field, "is not valid UTF-8")
		return false
	case strings.TrimSpace(s) == "":
		v.add(ref, field, "is empty")
		return false
	case utf8.RuneCountInString(s) > max:
		v.add(ref, field, fmt.Sprintf("is %d characters; the limit is %d", utf8.RuneCountInString(s), max))
		return false
	}
	for _, r := range s {
		if (unicode.IsControl(r) && !(multiline && r == '\n')) || isInvisible(r) {
			v.add(ref, field, fmt.Sprintf("contains the invisible or control character %U", r))
			return false
		}
	}
	return true
}

func (v *validator) date(ref, field, s string) {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		v.add(ref, field, fmt.Sprintf("%q is not a date in the form YYYY-MM-DD", s))
	}
}

// describeJSONError turns a decoding error into a message with a line and column.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		return fmt.Sprintf("line %d, column %d: invalid JSON: %v", line, col, syn)
	case errors.As(err, &typ):
		line, col := lineCol(data, typ.Offset)
		return fmt.Sprintf("line %d, column %d: field %q must be %s, not JSON %s", line, col, typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the file is empty or ends in the middle of a JSON value"
	}
	return "invalid JSON: " + err.Error()
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}
