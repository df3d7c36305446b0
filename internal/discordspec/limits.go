package discordspec

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// checkLimits applies the documented limits (Discord's API docs) that are
// stricter than the spec, and the bot's own rule that every message carries
// allowed_mentions with an empty parse.
func checkLimits(tmpl string, body any) error {
	m, ok := body.(map[string]any)
	if !ok {
		return nil
	}
	if strings.HasSuffix(tmpl, "/callback") {
		t, _ := m["type"].(float64)
		d, _ := m["data"].(map[string]any)
		switch int(t) {
		case 4, 7:
			return message(d)
		case 8:
			return choices(d)
		}
		return nil
	}
	if strings.Contains(tmpl, "/messages") || strings.HasPrefix(tmpl, "/webhooks/") {
		return message(m)
	}
	return nil
}

func runes(v any) int {
	s, _ := v.(string)
	return utf8.RuneCountInString(s)
}

func message(m map[string]any) error {
	if m == nil {
		return fmt.Errorf("message without data")
	}
	am, ok := m["allowed_mentions"].(map[string]any)
	if !ok {
		return fmt.Errorf("no allowed_mentions")
	}
	if p, ok := am["parse"].([]any); !ok || len(p) != 0 {
		return fmt.Errorf("allowed_mentions.parse is not empty: %v", am["parse"])
	}
	if ru, _ := am["replied_user"].(bool); ru {
		return fmt.Errorf("allowed_mentions.replied_user pings the author")
	}
	if n := runes(m["content"]); n > 2000 {
		return fmt.Errorf("content is %d characters (docs: 2000)", n)
	}
	embeds, _ := m["embeds"].([]any)
	if len(embeds) > 10 {
		return fmt.Errorf("%d embeds", len(embeds))
	}
	total := 0
	for _, x := range embeds {
		e, _ := x.(map[string]any)
		for k, lim := range map[string]int{"title": 256, "description": 4096} {
			if n := runes(e[k]); n > lim {
				return fmt.Errorf("embed %s is %d characters (limit %d)", k, n, lim)
			}
			total += runes(e[k])
		}
		fields, _ := e["fields"].([]any)
		if len(fields) > 25 {
			return fmt.Errorf("%d embed fields", len(fields))
		}
		for _, y := range fields {
			f, _ := y.(map[string]any)
			if runes(f["name"]) > 256 || runes(f["value"]) > 1024 {
				return fmt.Errorf("embed field over 256/1024 characters")
			}
			total += runes(f["name"]) + runes(f["value"])
		}
		if ft, ok := e["footer"].(map[string]any); ok {
			if runes(ft["text"]) > 2048 {
				return fmt.Errorf("footer over 2048 characters")
			}
			total += runes(ft["text"])
		}
	}
	if total > 6000 {
		return fmt.Errorf("embeds total %d characters (limit 6000)", total)
	}
	rows, _ := m["components"].([]any)
	if len(rows) > 5 {
		return fmt.Errorf("%d action rows", len(rows))
	}
	ids := map[string]bool{}
	for _, x := range rows {
		row, _ := x.(map[string]any)
		cs, _ := row["components"].([]any)
		if len(cs) > 5 {
			return fmt.Errorf("%d components in a row", len(cs))
		}
		for _, y := range cs {
			c, _ := y.(map[string]any)
			id, _ := c["custom_id"].(string)
			if n := utf8.RuneCountInString(id); n > 100 || (n == 0 && c["style"] != float64(5)) {
				return fmt.Errorf("custom_id of %d characters", n)
			}
			if ids[id] {
				return fmt.Errorf("custom_id %q used twice in one message", id)
			}
			ids[id] = true
			if runes(c["label"]) > 80 {
				return fmt.Errorf("button label over 80 characters")
			}
			opts, _ := c["options"].([]any)
			if len(opts) > 25 {
				return fmt.Errorf("%d select options", len(opts))
			}
		}
	}
	return nil
}

func choices(d map[string]any) error {
	cs, _ := d["choices"].([]any)
	if len(cs) > 25 {
		return fmt.Errorf("%d autocomplete choices", len(cs))
	}
	for _, x := range cs {
		c, _ := x.(map[string]any)
		if n := runes(c["name"]); n < 1 || n > 100 {
			return fmt.Errorf("choice name of %d characters", n)
		}
		if n := runes(c["value"]); n > 100 {
			return fmt.Errorf("choice value of %d characters", n)
		}
	}
	return nil
}
