package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"

	"crisisbot/kb"
)

// Operator is the command-line side of moderation: export, import, history,
// revert and the audit log on a library and its store, as the bot's operators
// run them.
type Operator struct {
	Library *kb.Library
	Store   kb.Store // the store behind Library
	Author  string   // recorded as who made the change
}

// Export writes a scope's knowledge base (its sources with their texts, and
// the entries the scope sees) as JSON, in the shape Check and Import read.
func (o Operator) Export(scope string, w io.Writer) error {
	return Export(o.Library.Index(scope).KB(), w)
}

// Import validates a knowledge-base file completely (size, schema, every
// quote, and the scope's knowledge base it produces: a file may hold only
// some entries) and applies all its entries to scope in one transaction; on
// any problem nothing changes and every problem is listed on w.
func (o Operator) Import(ctx context.Context, scope, path string, w io.Writer) error {
	ix := o.Library.Index(scope)
	parsed, err := parseFile(path, ix.KB().Sources, w, kb.ParsePart)
	if err != nil {
		return fmt.Errorf("import %s: nothing was imported: %w", path, err)
	}
	changes, unchanged := importChanges(ix, scope, parsed, o.Author)
	if _, err := o.Library.Apply(ctx, changes); err != nil {
		return fmt.Errorf("import %s: nothing was imported: %w", path, listProblems(err, w))
	}
	fmt.Fprintf(w, "imported %d changed entries into %s (%d unchanged)\n", len(changes), scope, unchanged)
	return nil
}

// importChanges turns a parsed file into changes for scope: entries equal to
// what the scope already serves are skipped and counted.
func importChanges(ix *kb.Index, scope string, parsed *kb.KB, author string) ([]kb.Change, int) {
	var changes []kb.Change
	unchanged := 0
	for i := range parsed.Entries {
		e := parsed.Entries[i]
		action := kb.ActionAdd
		if old, ok := ix.Entry(e.ID); ok {
			if reflect.DeepEqual(*old, e) {
				unchanged++
				continue
			}
			action = kb.ActionEdit
		}
		changes = append(changes, kb.Change{Scope: scope, EntryID: e.ID, Entry: &e, Action: action, Author: author, Base: -1})
	}
	return changes, unchanged
}

// History prints an entry's versions as JSON lines.
func (o Operator) History(ctx context.Context, scope, id string, w io.Writer) error {
	vs, err := o.Store.History(ctx, scope, id)
	if err != nil {
		return fmt.Errorf("history of %s in %s: %w", id, scope, err)
	}
	return jsonLines(w, vs)
}

// jsonLines writes each item as one line of JSON.
func jsonLines[T any](w io.Writer, items []T) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return err
		}
	}
	return nil
}

// Revert restores a version of an entry as a new version.
func (o Operator) Revert(ctx context.Context, scope, id string, version int, w io.Writer) error {
	vs, err := o.Store.History(ctx, scope, id)
	if err != nil || version < 1 || version > len(vs) {
		return fmt.Errorf("revert %s in %s: no version %d", id, scope, version)
	}
	got, err := o.Library.Apply(ctx, []kb.Change{{Scope: scope, EntryID: id, Entry: vs[version-1].Entry, Action: kb.ActionRevert, Author: o.Author, Base: vs[len(vs)-1].Version}})
	if err != nil {
		return fmt.Errorf("revert %s: %w", id, err)
	}
	fmt.Fprintf(w, "restored version %d of %s as version %d\n", version, id, got[0].Version)
	return nil
}

// Audit prints the newest audit records of a scope (newest first) as JSON
// lines.
func (o Operator) Audit(ctx context.Context, scope string, limit int, w io.Writer) error {
	recs, err := o.Store.Audit(ctx, scope, limit)
	if err != nil {
		return fmt.Errorf("audit log of %s: %w", scope, err)
	}
	return jsonLines(w, recs)
}
