package bot

import (
	"context"
	"errors"
	"testing"
	"time"

	"crisisbot/internal/fakediscord"
)

// TestBot_CloseWhileReconnecting closes a bot while its session is being
// re-established. Under -race, Close must not race with the reconnecting
// (discordgo's own loop reads a field without a lock that a Close would
// have to write), and no reconnecting may go on after Close returns.
func TestBot_CloseWhileReconnecting(t *testing.T) {
	t.Parallel()
	open := func(t *testing.T) (*fakediscord.Server, *Bot) {
		fake := fakediscord.New(t, "tok")
		b, err := New(Options{Logger: quiet()}, fakeREST(t, fake), NewRouter(quiet(), nil))
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		return fake, b
	}
	waitFor := func(t *testing.T, what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 10 s", what)
			}
		}
	}
	closeBot := func(t *testing.T, b *Bot) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := b.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if b.reconnecting() {
			t.Fatal("still reconnecting after Close")
		}
	}
	// Discord closed the connection; discordgo answers with a close frame
	// and then holds the session closed for a second before anything may
	// reconnect: Close comes in that second.
	t.Run("WhileClosing", func(t *testing.T) {
		t.Parallel()
		fake, b := open(t)
		if err := fake.CloseShard(0, 4000); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the bot's close frame", func() bool { return fake.ClientCloses() > 0 })
		closeBot(t, b)
		if n := fake.Resumes(); n != 0 {
			t.Fatalf("%d resumes after Close", n)
		}
	})
	// The gateway refuses new connections: the reconnecting waits between
	// attempts when Close comes.
	t.Run("BetweenAttempts", func(t *testing.T) {
		t.Parallel()
		fake, b := open(t)
		fake.HoldGateway()
		waitFor(t, "a reconnect attempt", func() bool { return fake.HeldOff() > 0 })
		closeBot(t, b)
	})
}

// TestBot_ReconnectFatal: a lost session whose re-establishing meets a close
// code after which reconnecting cannot succeed (the token was reset) stops
// reconnecting and reports it through Options.Fatal.
func TestBot_ReconnectFatal(t *testing.T) {
	t.Parallel()
	fake := fakediscord.New(t, "tok")
	fatal := make(chan error, 1)
	b, err := New(Options{Logger: quiet(), Fatal: func(err error) { fatal <- err }}, fakeREST(t, fake), NewRouter(quiet(), nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer b.Close(context.Background())
	fake.RejectToken()
	fake.Drop() // the RESUME is refused with close 4004
	select {
	case err := <-fatal:
		if !errors.Is(err, ErrFatalGateway) || !errors.Is(err, ErrTokenRejected) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no fatal error reported")
	}
	for deadline := time.Now().Add(10 * time.Second); b.reconnecting(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("still reconnecting after a fatal close code")
		}
	}
}

// TestBot_DisconnectWhileReconnecting: a session lost while the reconnect
// loop runs (it may have connected already and be about to end) is
// re-established, not left down because a loop was running.
func TestBot_DisconnectWhileReconnecting(t *testing.T) {
	t.Parallel()
	fake := fakediscord.New(t, "tok")
	b, err := New(Options{Logger: quiet()}, fakeREST(t, fake), NewRouter(quiet(), nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = b.Close(ctx)
	}()
	// A loop is running (as between its Open succeeding and its end).
	b.rmu.Lock()
	b.rc.running = true
	b.rmu.Unlock()
	if err := fake.CloseShard(0, 4000); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		b.rmu.Lock()
		again := b.rc.again
		b.rmu.Unlock()
		if again {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the Disconnect during the loop was not remembered")
		}
	}
	if b.doneReconnecting() {
		t.Fatal("the loop would end with the session down")
	}
	// The loop goes on and re-establishes the session.
	b.loops.Add(1)
	go b.reconnectLoop()
	for deadline := time.Now().Add(10 * time.Second); fake.Resumes()+fake.Identifies() < 2 || b.reconnecting(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not reconnected within 10 s (resumes %d, identifies %d, reconnecting %v)", fake.Resumes(), fake.Identifies(), b.reconnecting())
		}
	}
}
