package main

import (
	"slices"
	"strings"
	"testing"
)

func TestLoadConfig_Scale(t *testing.T) {
	load := func(env map[string]string) (Config, error) {
		env["DISCORD_TOKEN"] = "abc"
		return LoadConfig(func(k string) string { return env[k] })
	}
	t.Run("Defaults", func(t *testing.T) {
		c, err := load(map[string]string{})
		if err != nil || c.ShardCount != 0 || c.ShardIDs != nil || !c.Gateway || c.InteractionsAddr != "" || c.PublicKey != nil || c.MaxInFlight != 256 {
			t.Fatalf("%+v %v", c, err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		c, err := load(map[string]string{"SHARD_COUNT": "16", "SHARD_IDS": "8-11, 3,0-1,3", "GATEWAY": "off",
			"INTERACTIONS_ADDR": ":8080", "DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32), "MAX_IN_FLIGHT": "64"})
		if err != nil || c.ShardCount != 16 || !slices.Equal(c.ShardIDs, []int{0, 1, 3, 8, 9, 10, 11}) || c.Gateway || len(c.PublicKey) != 32 || c.MaxInFlight != 64 {
			t.Fatalf("%+v %v", c, err)
		}
	})
	for name, c := range map[string]struct {
		env  map[string]string
		want string
	}{
		"ShardBeyondCount": {map[string]string{"SHARD_COUNT": "4", "SHARD_IDS": "2-4"}, "SHARD_IDS: shard 4 does not exist with SHARD_COUNT=4"},
		"Backwards":        {map[string]string{"SHARD_IDS": "3-1"}, "runs backwards"},
		"NotANumber":       {map[string]string{"SHARD_IDS": "0,x"}, `"x" is not a shard number`},
		"NothingToServe":   {map[string]string{"GATEWAY": "off"}, "GATEWAY: off with no INTERACTIONS_ADDR"},
		"BadAddr":          {map[string]string{"INTERACTIONS_ADDR": "8080"}, "INTERACTIONS_ADDR:"},
		"ShortKey":         {map[string]string{"DISCORD_PUBLIC_KEY": "abcd"}, "DISCORD_PUBLIC_KEY: is not 64 hexadecimal digits"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := load(c.env); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}
