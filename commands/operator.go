package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"

	"crisisbot/kb"
)

// Operator is the command-line side of moderation: export, import, history
// and revert on a library, as the bot's operators run them.
type Operator struct {
	Library *kb.Library
	Author  string // recorded as who made the change
}

// Export writes a scope's knowledge base (its sources with their texts, and
// the entries the scope sees) as JSON, in the shape Check and Import read.
func (o Operator) Export(scope string, w io.Writer) error {
	return Export(o.Library.Index(scope).KB(), w)
}

// Import validates a knowledge-base file completely (size, schema, every
// quote) and applies all its entries to scope in one transaction; on any
// problem nothing changes and every problem is listed on w.
func (o Operator) Import(ctx context.Context, scope, path string, w io.Writer) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	if st.Size() > kb.MaxFileBytes {
		return fmt.Errorf("import %s: the file is %d bytes; the limit is %d", path, st.Size(), kb.MaxFileBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	cur := o.Library.Index(scope).KB()
	parsed, err := kb.Parse(path, data, cur.Sources)
	var verr *kb.ValidationError
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Fprintln(w, p)
		}
		return fmt.Errorf("%w: %d problem(s); nothing was imported", ErrInvalidKB, len(verr.Problems))
	}
	if err != nil {
		return err
	}
	var changes []kb.Change
	unchanged := 0
	for i := range parsed.Entries {
		e := parsed.Entries[i]
		action := kb.ActionAdd
		if old, ok := o.Library.Index(scope).Entry(e.ID); ok {
			if reflect.DeepEqual(*old, e) {
				unchanged++
				continue
			}
			action = kb.ActionEdit
		}
		changes = append(changes, kb.Change{Scope: scope, EntryID: e.ID, Entry: &e, Action: action, Author: o.Author, Base: -1})
	}
	if _, err := o.Library.Apply(ctx, changes); err != nil {
		if errors.As(err, &verr) {
			for _, p := range verr.Problems {
				fmt.Fprintln(w, p)
			}
		}
		return fmt.Errorf("import %s: nothing was imported: %w", path, err)
	}
	fmt.Fprintf(w, "imported %d changed entries into %s (%d unchanged)\n", len(changes), scope, unchanged)
	return nil
}

// History prints an entry's versions as JSON lines.
func (o Operator) History(ctx context.Context, scope, id string, w io.Writer) error {
	vs, err := o.Library.Store().History(ctx, scope, id)
	if err != nil {
		return fmt.Errorf("history of %s in %s: %w", id, scope, err)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return nil
}

// Revert restores a version of an entry as a new version.
func (o Operator) Revert(ctx context.Context, scope, id string, version int, w io.Writer) error {
	vs, err := o.Library.Store().History(ctx, scope, id)
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
