package main

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"crisisbot/bot"
	"crisisbot/internal/fakediscord"
	"crisisbot/internal/pgtest"
	"crisisbot/kb"
	"crisisbot/kb/postgres"
)

// TestE2E_IdentifyAcrossProcesses: two processes (here two sets of shards,
// each with its own store, pool and gate, as storage.go builds them) start
// their shards of one bot at the same moment, on one PostgreSQL database:
// no IDENTIFY goes over Discord's max_concurrency, which the fake enforces
// across every session of the bot. (bot's TestShards_SharedGate shows the
// same start colliding without a shared gate.) With the database stopped,
// shards still connect, paced by their own process.
func TestE2E_IdentifyAcrossProcesses(t *testing.T) {
	t.Parallel()
	cluster := pgtest.Own(t)
	url := cluster.Database(t)
	const interval = 300 * time.Millisecond // the fake's window: Discord's 5 s, shortened
	fake := fakediscord.New(t, "test-token")
	fake.ShardCount, fake.MaxConcurrency, fake.IdentifyWindow = 6, 2, interval
	logs := &syncBuffer{}
	log := newLogger(Config{}, logs)
	var wg sync.WaitGroup
	var gates []bot.IdentifyGate
	for _, ids := range [][]int{{0, 1, 2}, {3, 4, 5}} {
		store, err := openStore(context.Background(), url, kb.StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close(context.Background()) })
		gate := postgres.NewIdentifyGate(store.(*postgres.Store), postgres.IdentifyGateOptions{Interval: interval, Log: log})
		gates = append(gates, gate)
		rest, err := bot.NewREST(bot.RESTOptions{Token: "test-token", APIBase: mustURL(t, fake.URL), Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		sh, err := bot.NewShards(bot.ShardsOptions{Bot: bot.Options{Logger: log}, IDs: ids, Interval: interval, Gate: gate}, rest, bot.NewRouter(log, nil))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sh.Close(context.Background()) })
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			if err := sh.Open(ctx); err != nil {
				t.Error(err)
			}
			if n := sh.GateFailures(); n != 0 {
				t.Errorf("the gate failed %d times", n)
			}
		}()
	}
	wg.Wait()
	if got := fake.ReadyShards(); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5}) || fake.IdentifyRefusals() != 0 {
		t.Fatalf("ready %v, %d IDENTIFYs over max_concurrency", got, fake.IdentifyRefusals())
	}

	t.Run("DatabaseDown", func(t *testing.T) {
		if err := cluster.Stop(); err != nil {
			t.Fatal(err)
		}
		fake := fakediscord.New(t, "test-token")
		fake.ShardCount, fake.MaxConcurrency, fake.IdentifyWindow = 4, 2, interval
		rest, err := bot.NewREST(bot.RESTOptions{Token: "test-token", APIBase: mustURL(t, fake.URL), Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		sh, err := bot.NewShards(bot.ShardsOptions{Bot: bot.Options{Logger: log}, Interval: interval, Gate: gates[0]}, rest, bot.NewRouter(log, nil))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sh.Close(context.Background()) })
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := sh.Open(ctx); err != nil {
			t.Fatal(err)
		}
		if got := fake.ReadyShards(); !slices.Equal(got, []int{0, 1, 2, 3}) || fake.IdentifyRefusals() != 0 || sh.GateFailures() != 4 ||
			!strings.Contains(logs.String(), "the shared identify gate failed") {
			t.Fatalf("ready %v, %d IDENTIFYs over max_concurrency, %d gate failures", got, fake.IdentifyRefusals(), sh.GateFailures())
		}
	})
}
