package main

import (
	"strings"
	"testing"
)

func TestLoadConfig_DatabaseURL(t *testing.T) {
	load := func(url string) (Config, error) {
		return LoadConfig(func(k string) string {
			return map[string]string{"DISCORD_TOKEN": "abc.def", "DATABASE_URL": url, "KB_DB_PATH": "kb.db"}[k]
		})
	}
	t.Run("OK", func(t *testing.T) {
		for _, url := range []string{
			"postgres://bot:hunter2@db.example:5432/crisisbot?sslmode=require",
			"postgresql:///crisisbot?host=/var/run/postgresql",
		} {
			c, err := load(url)
			if err != nil || c.Database() != url || c.DatabaseKey() != "DATABASE_URL" {
				t.Errorf("%s: %q %q %v", url, c.Database(), c.DatabaseKey(), err)
			}
		}
	})
	t.Run("Unset", func(t *testing.T) {
		c, err := load("")
		if err != nil || c.Database() != "kb.db" || c.DatabaseKey() != "KB_DB_PATH" {
			t.Fatalf("%q %q %v", c.Database(), c.DatabaseKey(), err)
		}
	})
	t.Run("Bad", func(t *testing.T) {
		for _, url := range []string{
			"mysql://bot:hunter2@db/kb",
			"postgres://bot:hunter2@db/kb?sslmode=sometimes",
			"postgres://bot:hunter2@db:port/kb",
		} {
			_, err := load(url)
			if err == nil || !strings.Contains(err.Error(), "DATABASE_URL:") {
				t.Errorf("%s accepted: %v", url, err)
				continue
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the password shows: %v", err)
			}
		}
	})
}
