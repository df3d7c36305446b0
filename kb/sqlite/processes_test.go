package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

// TestOpen_ManyProcesses starts several processes that open one new
// database and its library at once, as a bot and an operator's command line
// may; each then edits an entry and waits to see every other's edit through
// Refresh. None may fail.
func TestOpen_ManyProcesses(t *testing.T) {
	if db := os.Getenv("CRISISBOT_OPEN_CHILD"); db != "" {
		openChild(db, os.Getenv("CRISISBOT_OPEN_ID"), os.Getenv("CRISISBOT_OPEN_N"))
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	const n = 4
	db := filepath.Join(t.TempDir(), "new", "kb.db")
	cmds := make([]*exec.Cmd, n)
	outs := make([]*strings.Builder, n)
	for i := range cmds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOpen_ManyProcesses$")
		cmd.Env = append(os.Environ(), "CRISISBOT_OPEN_CHILD="+db, fmt.Sprint("CRISISBOT_OPEN_ID=", i), fmt.Sprint("CRISISBOT_OPEN_N=", n))
		outs[i] = &strings.Builder{}
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil || !strings.Contains(outs[i].String(), "saw all") {
			t.Errorf("process %d: %v\n%s", i, err, outs[i])
		}
	}
}

// openChild is one of the processes.
func openChild(db, id, n string) {
	fail := func(err error) {
		fmt.Println("error", err)
		os.Exit(1)
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		fail(err)
	}
	defer s.Close(ctx)
	k, err := kb.Default()
	if err != nil {
		fail(err)
	}
	l, err := kb.OpenLibrary(ctx, s, k, kb.Options{}, nil)
	if err != nil {
		fail(err)
	}
	scope := "g" + id
	e, base, _ := l.Entry(scope, "who-is-peskov")
	e.Answer = "Edited by process " + id + "."
	if _, err := l.Apply(ctx, []kb.Change{{Scope: scope, EntryID: e.ID, Entry: &e, Action: kb.ActionEdit, Base: base}}); err != nil {
		fail(err)
	}
	var count int
	fmt.Sscan(n, &count)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if err := l.Refresh(ctx); err != nil {
			fail(err)
		}
		seen := 0
		for i := 0; i < count; i++ {
			if e, _, _ := l.Entry(fmt.Sprint("g", i), "who-is-peskov"); e.Answer == fmt.Sprint("Edited by process ", i, ".") {
				seen++
			}
		}
		if seen == count {
			fmt.Println("saw all")
			return
		}
	}
	fail(fmt.Errorf("did not see every process's edit"))
}
