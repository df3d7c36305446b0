package commands

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
)

// settingAskChannels is the store key of a server's own ask channels.
const settingAskChannels = "ask_channels"

// maxAskChannels is how many ask channels one server may choose.
const maxAskChannels = 25

// maxCachedServers bounds AskChannels' cache; past it the cache starts over.
const maxCachedServers = 10_000

// AskChannels is the servers' own ask channels, chosen by their managers with
// /kb channels and kept in the store's settings. It implements bot.AskLookup:
// every server message the bot sees is checked against it, so each server's
// list is read once and cached until it changes through Set (a change made
// by another process is seen after a restart). Safe for concurrent use.
type AskChannels struct {
	store SettingsStore
	log   *slog.Logger

	mu    sync.Mutex
	cache map[string][]string // guild -> its ask channels
}

// NewAskChannels returns the servers' ask channels kept in store.
func NewAskChannels(store SettingsStore, log *slog.Logger) *AskChannels {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &AskChannels{store: store, log: log, cache: map[string][]string{}}
}

// List returns a server's own ask channels.
func (a *AskChannels) List(ctx context.Context, guild string) ([]string, error) {
	a.mu.Lock()
	cached, ok := a.cache[guild]
	a.mu.Unlock()
	if ok {
		return cached, nil
	}
	v, err := a.store.Setting(ctx, guild, settingAskChannels)
	if err != nil {
		return nil, err
	}
	var list []string
	for _, c := range strings.Split(v, ",") {
		if c != "" {
			list = append(list, c)
		}
	}
	a.put(guild, list)
	return list, nil
}

// Set replaces a server's ask channels (audited by the store) and the cache.
func (a *AskChannels) Set(ctx context.Context, guild string, channels []string, author string) error {
	channels = slices.Compact(slices.Sorted(slices.Values(channels)))
	err := a.store.SetSetting(ctx, guild, settingAskChannels, strings.Join(channels, ","), author)
	a.mu.Lock()
	delete(a.cache, guild) // read again next time, whether or not the write happened
	a.mu.Unlock()
	return err
}

func (a *AskChannels) put(guild string, list []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.cache) >= maxCachedServers {
		clear(a.cache)
	}
	a.cache[guild] = list
}

// IsAskChannel implements bot.AskLookup. A store error is logged and counts
// as "no".
func (a *AskChannels) IsAskChannel(ctx context.Context, guild, channel string) bool {
	if guild == "" || channel == "" {
		return false
	}
	list, err := a.List(ctx, guild)
	if err != nil {
		a.log.Warn("could not read a server's ask channels", "guild", guild, "err", err)
		return false
	}
	return slices.Contains(list, channel)
}
