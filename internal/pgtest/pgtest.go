// Package pgtest runs throwaway PostgreSQL servers for tests: a cluster in a
// temporary folder (initdb -A trust), a server on a free 127.0.0.1 port with
// its socket in that folder, one database per test, and everything removed
// afterwards. As root (CI, this machine), initdb and postgres refuse to run,
// so the cluster is owned by and run as the postgres system user.
//
// Without PostgreSQL binaries the tests that need it skip, saying how to
// enable them; with CRISISBOT_REQUIRE_POSTGRES=1 in the environment (as
// .ci/run sets) they fail instead.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv names the environment variable that turns a skip for missing
// PostgreSQL into a failure.
const RequireEnv = "CRISISBOT_REQUIRE_POSTGRES"

// User is the database superuser of every throwaway cluster.
const User = "crisisbot"

// ErrNotInstalled says PostgreSQL's server binaries were not found.
var ErrNotInstalled = errors.New("PostgreSQL is not installed (no initdb on PATH, in `pg_config --bindir` or /usr/lib/postgresql/*/bin); " +
	"install it (apt-get install postgresql) to run these tests, and set " + RequireEnv + "=1 to make its absence a failure")

// Cluster is one throwaway PostgreSQL server. Its methods are safe for
// concurrent use, except Stop and Start, which tests call from one goroutine.
type Cluster struct {
	bin   string // folder of initdb, pg_ctl, postgres
	dir   string // owns data/, the socket and the log
	port  int
	runAs string // "postgres" when running as root, else ""
	dbs   atomic.Int64
}

// New starts a cluster. Close it when done. The error wraps ErrNotInstalled
// when PostgreSQL is missing.
func New() (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin}
	if os.Getuid() == 0 {
		c.runAs = "postgres"
	}
	c.reapOrphans()
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, err
	}
	c.dir = dir
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.own(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.run("initdb", "-D", c.data(), "-A", "trust", "-U", User, "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// A free port may be taken between choosing and binding: try a few.
	for attempt := 0; ; attempt++ {
		if c.port, err = freePort(); err == nil {
			err = c.Start()
		}
		if err == nil || attempt == 4 {
			break
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// Every cluster lives in a folder named dirPrefix… in the temporary folder,
// with the process id of the test binary that made it in ownerFile.
const (
	dirPrefix = "crisisbot-pg-"
	ownerFile = "owner.pid"
)

// reapOrphans stops and removes the clusters of test binaries that died
// without cleaning up (a panic or a kill skips Cleanup and TestMain).
// Clusters whose owner is alive are left alone.
func (c *Cluster) reapOrphans() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		raw, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not one of ours, or still being made
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil || pid <= 0 || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue // its owner is alive (or cannot be told)
		}
		orphan := &Cluster{bin: c.bin, dir: dir, runAs: c.runAs}
		if _, err := os.Stat(filepath.Join(dir, "data", "postmaster.pid")); err == nil {
			orphan.Stop()
		}
		os.RemoveAll(dir)
	}
}

// binDir finds the folder of PostgreSQL's server binaries.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) > 0 {
		return filepath.Dir(found[len(found)-1]), nil
	}
	return "", ErrNotInstalled
}

// own gives path to the user the server runs as.
func (c *Cluster) own(path string) error {
	if c.runAs == "" {
		return nil
	}
	u, err := user.Lookup(c.runAs)
	if err != nil {
		return fmt.Errorf("running as root needs the %s system user (apt-get install postgresql creates it): %w", c.runAs, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

// run runs one of PostgreSQL's programs, as the postgres user when root.
func (c *Cluster) run(prog string, args ...string) error {
	name, argv := filepath.Join(c.bin, prog), args
	if c.runAs != "" {
		name, argv = "runuser", append([]string{"-u", c.runAs, "--", filepath.Join(c.bin, prog)}, args...)
	}
	cmd := exec.Command(name, argv...)
	cmd.Dir = c.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", prog, err, out)
	}
	return nil
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start starts the server (again, after Stop) on the cluster's port, and
// waits until it accepts connections. fsync is off (an operating-system
// crash would lose data; a server crash, as Stop plays it, does not), but
// commits still write their WAL before returning, so Stop loses nothing
// that was acknowledged.
func (c *Cluster) Start() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200",
		c.port, c.dir)
	return c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-o", opts, "-w", "-t", "60", "start")
}

// Stop stops the server at once, as a crash or a lost host would: clients'
// connections break mid-stream.
func (c *Cluster) Stop() error {
	return c.run("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop")
}

// Close stops the server and removes the cluster.
func (c *Cluster) Close() error {
	err := c.Stop()
	if rerr := os.RemoveAll(c.dir); err == nil {
		err = rerr
	}
	return err
}

// Dir is the cluster's folder.
func (c *Cluster) Dir() string { return c.dir }

// URL is the connection URL of database db.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", User, c.port, db)
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// Database creates an empty database for the test, dropped at its end, and
// returns its URL.
func (c *Cluster) Database(tb testing.TB) string {
	tb.Helper()
	name := unsafeName.ReplaceAllString(strings.ToLower(tb.Name()), "_")
	if len(name) > 40 {
		name = name[len(name)-40:]
	}
	name = fmt.Sprintf("t%d_%s", c.dbs.Add(1), name)
	if err := c.exec(fmt.Sprintf("CREATE DATABASE %s", pgx.Identifier{name}.Sanitize())); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		if err := c.exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", pgx.Identifier{name}.Sanitize())); err != nil {
			tb.Logf("drop database %s: %v", name, err)
		}
	})
	return c.URL(name)
}

// exec runs one statement in the postgres database.
func (c *Cluster) exec(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// Unavailable skips the test because of err (PostgreSQL missing or not
// startable), or fails it when RequireEnv is set to 1.
func Unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv(RequireEnv) == "1" {
		tb.Fatalf("PostgreSQL is required (%s=1) but unavailable: %v", RequireEnv, err)
	}
	tb.Skipf("skipping: %v", err)
}

// Shared is one cluster for a whole test package, started on first use.
// Declare one in the package, and Close it in TestMain after m.Run. Safe for
// concurrent use.
type Shared struct {
	once sync.Once
	c    *Cluster
	err  error
}

// Cluster returns the package's cluster, starting it on first use; it skips
// or fails the test (see Unavailable) when PostgreSQL is missing.
func (s *Shared) Cluster(tb testing.TB) *Cluster {
	tb.Helper()
	s.once.Do(func() { s.c, s.err = New() })
	if s.err != nil {
		Unavailable(tb, s.err)
	}
	return s.c
}

// Database is s.Cluster(tb).Database(tb).
func (s *Shared) Database(tb testing.TB) string {
	tb.Helper()
	return s.Cluster(tb).Database(tb)
}

// Close removes the cluster, if one was started.
func (s *Shared) Close() error {
	if s.c == nil {
		return nil
	}
	return s.c.Close()
}

// Own starts a cluster of the test's own (for a test that stops and starts
// the server), removed at the test's end.
func Own(tb testing.TB) *Cluster {
	tb.Helper()
	c, err := New()
	if err != nil {
		Unavailable(tb, err)
	}
	tb.Cleanup(func() {
		if err := c.Close(); err != nil {
			tb.Logf("remove the PostgreSQL cluster: %v", err)
		}
	})
	return c
}
