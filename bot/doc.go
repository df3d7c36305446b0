// Package bot owns CrisisBot's connection to Discord: the discordgo gateway
// sessions (Bot, one per shard; Shards runs a process's shards in identify
// buckets), the HTTP interactions endpoint (InteractionServer), the bound
// on work in flight with its refusals (Limiter), the one REST client every HTTP call goes through (REST: its own
// request code on one http.Client that can point at another base URL, 429s
// honoured within each call's deadline, and a separate, CDN-only attachment
// downloader), gateway close-code handling, command registration, the
// router that turns gateway events into handler calls and defers slow ones
// the way each route declares, and the one place where every outgoing
// message is made safe (no pings) and trimmed to Discord's limits. It knows
// nothing about the knowledge base.
package bot
