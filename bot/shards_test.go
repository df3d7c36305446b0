package bot

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/internal/fakediscord"
)

func fakeREST(t *testing.T, fake *fakediscord.Server) *REST {
	t.Helper()
	base, _ := url.Parse(fake.URL)
	rest, err := NewREST(RESTOptions{Token: "tok", APIBase: base, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	return rest
}

// guildOn returns a guild id whose events Discord sends to shard of count.
func guildOn(shard, count int) string {
	for i := uint64(0); ; i++ {
		id := uint64(300000000000000001) + i<<22
		if fakediscord.ShardOf(id, count) == shard {
			return fmt.Sprint(id)
		}
	}
}

func slash(id, guild string) map[string]any {
	m := map[string]any{
		"id": id, "application_id": fakediscord.AppID, "type": 2, "token": "tok-" + id, "version": 1, "channel_id": "310000000000000001",
		"data": map[string]any{"id": "800", "name": "ask", "type": 1},
	}
	if guild != "" {
		m["guild_id"] = guild
		m["member"] = map[string]any{"user": map[string]any{"id": "500000000000000001", "username": "u"}, "permissions": "0"}
	} else {
		m["user"] = map[string]any{"id": "500000000000000001", "username": "u"}
	}
	return m
}

func openShards(t *testing.T, fake *fakediscord.Server, o ShardsOptions, router *Router) *Shards {
	t.Helper()
	o.Bot.Logger = quiet()
	sh, err := NewShards(o, fakeREST(t, fake), router)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := sh.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sh.Close(context.Background()) })
	return sh
}

func TestShards_IdentifyBuckets(t *testing.T) {
	t.Parallel()
	t.Run("InOrder", func(t *testing.T) {
		t.Parallel()
		fake := fakediscord.New(t, "tok")
		fake.ShardCount, fake.MaxConcurrency, fake.IdentifyWindow = 4, 2, 300*time.Millisecond
		sh := openShards(t, fake, ShardsOptions{Interval: 300 * time.Millisecond}, NewRouter(quiet(), nil))
		if got := fake.ReadyShards(); !slices.Equal(got, []int{0, 1, 2, 3}) || sh.Count() != 4 || len(sh.Bots()) != 4 {
			t.Fatalf("ready %v, count %d, %d bots, %d refused", got, sh.Count(), len(sh.Bots()), fake.IdentifyRefusals())
		}
		if n := fake.IdentifyRefusals(); n != 0 {
			t.Fatalf("%d IDENTIFYs over max_concurrency", n)
		}
		ready := func() []ShardState {
			var out []ShardState
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				if out = sh.States(); len(out) == 4 && out[0].Ready && out[1].Ready && out[2].Ready && out[3].Ready {
					break
				}
			}
			return out
		}
		if st := ready(); st[2] != (ShardState{ID: 2, Ready: true}) {
			t.Fatalf("states %+v", st)
		}
		fake.DropShard(2)
		for deadline := time.Now().Add(10 * time.Second); sh.States()[2].Ready && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		if fake.Resumes() == 0 && sh.States()[2].Ready {
			t.Fatal("a dropped shard still reads ready before resuming")
		}
		fake.WaitShards(t, 10*time.Second, 2)
		if st := ready(); !st[2].Ready || fake.Resumes() != 1 {
			t.Fatalf("shard 2 not resumed on its own: %+v, %d resumes", st, fake.Resumes())
		}
	})
	t.Run("NoSuchShard", func(t *testing.T) {
		t.Parallel()
		fake := fakediscord.New(t, "tok")
		sh, _ := NewShards(ShardsOptions{Count: 2, IDs: []int{2}}, fakeREST(t, fake), NewRouter(quiet(), nil))
		if err := sh.Open(context.Background()); err == nil || !strings.Contains(err.Error(), "shard 2 does not exist") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestShards_SplitAcrossProcesses: two Shards over the same bot, as two
// processes would run them, each get exactly their shards' guilds; DMs go
// to the one running shard 0.
func TestShards_SplitAcrossProcesses(t *testing.T) {
	t.Parallel()
	fake := fakediscord.New(t, "tok")
	fake.ShardCount, fake.MaxConcurrency, fake.IdentifyWindow = 4, 4, time.Minute
	type seen struct{ proc, guild string }
	got := make(chan seen, 16)
	router := func(proc string) *Router {
		r := NewRouter(quiet(), nil)
		r.Command("ask", func(_ context.Context, req *Request) (*Reply, error) {
			got <- seen{proc, req.GuildID}
			return &Reply{Content: "ok"}, nil
		})
		return r
	}
	openShards(t, fake, ShardsOptions{IDs: []int{0, 1}}, router("A"))
	openShards(t, fake, ShardsOptions{IDs: []int{2, 3}}, router("B"))
	fake.WaitShards(t, 10*time.Second, 0, 1, 2, 3)
	want := map[string]string{"": "A"} // a DM
	for shard := range 4 {
		want[guildOn(shard, 4)] = map[bool]string{true: "A", false: "B"}[shard < 2]
	}
	n := 0
	for guild := range want {
		n++
		if err := fake.Dispatch("INTERACTION_CREATE", slash(fmt.Sprint(7000+n), guild)); err != nil {
			t.Fatal(err)
		}
	}
	for range want {
		select {
		case s := <-got:
			if want[s.guild] != s.proc {
				t.Errorf("guild %q handled by %s, want %s", s.guild, s.proc, want[s.guild])
			}
		case <-time.After(10 * time.Second):
			t.Fatal("an interaction was not handled")
		}
	}
	if fake.IdentifyRefusals() != 0 {
		t.Fatal("IDENTIFY refused")
	}
}

func TestBot_Overload(t *testing.T) {
	t.Parallel()
	fake := fakediscord.New(t, "tok")
	entered, release := make(chan struct{}, 1), make(chan struct{})
	r := NewRouter(quiet(), nil)
	r.SlowAfter = time.Minute
	r.Command("ask", func(context.Context, *Request) (*Reply, error) {
		entered <- struct{}{}
		<-release
		return &Reply{Content: "answer"}, nil
	})
	r.Message(func(context.Context, *Request) (*Reply, error) { return &Reply{Content: "never"}, nil })
	lim := NewLimiter(1)
	b, err := New(Options{Logger: quiet(), Limiter: lim}, fakeREST(t, fake), r)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	defer func() {
		free()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		b.Close(ctx)
	}()
	guild := guildOn(0, 1)
	fake.Dispatch("INTERACTION_CREATE", slash("8001", guild))
	<-entered
	for _, id := range []string{"8002", "8003"} {
		fake.Dispatch("INTERACTION_CREATE", slash(id, guild))
		fake.Wait(t, 0, 10*time.Second, fakediscord.Path("POST", "/interactions/"+id+"/"))
		// The busy slot is free once the reply's response is read.
		for deadline := time.Now().Add(10 * time.Second); len(lim.busy) > 0 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	fake.Dispatch("MESSAGE_CREATE", map[string]any{"id": "8004", "channel_id": "20", "content": "hi", "type": 0,
		"author": map[string]any{"id": "500000000000000001", "username": "u"}})
	deadline := time.Now().Add(10 * time.Second)
	for lim.Shed().Messages == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	free()
	fake.Wait(t, 0, 10*time.Second, fakediscord.Path("POST", "/interactions/8001/"))
	if s := lim.Shed(); s != (ShedCounts{Interactions: 2, BusyReplies: 2, Messages: 1}) {
		t.Fatalf("shed %+v", s)
	}
	for _, req := range fake.Requests() {
		if !strings.HasSuffix(req.Path, "/callback") {
			continue
		}
		d, _ := req.JSON()["data"].(map[string]any)
		busy := d["content"] == BusyMessage
		if busy != !strings.Contains(req.Path, "/8001/") {
			t.Errorf("%s: %v", req.Path, d)
		}
		if am, _ := d["allowed_mentions"].(map[string]any); busy && (d["flags"] != float64(discordgo.MessageFlagsEphemeral) || am == nil) {
			t.Errorf("busy reply not private and silent: %v", d)
		}
	}
	if n := countPaths(fake.Requests(), "/messages"); n != 0 {
		t.Fatalf("%d messages sent while full", n)
	}
}

func countPaths(reqs []fakediscord.Request, part string) int {
	n := 0
	for _, r := range reqs {
		if strings.Contains(r.Path, part) {
			n++
		}
	}
	return n
}

// TestShards_ReconnectThroughGate: shards whose sessions Discord dropped
// and forgot all reconnect at once; their resumes are refused, so each one
// IDENTIFYs again, and those IDENTIFYs go through the identify gate like the
// first ones: the fake Discord, enforcing max_concurrency, refuses none.
func TestShards_ReconnectThroughGate(t *testing.T) {
	t.Parallel()
	const window = 200 * time.Millisecond
	fake := fakediscord.New(t, "tok")
	fake.ShardCount, fake.MaxConcurrency, fake.IdentifyWindow = 4, 2, window
	sh := openShards(t, fake, ShardsOptions{Interval: window}, NewRouter(quiet(), nil))
	fake.WaitShards(t, 10*time.Second, 0, 1, 2, 3)
	if n := fake.Identifies(); n != 4 {
		t.Fatalf("%d IDENTIFYs to start 4 shards", n)
	}
	fake.ForgetSessions()
	for id := range 4 {
		fake.DropShard(id)
	}
	for deadline := time.Now().Add(20 * time.Second); fake.Identifies() < 8; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of 4 shards identified again within 20 s, %d refused", fake.Identifies()-4, fake.IdentifyRefusals())
		}
	}
	fake.WaitShards(t, 10*time.Second, 0, 1, 2, 3)
	if n := fake.IdentifyRefusals(); n != 0 {
		t.Fatalf("%d reconnect IDENTIFYs over max_concurrency", n)
	}
	if n := fake.Identifies(); n != 8 || len(sh.Bots()) != 4 {
		t.Fatalf("%d IDENTIFYs, %d shards", n, len(sh.Bots()))
	}
}
