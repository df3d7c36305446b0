package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

// TestCrash_KilledMidStream runs a writer in a child process that applies
// edits through the Library and prints "ack N" once each is stored, kills it
// with SIGKILL mid-stream, and checks that every acknowledged edit is there,
// the database passes an integrity check, and a fresh index matches it.
func TestCrash_KilledMidStream(t *testing.T) {
	if os.Getenv("CRISISBOT_CRASH_WRITER") != "" {
		crashWriter(os.Getenv("CRISISBOT_CRASH_WRITER"))
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	db := filepath.Join(t.TempDir(), "kb.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash_KilledMidStream$")
	cmd.Env = append(os.Environ(), "CRISISBOT_CRASH_WRITER="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := 0
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(60 * time.Second)
	for sc.Scan() && time.Now().Before(deadline) {
		if n, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked, _ = strconv.Atoi(n)
			if acked == 40 {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
	}
	cmd.Wait()
	if acked < 40 {
		t.Fatalf("the writer acknowledged only %d edits", acked)
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := s.History(ctx, "g1", "who-is-peskov")
	if err != nil || len(h) < acked {
		t.Fatalf("%d versions stored, %d acknowledged: %v", len(h), acked, err)
	}
	for i, v := range h {
		if want := fmt.Sprintf("edit %d.", i+1); !strings.HasSuffix(v.Entry.Answer, want) {
			t.Fatalf("version %d is %q, want it to end %q", v.Version, v.Entry.Answer, want)
		}
	}
	k, _ := kb.Default()
	l, err := kb.OpenLibrary(ctx, s, k, kb.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := l.Index("g1").Entry("who-is-peskov")
	if e.Answer != h[len(h)-1].Entry.Answer {
		t.Fatalf("index serves %q, database has %q", e.Answer, h[len(h)-1].Entry.Answer)
	}
}

// crashWriter is the child: it edits until killed.
func crashWriter(db string) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	k, _ := kb.Default()
	l, err := kb.OpenLibrary(ctx, s, k, kb.Options{}, nil)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	base, _ := l.Index("g1").Entry("who-is-peskov")
	for i := 1; i < 100000; i++ {
		e := *base
		e.Answer = fmt.Sprintf("Dmitry Peskov is the Kremlin spokesman, edit %d.", i)
		if _, err := l.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: &e, Action: kb.ActionEdit, Author: "mod", Base: i - 1}}); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Printf("ack %d\n", i)
	}
}
