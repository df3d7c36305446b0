// Package bot owns CrisisBot's connection to Discord: the discordgo session,
// the HTTP client that can point it at another base URL, command
// registration, the router that turns gateway events into handler calls, and
// the one place where every outgoing message is made safe (no pings) and
// trimmed to Discord's limits. It knows nothing about the knowledge base.
package bot
