package postgres_test

import (
	"context"
	"os"
	"testing"

	"crisisbot/internal/pgtest"
	"crisisbot/kb"
	"crisisbot/kb/postgres"
	"crisisbot/kb/storetest"
)

// pg is this package's PostgreSQL cluster; every test gets its own database.
var pg pgtest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	if err := pg.Close(); err != nil && code == 0 {
		code = 1
	}
	os.Exit(code)
}

// open opens a store on url, closed at the test's end.
func open(tb testing.TB, url string) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func TestStore_Contract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, opts kb.StoreOptions) kb.Store {
		s, err := postgres.OpenWith(context.Background(), pg.Database(t), opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close(context.Background()) })
		return s
	})
}
