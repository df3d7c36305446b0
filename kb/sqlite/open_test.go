package sqlite_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

// TestStore_PathIsAFileName checks that characters with a meaning in a URI
// are part of the file name: the file created is exactly the path given.
func TestStore_PathIsAFileName(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"a#b.db", "a?mode=memory.db", "a%20b.db", "a b.db", "x%3Fy#z?q=1&r.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "sub dir#1", name)
			s := open(t, path)
			if _, err := s.Apply(ctx, []kb.Change{{Scope: "g", EntryID: "a", Entry: &kb.Entry{ID: "a"}, Action: kb.ActionAdd}}); err != nil {
				t.Fatal(err)
			}
			s.Close(ctx)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("the database is not at the path given: %v", err)
			}
			var names []string
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, p)
					names = append(names, rel)
				}
				return nil
			})
			for _, n := range names {
				if base := filepath.Join("sub dir#1", name); n != base && n != base+"-wal" && n != base+"-shm" {
					t.Fatalf("a stray file %q was created (files: %q)", n, names)
				}
			}
			s2 := open(t, path)
			if cur, err := s2.Current(ctx, "g"); err != nil || len(cur) != 1 {
				t.Fatalf("reopened: %v %v", cur, err)
			}
		})
	}
}

// TestStore_ConcurrentFirstOpen opens one new database from several
// sql.DBs at once, as processes starting together do: none may fail.
func TestStore_ConcurrentFirstOpen(t *testing.T) {
	ctx := context.Background()
	for round := 0; round < 5; round++ {
		path := filepath.Join(t.TempDir(), "kb.db")
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := sqlite.Open(ctx, path)
				if err == nil {
					_, err = s.Apply(ctx, []kb.Change{{Scope: "g", EntryID: "e", Entry: &kb.Entry{ID: "e"}, Action: kb.ActionEdit, Base: -1}})
					s.Close(ctx)
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, opener %d: %v", round, i, err)
			}
		}
		s := open(t, path)
		if h, err := s.History(ctx, "g", "e"); err != nil || len(h) != len(errs) {
			t.Fatalf("%d versions, want %d: %v", len(h), len(errs), err)
		}
	}
}

// TestStore_Changes checks that a store sees what another connection pool
// on the same file (another process, to SQLite) stores, through the
// data_version check, and that a write of its own counts too.
func TestStore_Changes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	a, b := open(t, path), open(t, path)
	_, mark, err := a.Changes(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range []*sqlite.Store{b, a, b} {
		scope := []string{"g1", "g2", "g3"}[i]
		if _, err := s.Apply(ctx, []kb.Change{{Scope: scope, EntryID: "e", Entry: &kb.Entry{ID: "e"}, Action: kb.ActionAdd}}); err != nil {
			t.Fatal(err)
		}
		scopes, next, err := a.Changes(ctx, mark)
		if err != nil || !slices.Equal(scopes, []string{scope}) || next <= mark {
			t.Fatalf("write %d: changes %v, mark %d after %d: %v", i, scopes, next, mark, err)
		}
		mark = next
		if scopes, next, err := a.Changes(ctx, mark); err != nil || len(scopes) != 0 || next != mark {
			t.Fatalf("write %d: a second look found %v, mark %d: %v", i, scopes, next, err)
		}
	}
}

// TestStore_ReadOnly checks that a database that cannot be written fails
// to open with an error wrapping kb.ErrReadOnly. Production meets that as a
// read-only file or folder for a non-root user, or a read-only file system
// for anyone; root ignores file modes, so as root only the read-only open
// of SQLite itself stands in for them (the error it gives, SQLITE_READONLY,
// is the one a non-root process gets from a read-only file).
func TestStore_ReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	s := open(t, path)
	s.Close(ctx)
	t.Run("ReadOnlyConnection", func(t *testing.T) {
		_, err := sqlite.OpenDSNForTest(ctx, path, "mode=ro")
		if !errors.Is(err, kb.ErrReadOnly) {
			t.Fatalf("err = %v, want kb.ErrReadOnly", err)
		}
	})
	t.Run("FileMode", func(t *testing.T) {
		if os.Geteuid() == 0 {
			asNobody(t, "^TestStore_ReadOnly$/^FileMode$")
			return
		}
		dir := filepath.Join(t.TempDir(), "ro")
		p := filepath.Join(dir, "kb.db")
		s := open(t, p)
		s.Close(ctx)
		os.Chmod(p, 0o444)
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		_, err := sqlite.Open(ctx, p)
		if !errors.Is(err, kb.ErrReadOnly) {
			t.Fatalf("err = %v, want kb.ErrReadOnly", err)
		}
		t.Logf("as uid %d: %v", os.Geteuid(), err)
	})
	t.Run("FolderCannotBeCreated", func(t *testing.T) {
		// A file where the folder should be: not read-only, and not
		// reported as such.
		file := filepath.Join(t.TempDir(), "file")
		os.WriteFile(file, nil, 0o644)
		_, err := sqlite.Open(ctx, filepath.Join(file, "kb.db"))
		if err == nil || errors.Is(err, kb.ErrReadOnly) {
			t.Fatalf("err = %v", err)
		}
	})
}

// asNobody runs the tests matching run in a copy of this test binary as the
// user nobody, for checks that root would pass through (file modes). It
// skips when runuser or the user is missing.
func asNobody(t *testing.T, run string) {
	t.Helper()
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		t.Skip("root ignores file modes, and runuser is missing to drop to nobody")
	}
	if _, err := user.Lookup("nobody"); err != nil {
		t.Skip("root ignores file modes, and there is no user nobody")
	}
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	bin := filepath.Join(dir, "test")
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(tmp, 0o777)
	for _, p := range []string{dir, tmp} {
		os.Chmod(p, 0o777|os.ModeSticky)
	}
	os.Chmod(filepath.Dir(dir), 0o711) // t.TempDir's own folder; nothing above it is changed
	cmd := exec.Command(runuser, "-u", "nobody", "--", bin, "-test.run", run, "-test.v", "-test.count=1")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "HOME="+tmp)
	out, err := cmd.CombinedOutput()
	if !strings.Contains(string(out), "=== RUN") {
		t.Skipf("root ignores file modes, and the test could not run as nobody: %v\n%s", err, out)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	t.Logf("as nobody:\n%s", out)
}
