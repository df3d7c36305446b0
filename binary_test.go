package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"crisisbot/internal/fakediscord"
)

// TestBinary builds the real binary and runs it as an operator would, against
// the fake Discord: it connects, registers, answers, and exits 0 on SIGTERM;
// with a rejected token it exits 2 at once.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "crisisbot")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	start := func(fake *fakediscord.Server) (*exec.Cmd, *syncBuffer) {
		cmd := exec.Command(bin)
		cmd.Dir = t.TempDir() // no .env there
		cmd.Env = []string{"DISCORD_TOKEN=test-token", "DISCORD_API_BASE_URL=" + fake.URL, "PATH=" + os.Getenv("PATH")}
		logs := &syncBuffer{}
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, logs
	}
	t.Run("ServesAndStops", func(t *testing.T) {
		fake := newFake(t)
		cmd, logs := start(fake)
		fake.WaitConnected(t, wait)
		h := &harness{fake: fake}
		h.ids.Store(1_300_000_000_000_000_000)
		if embedTitle(t, data(t, h.interact(t, "slash_ask", nil))) == "" {
			t.Fatal("no answer")
		}
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit: %v\n%s", err, logs.String())
			}
		case <-time.After(wait):
			cmd.Process.Kill()
			t.Fatalf("did not stop on SIGTERM\n%s", logs.String())
		}
		if strings.Contains(logs.String(), "test-token") {
			t.Fatal("the token reached the logs")
		}
	})
	t.Run("TokenResetWhileRunning", func(t *testing.T) {
		fake := newFake(t)
		cmd, logs := start(fake)
		fake.WaitConnected(t, wait)
		fake.RejectToken() // the operator reset the token
		fake.Drop()        // the resume is refused with close 4004
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(logs.String(), "close 4004") {
				t.Fatalf("exit %v, output:\n%s", err, logs.String())
			}
		case <-time.After(3 * wait):
			cmd.Process.Kill()
			t.Fatalf("kept reconnecting after close 4004\n%s", logs.String())
		}
	})
	t.Run("RejectedToken", func(t *testing.T) {
		fake := newFake(t)
		fake.RejectToken()
		cmd, logs := start(fake)
		err := cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(logs.String(), "Reset Token") {
			t.Fatalf("exit %v, output:\n%s", err, logs.String())
		}
	})
}
