package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"crisisbot/kb/postgres"
)

// Config is everything the operator sets, read once from the environment
// (and .env). Every key is listed, with a comment, in .env.example.
type Config struct {
	Token             string        // DISCORD_TOKEN
	GuildID           string        // DISCORD_GUILD_ID
	APIBaseURL        *url.URL      // DISCORD_API_BASE_URL
	CDNBaseURL        *url.URL      // DISCORD_CDN_BASE_URL; nil means Discord's CDN
	LogLevel          slog.Level    // LOG_LEVEL
	LogFormat         string        // LOG_FORMAT: text or json
	AskChannelIDs     []string      // ASK_CHANNEL_IDS
	RateQuestions     int           // RATE_LIMIT_QUESTIONS
	RateWindow        time.Duration // RATE_LIMIT_WINDOW
	RepeatWindow      time.Duration // REPEAT_WINDOW
	ShutdownTimeout   time.Duration // SHUTDOWN_TIMEOUT
	DBPath            string        // KB_DB_PATH
	DatabaseURL       string        // DATABASE_URL: when set, PostgreSQL instead of KB_DB_PATH
	Owners            []string      // OWNER_USER_IDS
	MaxServerEntries  int           // KB_MAX_SERVER_ENTRIES: entries one server's layer may hold
	QuestionRetention time.Duration // QUESTION_RETENTION: how long declined questions are kept
	// CORRECTIONS_RETENTION: how long public answers are remembered for corrections
	CorrectionsRetention time.Duration
	CorrectionsDelay     time.Duration // CORRECTIONS_DELAY: quiet time after an entry's last change before correcting
	MetricsAddr          string        // METRICS_ADDR: host:port for /metrics, /livez, /readyz; "" = off

	// AskChannelsFromDiscord (ASK_CHANNELS_FROM_DISCORD=on) lets managers
	// choose ask channels with /kb channels; like ASK_CHANNEL_IDS it needs
	// the Message Content intent, enabled in the Developer Portal.
	AskChannelsFromDiscord bool

	// Running at scale (README "Running at scale").
	ShardCount       int               // SHARD_COUNT: 0 means auto (Discord's recommendation)
	ShardIDs         []int             // SHARD_IDS: the shards this process runs; nil means all
	Gateway          bool              // GATEWAY: on (default) or off (HTTP-only replica)
	InteractionsAddr string            // INTERACTIONS_ADDR: serve POST /interactions here; empty = off
	PublicKey        ed25519.PublicKey // DISCORD_PUBLIC_KEY; nil = the application's verify_key
	MaxInFlight      int               // MAX_IN_FLIGHT: events handled at once per transport
}

// configError is a configuration that cannot work; it exits with 2.
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

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
	if raw := get("DISCORD_CDN_BASE_URL", ""); raw != "" {
		u, err := url.Parse(raw)
		switch {
		case err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.User != nil:
			bad("DISCORD_CDN_BASE_URL", "%q is not a base URL like https://media-proxy.example (scheme and host only)", raw)
		case u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())):
			bad("DISCORD_CDN_BASE_URL", "%q must use https (plain http only on 127.0.0.1 or localhost)", raw)
		default:
			c.CDNBaseURL = u
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL", "info"))); err != nil {
		bad("LOG_LEVEL", "%q is not one of debug, info, warn, error", get("LOG_LEVEL", ""))
	}
	c.LogFormat = strings.ToLower(get("LOG_FORMAT", "text"))
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("LOG_FORMAT", "%q is not text or json", c.LogFormat)
	}
	c.AskChannelIDs = idList(get, bad, "ASK_CHANNEL_IDS", "channel")
	switch v := strings.ToLower(get("ASK_CHANNELS_FROM_DISCORD", "off")); v {
	case "on", "off":
		c.AskChannelsFromDiscord = v == "on"
	default:
		bad("ASK_CHANNELS_FROM_DISCORD", "%q is not on or off", v)
	}
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
	c.ShutdownTimeout = duration(get, bad, "SHUTDOWN_TIMEOUT", "10s")
	c.MaxServerEntries, err = strconv.Atoi(get("KB_MAX_SERVER_ENTRIES", "1000"))
	if err != nil || c.MaxServerEntries < 1 || c.MaxServerEntries > 100_000 {
		bad("KB_MAX_SERVER_ENTRIES", "%q is not a whole number from 1 to 100000", get("KB_MAX_SERVER_ENTRIES", ""))
	}
	c.QuestionRetention, err = time.ParseDuration(get("QUESTION_RETENTION", "2160h"))
	if err != nil || c.QuestionRetention < time.Hour {
		bad("QUESTION_RETENTION", "%q is not a duration of at least 1h, like 2160h (90 days)", get("QUESTION_RETENTION", ""))
	}
	c.CorrectionsRetention, err = time.ParseDuration(get("CORRECTIONS_RETENTION", "168h"))
	if err != nil || c.CorrectionsRetention < time.Hour || c.CorrectionsRetention > 90*24*time.Hour {
		bad("CORRECTIONS_RETENTION", "%q is not a duration from 1h to 2160h, like 168h (7 days)", get("CORRECTIONS_RETENTION", ""))
	}
	c.CorrectionsDelay, err = time.ParseDuration(get("CORRECTIONS_DELAY", "5s"))
	if err != nil || c.CorrectionsDelay <= 0 || c.CorrectionsDelay > 10*time.Minute {
		bad("CORRECTIONS_DELAY", "%q is not a duration from 1ms to 10m, like 5s", get("CORRECTIONS_DELAY", ""))
	}
	c.MetricsAddr = get("METRICS_ADDR", "")
	if c.MetricsAddr != "" && !isListenAddr(c.MetricsAddr) {
		bad("METRICS_ADDR", "%q is not host:port like 127.0.0.1:9464 (or :9464 for every interface)", c.MetricsAddr)
	}
	scaleConfig(&c, get, bad)
	if len(problems) > 0 {
		return c, errors.New("configuration:\n  " + strings.Join(problems, "\n  "))
	}
	return c, nil
}

// scaleConfig reads the settings for sharding, the HTTP interactions
// endpoint and overload.
func scaleConfig(c *Config, get func(string, string) string, bad func(string, string, ...any)) {
	raw := strings.ToLower(get("SHARD_COUNT", "auto"))
	if raw != "auto" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 100_000 {
			bad("SHARD_COUNT", "%q is not auto or a whole number from 1 to 100000", raw)
		} else {
			c.ShardCount = n
		}
	}
	if raw := get("SHARD_IDS", ""); raw != "" {
		ids, err := parseShardIDs(raw)
		switch {
		case err != nil:
			bad("SHARD_IDS", "%q: %v; list shards like 0-3 or 4,5 or 0-3,8", raw, err)
		case c.ShardCount > 0 && ids[len(ids)-1] >= c.ShardCount:
			bad("SHARD_IDS", "shard %d does not exist with SHARD_COUNT=%d (shards are 0 to %d)", ids[len(ids)-1], c.ShardCount, c.ShardCount-1)
		default:
			c.ShardIDs = ids
		}
	}
	switch v := strings.ToLower(get("GATEWAY", "on")); v {
	case "on", "true", "1":
		c.Gateway = true
	case "off", "false", "0":
	default:
		bad("GATEWAY", "%q is not on or off", v)
		c.Gateway = true
	}
	c.InteractionsAddr = get("INTERACTIONS_ADDR", "")
	if a := c.InteractionsAddr; a != "" {
		_, port, err := net.SplitHostPort(a)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
			bad("INTERACTIONS_ADDR", "%q is not an address to listen on like :8080 or 127.0.0.1:8080", a)
		}
	}
	if !c.Gateway && c.InteractionsAddr == "" {
		bad("GATEWAY", "off with no INTERACTIONS_ADDR leaves nothing to serve; set INTERACTIONS_ADDR or GATEWAY=on")
	}
	if raw := get("DISCORD_PUBLIC_KEY", ""); raw != "" {
		key, err := hex.DecodeString(raw)
		if err != nil || len(key) != ed25519.PublicKeySize {
			bad("DISCORD_PUBLIC_KEY", "is not 64 hexadecimal digits; copy Public Key from the Developer Portal (General Information), or leave it unset to read it from Discord")
		} else {
			c.PublicKey = key
		}
	}
	var err error
	c.MaxInFlight, err = strconv.Atoi(get("MAX_IN_FLIGHT", "256"))
	if err != nil || c.MaxInFlight < 1 || c.MaxInFlight > 100_000 {
		bad("MAX_IN_FLIGHT", "%q is not a whole number from 1 to 100000", get("MAX_IN_FLIGHT", ""))
	}
}

// parseShardIDs reads "0-3", "4,5", "0-3,8" into sorted, distinct ids.
func parseShardIDs(raw string) ([]int, error) {
	var ids []int
	for _, part := range strings.Split(raw, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(strings.TrimSpace(hi))
		}
		switch {
		case err != nil || a < 0:
			return nil, fmt.Errorf("%q is not a shard number or range", part)
		case b < a:
			return nil, fmt.Errorf("the range %q runs backwards", part)
		case b-a >= 100_000:
			return nil, fmt.Errorf("the range %q is too long", part)
		}
		for id := a; id <= b; id++ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
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

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isSnowflake(s string) bool {
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// loadDotEnv loads name (.env) into the process environment with godotenv; a
// missing file is fine. godotenv quotes the offending text in its errors, and
// a .env holds the token, so a malformed file is reported by line number
// only, as a configError (exit 2: restarting cannot fix it).
func loadDotEnv(name string) error {
	err := godotenv.Load(name)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return configError{fmt.Errorf("read %s: %w", name, pe.Err)}
	}
	raw, rerr := os.ReadFile(name)
	if rerr != nil {
		return configError{fmt.Errorf("read %s: %w", name, rerr)}
	}
	return configError{fmt.Errorf("%s: line %d is not KEY=value (its text is not shown: it may hold the token); fix or remove that line", name, badDotEnvLine(raw))}
}

// badDotEnvLine returns the line where a malformed .env goes wrong: the line
// after the longest prefix of whole lines that parses. (A quoted value may
// span lines, so a prefix can fail where the whole would not; the longest
// parsing prefix is what counts.)
func badDotEnvLine(raw []byte) int {
	lines := strings.SplitAfter(string(raw), "\n")
	good := 0
	for n := 1; n <= len(lines); n++ {
		if _, err := godotenv.Unmarshal(strings.Join(lines[:n], "")); err == nil {
			good = n
		}
	}
	return min(good+1, len(lines))
}

// isListenAddr reports whether s is host:port with a port number (0 picks a
// free port).
func isListenAddr(s string) bool {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
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
