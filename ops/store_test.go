package ops_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"crisisbot/kb"
	"crisisbot/kb/sqlite"
	"crisisbot/kb/storetest"
	"crisisbot/ops"
)

func openStore(t *testing.T, opts kb.StoreOptions) *sqlite.Store {
	t.Helper()
	s, err := sqlite.OpenWith(context.Background(), filepath.Join(t.TempDir(), "kb.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// The instrumented store is still a store: it passes the contract.
func TestInstrumentStore_Contract(t *testing.T) {
	m := ops.NewMetrics("test")
	storetest.Run(t, func(t *testing.T, opts kb.StoreOptions) kb.Store { return ops.InstrumentStore(openStore(t, opts), m) })
}

func TestInstrumentStore_Counts(t *testing.T) {
	ctx := context.Background()
	m := ops.NewMetrics("test")
	s := ops.InstrumentStore(openStore(t, kb.StoreOptions{}), m)
	e := &kb.Entry{ID: "a", Question: "Q?", Answer: "A", AsOf: "2022-01-10"}
	s.Apply(ctx, []kb.Change{{Scope: "g", EntryID: "a", Entry: e, Action: kb.ActionAdd}})
	if _, err := s.Apply(ctx, []kb.Change{{Scope: "g", EntryID: "a", Entry: e, Action: kb.ActionEdit, Base: 7}}); !errors.Is(err, kb.ErrConflict) {
		t.Fatal(err)
	}
	s.Vote(ctx, "g", "a", "u1", true)
	s.Vote(ctx, "g", "a", "u2", false)
	s.Vote(ctx, "g", "a", "u3", false)
	if _, err := s.History(ctx, "g", "missing"); !errors.Is(err, kb.ErrNotFound) {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, labels string
		want         float64
	}{
		{"crisisbot_kb_edits_total", `action="add"`, 1},
		{"crisisbot_votes_total", `kind="up"`, 1},
		{"crisisbot_votes_total", `kind="down"`, 2},
		{"crisisbot_store_errors_total", `op="apply"`, 0}, // a stale save is a refusal, not a store error
		{"crisisbot_store_errors_total", `op="history"`, 0},
	} {
		if got := series(t, m, c.name, c.labels); got != c.want {
			t.Errorf("%s{%s} = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if n, err := testutil.GatherAndCount(m.Registry(), "crisisbot_store_operation_duration_seconds"); err != nil || n != 20 {
		t.Fatalf("%d store operation series: %v", n, err)
	}
}

// series reads one series' value from the registry's text exposition.
func series(t *testing.T, m *ops.Metrics, name, labels string) float64 {
	t.Helper()
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, mt := range f.GetMetric() {
			var ls []string
			for _, l := range mt.GetLabel() {
				ls = append(ls, l.GetName()+`="`+l.GetValue()+`"`)
			}
			if strings.Join(ls, ",") == labels {
				return mt.GetCounter().GetValue()
			}
		}
	}
	return -1
}
