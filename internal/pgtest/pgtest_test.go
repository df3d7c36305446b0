package pgtest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"crisisbot/internal/pgtest"
)

func TestCluster_StopStart(t *testing.T) {
	c := pgtest.Own(t)
	url := c.Database(t)
	ping := func() error {
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		return conn.Ping(context.Background())
	}
	if err := ping(); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := ping(); err == nil {
		t.Fatal("connected to a stopped server")
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ping(); err != nil {
		t.Fatalf("after a restart on the same port: %v", err)
	}
}

func TestUnavailable_Required(t *testing.T) {
	if os.Getenv(pgtest.RequireEnv) == "1" {
		t.Skip("the variable is set for the whole run")
	}
	t.Setenv(pgtest.RequireEnv, "1")
	ft := &fakeTB{TB: t}
	func() {
		defer func() { recover() }()
		pgtest.Unavailable(ft, pgtest.ErrNotInstalled)
	}()
	if !ft.failed || ft.skipped {
		t.Fatalf("with %s=1 a missing PostgreSQL must fail the test, not skip it", pgtest.RequireEnv)
	}
}

// fakeTB records Fatalf and Skipf instead of ending the test.
type fakeTB struct {
	testing.TB
	failed, skipped bool
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Fatalf(string, ...any) { f.failed = true; panic("fatal") }
func (f *fakeTB) Skipf(string, ...any)  { f.skipped = true; panic("skip") }

// TestNew_ReapsOrphans leaves a cluster running as a test binary killed
// mid-test would, with an owner that no longer exists: the next New stops
// and removes it.
func TestNew_ReapsOrphans(t *testing.T) {
	orphan, err := pgtest.New()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(orphan.Dir(), "owner.pid"), []byte(strconv.Itoa(dead.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	pgtest.Own(t)
	if _, err := os.Stat(orphan.Dir()); !os.IsNotExist(err) {
		orphan.Close()
		t.Fatalf("the orphaned cluster is still there: %v", err)
	}
}
