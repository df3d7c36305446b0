package fakediscord

import (
	"fmt"
	"time"
)

// Channel types the fake knows, as Discord numbers them.
const (
	ChannelText         = 0
	ChannelPublicThread = 11
	ChannelForum        = 15
)

// Channel is a guild channel for GuildCreate.
type Channel struct {
	ID, Name string
	Type     int
	ParentID string // a thread's channel
}

func (c Channel) json(guild string) map[string]any {
	m := map[string]any{"id": c.ID, "name": c.Name, "type": c.Type, "guild_id": guild}
	if c.ParentID != "" {
		m["parent_id"] = c.ParentID
	}
	return m
}

// GuildCreate sends GUILD_CREATE for a server with its channels, as Discord
// does for every server after READY when the Guilds intent is on (discordgo's
// state then tracks the server's channels and threads).
func (s *Server) GuildCreate(guild string, channels ...Channel) error {
	return s.GuildCreateIn(guild, "en-US", channels...)
}

// GuildCreateIn is GuildCreate for a server whose preferred locale (the
// language its community uses, e.g. "uk") is locale.
func (s *Server) GuildCreateIn(guild, locale string, channels ...Channel) error {
	var chs []any
	s.mu.Lock()
	for _, c := range channels {
		chs = append(chs, c.json(guild))
		if c.Type == ChannelForum {
			if s.forums == nil {
				s.forums = map[string]bool{}
			}
			s.forums[c.ID] = true
		}
	}
	s.mu.Unlock()
	return s.Dispatch("GUILD_CREATE", map[string]any{
		"id": guild, "name": "Server " + guild, "owner_id": "1", "unavailable": false,
		"channels": chs, "threads": []any{}, "members": []any{}, "roles": []any{}, "preferred_locale": locale,
	})
}

// ThreadCreate sends THREAD_CREATE for a new thread (newly_created) in a
// channel: for a forum, a new post.
func (s *Server) ThreadCreate(guild, parent, thread, owner, name string) error {
	return s.Dispatch("THREAD_CREATE", map[string]any{
		"id": thread, "guild_id": guild, "parent_id": parent, "type": ChannelPublicThread, "name": name, "owner_id": owner,
		"newly_created": true, "member_count": 1, "message_count": 0,
		"thread_metadata": map[string]any{"archived": false, "auto_archive_duration": 4320, "locked": false,
			"archive_timestamp": time.Now().UTC().Format(time.RFC3339)},
	})
}

// ThreadMessage sends MESSAGE_CREATE for a message in a thread. A forum
// post's starter message has the thread's own id.
func (s *Server) ThreadMessage(guild, thread, id, author, content string) error {
	return s.Dispatch("MESSAGE_CREATE", map[string]any{
		"id": id, "channel_id": thread, "guild_id": guild, "type": 0, "content": content, "mentions": []any{},
		"author":    map[string]any{"id": author, "username": "member", "discriminator": "0"},
		"member":    map[string]any{"roles": []any{}},
		"timestamp": time.Now().UTC().Format(time.RFC3339), "tts": false, "mention_everyone": false,
		"attachments": []any{}, "embeds": []any{}, "pinned": false,
	})
}

// ForumPost is what Discord sends when a member posts in a forum: the new
// thread (THREAD_CREATE), then its starter message, whose id is the
// thread's, in the thread.
func (s *Server) ForumPost(guild, forum, thread, author, title, content string) error {
	if err := s.ThreadCreate(guild, forum, thread, author, title); err != nil {
		return fmt.Errorf("thread create: %w", err)
	}
	return s.ThreadMessage(guild, thread, thread, author, content)
}

// isForum reports a forum channel the fake was told of.
func (s *Server) isForum(channel string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.forums[channel]
}
