// Package doctext turns a source document a moderator uploads (plain text,
// Markdown or HTML) into the plain text that quotes are checked against.
// HTML is parsed with golang.org/x/net/html and reduced to its visible text:
// scripts, styles and the head are dropped, block elements become line
// breaks. Nothing here fetches anything.
package doctext

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ErrFormat refuses a file that is not text, Markdown or HTML. Its message
// is safe to show.
var ErrFormat = errors.New("the file must be plain text (.txt), Markdown (.md) or HTML (.html) in UTF-8")

// Kind is what a document is, from its file name or content type.
type Kind int

// Document kinds.
const (
	Unknown  Kind = iota
	Plain         // .txt
	Markdown      // .md, .markdown: kept as written
	HTML          // .html, .htm
)

// KindOf tells a document's kind from its file name, else its content type.
func KindOf(name, contentType string) Kind {
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".text":
		return Plain
	case ".md", ".markdown":
		return Markdown
	case ".html", ".htm", ".xhtml":
		return HTML
	}
	ct, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	switch strings.TrimSpace(ct) {
	case "text/plain":
		return Plain
	case "text/markdown", "text/x-markdown":
		return Markdown
	case "text/html", "application/xhtml+xml":
		return HTML
	}
	return Unknown
}

// Text returns a document's text: UTF-8 (a byte-order mark dropped), line
// ends as "\n", trailing spaces and runs of blank lines trimmed. HTML is
// reduced to its visible text first.
func Text(kind Kind, data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return "", fmt.Errorf("%w: it is not valid UTF-8", ErrFormat)
	}
	var s string
	switch kind {
	case Plain, Markdown:
		s = string(data)
	case HTML:
		var err error
		if s, err = fromHTML(data); err != nil {
			return "", err
		}
	default:
		return "", ErrFormat
	}
	return tidy(s), nil
}

// skipped elements contribute no text.
var skipped = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true, atom.Canvas: true,
	atom.Button: true, atom.Select: true, atom.Textarea: true,
}

// block elements start and end a line.
var block = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Body: true,
	atom.Br: true, atom.Dd: true, atom.Details: true, atom.Div: true, atom.Dl: true, atom.Dt: true,
	atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Form: true, atom.H1: true,
	atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true,
	atom.Hr: true, atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true, atom.P: true,
	atom.Pre: true, atom.Section: true, atom.Summary: true, atom.Table: true, atom.Td: true,
	atom.Th: true, atom.Tr: true, atom.Ul: true, atom.Caption: true,
}

func fromHTML(data []byte) (string, error) {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("read the HTML: %w", err)
	}
	var b strings.Builder
	var walk func(n *html.Node, pre bool)
	walk = func(n *html.Node, pre bool) {
		switch n.Type {
		case html.CommentNode, html.DoctypeNode:
			return
		case html.TextNode:
			if pre {
				b.WriteString(n.Data)
				return
			}
			b.WriteString(collapse(n.Data))
			return
		case html.ElementNode:
			if skipped[n.DataAtom] {
				return
			}
			if block[n.DataAtom] {
				b.WriteByte('\n')
				defer b.WriteByte('\n')
			}
			pre = pre || n.DataAtom == atom.Pre
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, pre)
		}
	}
	walk(doc, false)
	return b.String(), nil
}

// collapse folds runs of HTML white space into one space, as a browser does.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// tidy makes line ends "\n", trims each line's ends and keeps at most one
// blank line in a row.
func tidy(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var out []string
	blank := true
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRightFunc(strings.TrimLeft(line, " "), unicode.IsSpace)
		if line == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, line)
		blank = false
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
