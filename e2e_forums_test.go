package main

import (
	"strings"
	"testing"

	"crisisbot/internal/fakediscord"
)

const (
	forumCh  = "430000000000000001" // a forum channel
	plainCh  = "430000000000000002" // a text channel that is not an ask channel
	memberID = "500000000000000077"
)

// serverWithForum sends GUILD_CREATE for server A with a forum and a text
// channel, as Discord does after READY.
func serverWithForum(t *testing.T, fake *fakediscord.Server) {
	t.Helper()
	if err := fake.GuildCreate(guildA, fakediscord.Channel{ID: forumCh, Name: "questions", Type: fakediscord.ChannelForum},
		fakediscord.Channel{ID: plainCh, Name: "general", Type: fakediscord.ChannelText}); err != nil {
		t.Fatal(err)
	}
}

// postsTo counts the messages the bot sent to a channel (a thread).
func postsTo(fake *fakediscord.Server, channel string) int {
	return countWhere(fake.Requests(), fakediscord.Path("POST", "/channels/"+channel+"/messages"))
}

// forumPost posts in a forum and waits for the bot's answer in the thread.
func forumPost(t *testing.T, fake *fakediscord.Server, thread, question string) map[string]any {
	t.Helper()
	from := len(fake.Requests())
	if err := fake.ForumPost(guildA, forumCh, thread, memberID, question, question); err != nil {
		t.Fatal(err)
	}
	r, _ := fake.Wait(t, from, wait, fakediscord.Path("POST", "/channels/"+thread+"/messages"))
	return r.JSON()
}

func TestE2E_ForumPosts(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, map[string]string{"ASK_CHANNEL_IDS": forumCh})
	serverWithForum(t, fake)
	const postA, postB, postC = "440000000000000001", "440000000000000002", "440000000000000003"

	// A confident answer, in the post's thread, as a reply to the post.
	body := forumPost(t, fake, postA, "Who is Peskov?")
	if got := embedTitle(t, body); got != "Who is Dmitry Peskov?" {
		t.Fatalf("answer %q", got)
	}
	if ref, _ := body["message_reference"].(map[string]any); ref["message_id"] != postA {
		t.Fatalf("not a reply to the post: %v", body["message_reference"])
	}
	// Discord delivers the post again (a resumed session replays events):
	// it is not answered twice.
	fake.ThreadCreate(guildA, forumCh, postA, memberID, "Who is Peskov?")
	fake.ThreadMessage(guildA, postA, postA, memberID, "Who is Peskov?")
	// A later message in the post's thread is a question too.
	from := len(fake.Requests())
	fake.ThreadMessage(guildA, postA, "440000000000000011", memberID, "what is the guard act")
	r, _ := fake.Wait(t, from, wait, fakediscord.Path("POST", "/channels/"+postA+"/messages"))
	if got := embedTitle(t, r.JSON()); got != "What is the GUARD Act?" {
		t.Fatalf("follow-up answer %q", got)
	}

	// Not sure: the closest topics as buttons, nothing dressed up as an answer.
	body = forumPost(t, fake, postB, "How many Ukrainian refugees are there?")
	if ids := customIDs(body); len(ids) == 0 {
		t.Fatalf("a declined post got no suggestion buttons: %v", body)
	}
	if got := embedTitle(t, body); !strings.Contains(got, "don't have a sourced answer") {
		t.Fatalf("declined post: %v", body)
	}

	// A thread under a channel that is not an ask channel is left alone.
	fake.ThreadCreate(guildA, plainCh, postC, memberID, "chat")
	fake.ThreadMessage(guildA, postC, postC, memberID, "who is peskov")

	// Stopping waits for every handler in flight: then the counts are final.
	if err := h.stop(t); err != nil {
		t.Fatal(err)
	}
	if n := postsTo(fake, postA); n != 2 {
		t.Fatalf("%d messages in the first post's thread; want its answer and the follow-up's", n)
	}
	if n := postsTo(fake, postC); n != 0 {
		t.Fatalf("a thread under a non-ask channel got %d answers", n)
	}
}

// channelOpt is a channel option with the channel Discord resolved for it.
func channelOpt(id string, typ int) (map[string]any, func(map[string]any)) {
	return map[string]any{"name": "channel", "type": 7, "value": id}, func(m map[string]any) {
		m["data"].(map[string]any)["resolved"] = map[string]any{"channels": map[string]any{id: map[string]any{
			"id": id, "name": "questions", "type": typ, "guild_id": guildA, "permissions": "0"}}}
	}
}

func TestE2E_AskChannelsFromDiscord(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, map[string]string{"ASK_CHANNELS_FROM_DISCORD": "on"})
	if fake.Intents()&(1<<15) == 0 {
		t.Fatalf("intents %d: no Message Content with ASK_CHANNELS_FROM_DISCORD=on", fake.Intents())
	}
	serverWithForum(t, fake)
	manager := asMember(guildA, modA, "32")
	const roleMod = "600000000000000001"
	moderator := func(m map[string]any) {
		asMember(guildA, "500000000000000020", "0")(m)
		m["member"].(map[string]any)["roles"] = []any{roleMod}
	}
	if c := content(data(t, h.interact(t, "slash_ask", both(manager, kbGroupCommand("roles", "add", map[string]any{"name": "role", "type": 8, "value": roleMod}))))); !strings.Contains(c, "may now moderate") {
		t.Fatalf("roles add: %q", c)
	}
	opt, resolved := channelOpt(forumCh, fakediscord.ChannelForum)

	// Moderators may moderate answers, but only managers choose ask channels.
	for _, sub := range []string{"add", "remove", "list"} {
		var opts []map[string]any
		if sub != "list" {
			opts = append(opts, opt)
		}
		c := content(data(t, h.interact(t, "slash_ask", both(moderator, kbGroupCommand("channels", sub, opts...), resolved))))
		if !strings.Contains(c, "Only members with Manage Server") {
			t.Fatalf("a moderator ran /kb channels %s: %q", sub, c)
		}
	}
	if c := content(data(t, h.interact(t, "slash_ask", both(manager, kbGroupCommand("channels", "add", opt), resolved)))); !strings.Contains(c, "is now an ask channel") || !strings.Contains(c, "new post") {
		t.Fatalf("channels add: %q", c)
	}
	if c := content(data(t, h.interact(t, "slash_ask", both(manager, kbGroupCommand("channels", "list"))))); !strings.Contains(c, "<#"+forumCh+">") {
		t.Fatalf("channels list: %q", c)
	}
	const postA, postB = "440000000000000021", "440000000000000022"
	if got := embedTitle(t, forumPost(t, fake, postA, "who is peskov")); got != "Who is Dmitry Peskov?" {
		t.Fatalf("answer in a forum chosen from Discord: %q", got)
	}
	if c := content(data(t, h.interact(t, "slash_ask", both(manager, kbGroupCommand("channels", "remove", opt), resolved)))); !strings.Contains(c, "no longer an ask channel") {
		t.Fatalf("channels remove: %q", c)
	}
	fake.ForumPost(guildA, forumCh, postB, memberID, "who is peskov", "who is peskov")
	if err := h.stop(t); err != nil {
		t.Fatal(err)
	}
	if n := postsTo(fake, postB); n != 0 {
		t.Fatalf("a post in a forum no longer an ask channel got %d answers", n)
	}
}

func TestE2E_AskChannelsNeedTheIntent(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	h := startBot(t, fake, nil)
	if fake.Intents()&(1<<15) != 0 {
		t.Fatalf("intents %d: Message Content asked for without ask channels", fake.Intents())
	}
	opt, resolved := channelOpt(forumCh, fakediscord.ChannelForum)
	c := content(data(t, h.interact(t, "slash_ask", both(asMember(guildA, modA, "32"), kbGroupCommand("channels", "add", opt), resolved))))
	if !strings.Contains(c, "ASK_CHANNELS_FROM_DISCORD=on") || !strings.Contains(c, "Message Content") || !strings.Contains(c, "Nothing was changed") {
		t.Fatalf("channels add without the intent: %q", c)
	}
}
