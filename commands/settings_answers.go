package commands

import (
	"context"

	"crisisbot/kb"
)

// Setting keys for answers, in the store.
const (
	settingCorrections   = "corrections"    // "off" turns corrections off; default on
	settingMentionAuthor = "mention_author" // "on" lets Ask CrisisBot mention the message's author; default off
)

// CorrectionsOn reports whether guild's earlier answers are corrected after
// a change (default yes; DMs always). A store error counts as off: better a
// missed correction than one a server turned off.
func (s Settings) CorrectionsOn(ctx context.Context, guild string) bool {
	if guild == kb.GlobalScope || guild == "" {
		return true
	}
	v, err := s.store.Setting(ctx, guild, settingCorrections)
	return err == nil && v != "off"
}

// MentionAuthor reports whether Ask CrisisBot may mention the author of the
// message it answers in guild (default no).
func (s Settings) MentionAuthor(ctx context.Context, guild string) bool {
	if guild == kb.GlobalScope || guild == "" {
		return false
	}
	v, err := s.store.Setting(ctx, guild, settingMentionAuthor)
	return err == nil && v == "on"
}
