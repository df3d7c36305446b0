package bot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Request is one thing a user did: a command, an autocomplete keystroke, a
// click, or a message addressed to the bot.
type Request struct {
	Interaction *discordgo.Interaction // nil for messages
	Message     *discordgo.Message     // the message asked about: MESSAGE_CREATE or a context-menu target
	UserID      string
	GuildID     string // "" in DMs
	ChannelID   string
	Text        string            // a message's text with the bot's mention removed
	Params      map[string]string // variables of the custom-ID path
	Values      []string          // selected values of a select menu
	Fields      map[string]string // submitted modal fields by custom ID
	Permissions int64             // the member's permissions in the channel (guilds only)
	Roles       []string          // the member's role ids (guilds only)
	// Locale is the member's Discord locale ("uk", "en-US"), "" for messages,
	// which carry none.
	Locale string
	// GuildLocale is the server's preferred locale: from the interaction, or
	// for a message from the server's GUILD_CREATE when seen ("" if unknown).
	GuildLocale string
	options     map[string]*discordgo.ApplicationCommandInteractionDataOption
	focused     string
	sub         string
	id          string // shared by the request's log line and any error reply
	trace       *trace // nil for a request the router did not build
}

// String returns a string option of the command ("" when absent).
func (r *Request) String(name string) string {
	if o, ok := r.options[name]; ok && o.Type == discordgo.ApplicationCommandOptionString {
		if s, ok := o.Value.(string); ok {
			return s
		}
	}
	return ""
}

// Bool returns a boolean option of the command (false when absent).
func (r *Request) Bool(name string) bool {
	if o, ok := r.options[name]; ok && o.Type == discordgo.ApplicationCommandOptionBoolean {
		b, _ := o.Value.(bool)
		return b
	}
	return false
}

// Int returns an integer option of the command (0 when absent).
func (r *Request) Int(name string) int {
	if o, ok := r.options[name]; ok && o.Type == discordgo.ApplicationCommandOptionInteger {
		if f, ok := o.Value.(float64); ok {
			return int(f)
		}
	}
	return 0
}

// Role returns a role option's id ("" when absent).
func (r *Request) Role(name string) string {
	if o, ok := r.options[name]; ok && o.Type == discordgo.ApplicationCommandOptionRole {
		if s, ok := o.Value.(string); ok {
			return s
		}
	}
	return ""
}

// Attachment returns an attachment option's file ("", 0 when absent).
func (r *Request) Attachment(name string) (url string, size int) {
	o, ok := r.options[name]
	if !ok || o.Type != discordgo.ApplicationCommandOptionAttachment || r.Interaction == nil {
		return "", 0
	}
	id, _ := o.Value.(string)
	d, ok := r.Interaction.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok || d.Resolved == nil || d.Resolved.Attachments[id] == nil {
		return "", 0
	}
	a := d.Resolved.Attachments[id]
	return a.URL, a.Size
}

// User returns a user option's id ("" when absent) and the user as Discord
// resolved it for this interaction (nil when it did not).
func (r *Request) User(name string) (string, *discordgo.User) {
	o, ok := r.options[name]
	if !ok || o.Type != discordgo.ApplicationCommandOptionUser {
		return "", nil
	}
	id, _ := o.Value.(string)
	if r.Interaction == nil {
		return id, nil
	}
	d, ok := r.Interaction.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok || d.Resolved == nil {
		return id, nil
	}
	return id, d.Resolved.Users[id]
}

// Channel returns a channel option's id ("" when absent).
func (r *Request) Channel(name string) string {
	if o, ok := r.options[name]; ok && o.Type == discordgo.ApplicationCommandOptionChannel {
		s, _ := o.Value.(string)
		return s
	}
	return ""
}

// ResolvedChannel returns a channel option's channel as Discord resolved it
// for this interaction (nil when it did not).
func (r *Request) ResolvedChannel(id string) *discordgo.Channel {
	if r.Interaction == nil {
		return nil
	}
	d, ok := r.Interaction.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok || d.Resolved == nil {
		return nil
	}
	return d.Resolved.Channels[id]
}

// Subcommand returns the path of subcommands used, e.g. "roles add".
func (r *Request) Subcommand() string { return r.sub }

// Focused returns the option being autocompleted.
func (r *Request) Focused() string { return r.focused }

// Reply is what a handler answers. A nil *Reply sends nothing.
type Reply struct {
	Update     bool // for a click: replace the message the button is on
	Ephemeral  bool // only the asker sees it (interactions only)
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Choices    []*discordgo.ApplicationCommandOptionChoice // autocomplete only
	Modal      *Modal                                      // open a form instead of replying
	Files      []*discordgo.File                           // attachments (interaction replies)
	// OnSent, when set, is called with the message sent for a reply to a
	// message, and with the message a public interaction response created
	// when the responder can tell (a MessageResponder, or the edit after a
	// public defer).
	OnSent func(*discordgo.Message)
	// MentionUsers are the only user ids the reply may ping (it must also
	// name them in its text as <@id>); allowed_mentions.parse stays empty,
	// so nothing else in the reply pings anyone.
	MentionUsers []string
}

// Modal is a form: up to five text inputs. CustomID routes its submission.
type Modal struct {
	CustomID string
	Title    string
	Inputs   []discordgo.TextInput
}

// UserError is an error whose message is written for the user; the router
// shows it as it is. Any other error is logged and the user gets a generic
// apology.
type UserError struct{ Msg string }

func (e *UserError) Error() string { return e.Msg }

// Userf returns a UserError.
func Userf(format string, a ...any) error { return &UserError{Msg: fmt.Sprintf(format, a...)} }

// ErrBadCustomID means a custom ID is malformed or too long.
var ErrBadCustomID = errors.New("bad custom id")

// CustomID builds a custom ID path: CustomID("open", "troops") is
// "/open/troops". No part may be empty or contain "/", and the result must
// fit Discord's 100 characters.
func CustomID(parts ...string) (string, error) {
	for _, p := range parts {
		if p == "" || strings.Contains(p, "/") {
			return "", fmt.Errorf("%w: part %q", ErrBadCustomID, p)
		}
	}
	id := "/" + strings.Join(parts, "/")
	if len(id) > MaxCustomID {
		return "", fmt.Errorf("%w: %d characters", ErrBadCustomID, len(id))
	}
	return id, nil
}

// MustCustomID is CustomID for parts known to be valid (fixed words and
// validated ids); it returns "" for invalid parts, which the sanitizer drops.
func MustCustomID(parts ...string) string {
	id, _ := CustomID(parts...)
	return id
}

// matchCustomID matches id against a pattern like "/fb/{entry}/{vote}" and
// returns the variables.
func matchCustomID(pattern, id string) (map[string]string, bool) {
	ps := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	is := strings.Split(strings.TrimPrefix(id, "/"), "/")
	if !strings.HasPrefix(id, "/") || len(ps) != len(is) {
		return nil, false
	}
	vars := map[string]string{}
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if is[i] == "" {
				return nil, false
			}
			vars[p[1:len(p)-1]] = is[i]
		} else if p != is[i] {
			return nil, false
		}
	}
	return vars, true
}

// userOf returns who started an interaction: the member's user in guilds,
// the user in DMs.
func userOf(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}
