package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"crisisbot/internal/doctext"
	"crisisbot/kb"
)

// AddSource reads a text, Markdown or HTML file (HTML reduced to its text),
// adds it to scope's sources with the title, outlet, URL and publication
// date in meta, and prints its new id. Quotes from it are then checked
// verbatim like quotes from the shipped article.
func (o Operator) AddSource(ctx context.Context, scope, path string, meta kb.Source, w io.Writer) error {
	kind := doctext.KindOf(path, "")
	if kind == doctext.Unknown {
		return fmt.Errorf("source add %s: %w", path, doctext.ErrFormat)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("source add: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSourceHTML+1))
	if err != nil {
		return fmt.Errorf("source add %s: %w", path, err)
	}
	if len(data) > maxSourceHTML {
		return fmt.Errorf("source add %s: the file is larger than %d bytes", path, maxSourceHTML)
	}
	meta.Text, err = doctext.Text(kind, data)
	if err != nil {
		return fmt.Errorf("source add %s: %w", path, err)
	}
	v, err := o.Library.AddSource(ctx, scope, meta, o.Author)
	if err != nil {
		return fmt.Errorf("source add %s: nothing was added: %w", path, listProblems(err, w))
	}
	fmt.Fprintf(w, "added source %s to %s (version %d, %d bytes of text)\n", v.SourceID, scope, v.Version, len(meta.Text))
	return nil
}

// RemoveSource stops serving one of scope's sources (refused while entries
// cite it; the error names them).
func (o Operator) RemoveSource(ctx context.Context, scope, id string, w io.Writer) error {
	v, err := o.Library.RemoveSource(ctx, scope, id, o.Author)
	if errors.Is(err, kb.ErrSourceNotFound) {
		return fmt.Errorf("source remove %s: %s has no source of its own with that id (the shipped sources cannot be removed): %w", id, scope, err)
	}
	if err != nil {
		return fmt.Errorf("source remove %s: %w", id, err)
	}
	fmt.Fprintf(w, "removed source %s from %s (version %d)\n", id, scope, v.Version)
	return nil
}

// SourceHistory prints a source's versions as JSON lines, without their
// texts.
func (o Operator) SourceHistory(ctx context.Context, scope, id string, w io.Writer) error {
	vs, err := o.Store.SourceHistory(ctx, scope, id)
	if err != nil {
		return fmt.Errorf("source history of %s in %s: %w", id, scope, err)
	}
	for i, v := range vs {
		if v.Source != nil {
			s := *v.Source
			s.Text = ""
			vs[i].Source = &s
		}
	}
	return jsonLines(w, vs)
}

// ListSources prints the sources scope sees, one a line: id, publication
// date, how many entries cite it, outlet and title, separated by tabs.
func (o Operator) ListSources(scope string, w io.Writer) error {
	k := o.Library.Index(scope).KB()
	for _, s := range k.Sources {
		if _, err := fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\n", s.ID, s.Published, k.CitationCount(s.ID), s.Outlet, s.Title); err != nil {
			return err
		}
	}
	return nil
}
