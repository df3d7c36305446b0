package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"crisisbot/kb/postgres"
)

// Config is everything the operator sets, read once from the environment
// (and .env). Every key is listed, with a comment, in .env.example.
type Config struct {
	Token          string        // DISCORD_TOKEN
	GuildID        string        // DISCORD_GUILD_ID
	APIBaseURL     *url.URL      // DISCORD_API_BASE_URL
	LogLevel       slog.Level    // LOG_LEVEL
	LogFormat      string        // LOG_FORMAT: text or json
	AskChannelIDs  []string      // ASK_CHANNEL_IDS
	RateQuestions  int           // RATE_LIMIT_QUESTIONS
	RateWindow     time.Duration // RATE_LIMIT_WINDOW
	RepeatWindow   time.Duration // REPEAT_WINDOW
	ShutdownTimout time.Duration // SHUTDOWN_TIMEOUT
	DBPath         string        // KB_DB_PATH
	DatabaseURL    string        // DATABASE_URL: when set, PostgreSQL instead of KB_DB_PATH
	Owners         []string      // OWNER_USER_IDS
}

// configError is a configuration that cannot work; it exits with 2.
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

// configKeys are the keys Config reads, in .env.example order.
var configKeys = []string{
	"DISCORD_TOKEN", "DISCORD_GUILD_ID", "DISCORD_API_BASE_URL", "LOG_LEVEL", "LOG_FORMAT",
	"ASK_CHANNEL_IDS", "RATE_LIMIT_QUESTIONS", "RATE_LIMIT_WINDOW", "REPEAT_WINDOW", "SHUTDOWN_TIMEOUT",
	"KB_DB_PATH", "DATABASE_URL", "OWNER_USER_IDS",
}

// LoadConfig reads and validates the configuration. The error names every
// missing or malformed key and how to fix it; it never contains the token.
func LoadConfig(getenv func(string) string) (Config, error) {
	var problems []string
	bad := func(key, format string, a ...any) {
		problems = append(problems, key+": "+fmt.Sprintf(format, a...))
	}
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{Token: strings.TrimSpace(getenv("DISCORD_TOKEN"))}
	c.Token = strings.TrimPrefix(c.Token, "Bot ")
	switch {
	case c.Token == "":
		bad("DISCORD_TOKEN", "is not set; copy the bot token from the Developer Portal (Bot > Reset Token) into .env")
	case strings.ContainsAny(c.Token, " \t\r\n"):
		bad("DISCORD_TOKEN", "contains white space; paste the token alone")
	}
	c.GuildID = get("DISCORD_GUILD_ID", "")
	if c.GuildID != "" && !isSnowflake(c.GuildID) {
		bad("DISCORD_GUILD_ID", "%q is not a server id; enable Developer Mode, right-click the server, Copy Server ID", c.GuildID)
	}
	raw := get("DISCORD_API_BASE_URL", "https://discord.com")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		bad("DISCORD_API_BASE_URL", "%q is not a base URL like https://discord.com (scheme and host only)", raw)
	} else {
		c.APIBaseURL = u
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL", "info"))); err != nil {
		bad("LOG_LEVEL", "%q is not one of debug, info, warn, error", get("LOG_LEVEL", ""))
	}
	c.LogFormat = strings.ToLower(get("LOG_FORMAT", "text"))
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("LOG_FORMAT", "%q is not text or json", c.LogFormat)
	}
	c.AskChannelIDs = idList(get, bad, "ASK_CHANNEL_IDS", "channel")
	c.Owners = idList(get, bad, "OWNER_USER_IDS", "user")
	c.DBPath = get("KB_DB_PATH", "./data/crisisbot.db")
	if st, err := os.Stat(c.DBPath); err == nil && st.IsDir() {
		bad("KB_DB_PATH", "%q is a folder; give a file path like ./data/crisisbot.db", c.DBPath)
	}
	c.DatabaseURL = get("DATABASE_URL", "")
	if c.DatabaseURL != "" {
		if err := postgres.CheckURL(c.DatabaseURL); err != nil {
			bad("DATABASE_URL", "%v; give a PostgreSQL URL like postgres://crisisbot:PASSWORD@db.example:5432/crisisbot, or leave it empty to use KB_DB_PATH (SQLite)", err)
		}
	}
	c.RateQuestions, err = strconv.Atoi(get("RATE_LIMIT_QUESTIONS", "5"))
	if err != nil || c.RateQuestions < 1 || c.RateQuestions > 1000 {
		bad("RATE_LIMIT_QUESTIONS", "%q is not a whole number from 1 to 1000", get("RATE_LIMIT_QUESTIONS", ""))
	}
	c.RateWindow = duration(get, bad, "RATE_LIMIT_WINDOW", "30s")
	c.RepeatWindow = duration(get, bad, "REPEAT_WINDOW", "2m")
	c.ShutdownTimout = duration(get, bad, "SHUTDOWN_TIMEOUT", "10s")
	if len(problems) > 0 {
		return c, errors.New("configuration:\n  " + strings.Join(problems, "\n  "))
	}
	return c, nil
}

func idList(get func(string, string) string, bad func(string, string, ...any), key, what string) []string {
	var out []string
	for _, id := range strings.Split(get(key, ""), ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if !isSnowflake(id) {
			bad(key, "%q is not a %s id; list ids separated by commas (Developer Mode > Copy ID)", id, what)
			continue
		}
		out = append(out, id)
	}
	return out
}

func duration(get func(string, string) string, bad func(string, string, ...any), key, def string) time.Duration {
	v := get(key, def)
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > 24*time.Hour {
		bad(key, "%q is not a duration like 30s or 2m (at most 24h)", v)
		return 0
	}
	return d
}

func isSnowflake(s string) bool {
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// Database is where the moderated knowledge base is: DATABASE_URL when set,
// else KB_DB_PATH.
func (c Config) Database() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return c.DBPath
}

// DatabaseKey names the setting Database comes from, for errors.
func (c Config) DatabaseKey() string {
	if c.DatabaseURL != "" {
		return "DATABASE_URL"
	}
	return "KB_DB_PATH"
}
