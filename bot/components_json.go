package bot

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// encodedComponent is a message component already encoded as JSON, so that
// the response's encoder copies it instead of encoding it again.
type encodedComponent struct {
	b []byte
	t discordgo.ComponentType
}

func (c *encodedComponent) MarshalJSON() ([]byte, error)  { return c.b, nil }
func (c *encodedComponent) Type() discordgo.ComponentType { return c.t }

// withEncodedComponents returns resp with its components encoded (a copy;
// resp itself is not changed), or resp when it has none.
//
// Why: discordgo's ActionsRow and Button encode themselves through
// json.Marshal of a wrapper struct, so a row of three buttons is four
// reflective encodings, and the encoder re-scans the output of each of them
// at every level: about 12 µs of every /ask answer. appendComponent writes
// rows and buttons directly, byte for byte what discordgo writes
// (TestAppendComponent_SameAsDiscordgo); other component types are encoded
// by discordgo as before.
func withEncodedComponents(resp *discordgo.InteractionResponse) *discordgo.InteractionResponse {
	d := resp.Data
	if d == nil || len(d.Components) == 0 {
		return resp
	}
	// One allocation for the copies (a message has at most five rows) and
	// one for the encoded bytes, whose size is a row's typical one.
	e := &encodedResponse{resp: *resp, data: *d}
	e.resp.Data = &e.data
	comps, encoded := e.comps[:0], e.encoded[:0]
	if len(d.Components) > len(e.comps) {
		comps, encoded = make([]discordgo.MessageComponent, 0, len(d.Components)), make([]encodedComponent, 0, len(d.Components))
	}
	buf := make([]byte, 0, 512*len(d.Components))
	for _, c := range d.Components {
		if c == nil {
			comps = append(comps, nil)
			continue
		}
		start := len(buf)
		var err error
		if buf, err = appendComponent(buf, c); err != nil {
			return resp // the encoder reports it as before
		}
		encoded = append(encoded, encodedComponent{b: buf[start:len(buf):len(buf)], t: c.Type()})
		comps = append(comps, &encoded[len(encoded)-1])
	}
	e.data.Components = comps
	return &e.resp
}

// encodedResponse holds withEncodedComponents' copies.
type encodedResponse struct {
	resp    discordgo.InteractionResponse
	data    discordgo.InteractionResponseData
	comps   [5]discordgo.MessageComponent
	encoded [5]encodedComponent
}

// appendComponent appends c as discordgo's MarshalJSON encodes it.
func appendComponent(dst []byte, c discordgo.MessageComponent) ([]byte, error) {
	switch v := c.(type) {
	case discordgo.ActionsRow:
		return appendActionsRow(dst, &v)
	case *discordgo.ActionsRow:
		if v != nil {
			return appendActionsRow(dst, v)
		}
	case discordgo.Button:
		return appendButton(dst, &v), nil
	case *discordgo.Button:
		if v != nil {
			return appendButton(dst, v), nil
		}
	}
	b, err := json.Marshal(c)
	return append(dst, b...), err
}

func appendActionsRow(dst []byte, r *discordgo.ActionsRow) ([]byte, error) {
	dst = append(dst, `{"components":`...)
	if r.Components == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for k, c := range r.Components {
			if k > 0 {
				dst = append(dst, ',')
			}
			if c == nil {
				dst = append(dst, "null"...)
				continue
			}
			var err error
			if dst, err = appendComponent(dst, c); err != nil {
				return dst, err
			}
		}
		dst = append(dst, ']')
	}
	if r.ID != 0 {
		dst = strconv.AppendInt(append(dst, `,"id":`...), int64(r.ID), 10)
	}
	dst = strconv.AppendUint(append(dst, `,"type":`...), uint64(r.Type()), 10)
	return append(dst, '}'), nil
}

func appendButton(dst []byte, b *discordgo.Button) []byte {
	style := b.Style
	if style == 0 {
		style = discordgo.PrimaryButton // as discordgo's MarshalJSON
	}
	dst = appendJSONString(append(dst, `{"label":`...), b.Label)
	dst = strconv.AppendUint(append(dst, `,"style":`...), uint64(style), 10)
	dst = strconv.AppendBool(append(dst, `,"disabled":`...), b.Disabled)
	if e := b.Emoji; e != nil {
		dst = append(dst, `,"emoji":{`...)
		sep := ""
		if e.Name != "" {
			dst = appendJSONString(append(dst, `"name":`...), e.Name)
			sep = ","
		}
		if e.ID != "" {
			dst = appendJSONString(append(append(dst, sep...), `"id":`...), e.ID)
			sep = ","
		}
		if e.Animated {
			dst = append(append(dst, sep...), `"animated":true`...)
		}
		dst = append(dst, '}')
	}
	if b.URL != "" {
		dst = appendJSONString(append(dst, `,"url":`...), b.URL)
	}
	if b.CustomID != "" {
		dst = appendJSONString(append(dst, `,"custom_id":`...), b.CustomID)
	}
	if b.SKUID != "" {
		dst = appendJSONString(append(dst, `,"sku_id":`...), b.SKUID)
	}
	if b.ID != 0 {
		dst = strconv.AppendInt(append(dst, `,"id":`...), int64(b.ID), 10)
	}
	dst = strconv.AppendUint(append(dst, `,"type":`...), uint64(b.Type()), 10)
	return append(dst, '}')
}

// appendJSONString appends s as encoding/json writes a string (HTML
// escaping on): copied between quotes when nothing in it needs escaping,
// through json.Marshal otherwise.
func appendJSONString(dst []byte, s string) []byte {
	if plainJSON(s) {
		return append(append(append(dst, '"'), s...), '"')
	}
	b, _ := json.Marshal(s)
	return append(dst, b...)
}

// plainJSON reports whether encoding/json writes s unchanged between
// quotes: valid UTF-8 with no control character, quote, backslash, <, >,
// & or line/paragraph separator.
func plainJSON(s string) bool {
	for k := 0; k < len(s); k++ {
		switch c := s[k]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		case c >= utf8.RuneSelf:
			return utf8.ValidString(s[k:]) && !strings.Contains(s[k:], "\u2028") && !strings.Contains(s[k:], "\u2029")
		}
	}
	return true
}
