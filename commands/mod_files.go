package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// maxImportBytes bounds a Discord import; the command line allows
// kb.MaxFileBytes.
const maxImportBytes = 1 << 20

// handleExport sends the scope's layer (for a server) or the whole global
// knowledge base (for operators) as a JSON attachment that import accepts.
func (m *Moderation) handleExport(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	var doc any
	name := "crisisbot-global.json"
	if sc == kb.GlobalScope {
		doc = m.lib.Index(kb.GlobalScope).KB()
	} else {
		vs, err := m.store.Current(ctx, sc)
		if err != nil {
			return nil, err
		}
		entries := []kb.Entry{}
		for _, v := range vs {
			if v.Entry != nil {
				entries = append(entries, *v.Entry)
			}
		}
		doc = map[string]any{"entries": entries}
		name = "crisisbot-server-" + sc + ".json"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return &bot.Reply{Ephemeral: true, Content: m.lang(req).T("mod_export_here"),
		Files: []*discordgo.File{{Name: name, ContentType: "application/json", Reader: &buf}}}, nil
}

// handleImport validates an attached knowledge-base file, with the scope's
// knowledge base it would produce, and applies it in one transaction, or
// changes nothing and lists the problems.
func (m *Moderation) handleImport(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	l := m.lang(req)
	url, size := req.Attachment("file")
	if url == "" {
		return nil, &bot.UserError{Msg: l.T("mod_err_attach_json")}
	}
	if size > maxImportBytes {
		return nil, &bot.UserError{Msg: l.T("mod_err_file_too_big", "Size", size, "Limit", maxImportBytes)}
	}
	data, err := m.send.Fetch(ctx, url, maxImportBytes)
	if err != nil {
		return nil, &bot.UserError{Msg: l.T("mod_err_download")}
	}
	ix := m.lib.Index(sc)
	parsed, err := kb.ParsePart("import", data, ix.KB().Sources)
	if err != nil {
		return nil, importProblems(l, err)
	}
	changes, _ := importChanges(ix, sc, parsed, req.UserID)
	if len(changes) == 0 {
		return &bot.Reply{Ephemeral: true, Content: l.T("mod_import_nothing")}, nil
	}
	if _, err := m.lib.Apply(ctx, changes); err != nil {
		return nil, importProblems(l, err)
	}
	m.audit(ctx, sc, m.serverLang(req).T("audit_imported", "User", req.UserID, "Count", len(changes)))
	return &bot.Reply{Ephemeral: true, Content: l.T("mod_imported", "Count", len(changes))}, nil
}

func importProblems(l i18n.Lang, err error) error {
	var verr *kb.ValidationError
	if !errors.As(err, &verr) {
		return saveError(l, err)
	}
	var lines []string
	for i, p := range verr.Problems {
		if i == 10 {
			lines = append(lines, l.T("and_more", "Count", len(verr.Problems)-10))
			break
		}
		where := p.Field
		if p.Entry != "" {
			where = p.Entry + ": " + where
		}
		lines = append(lines, "• "+bot.Escape(strings.TrimPrefix(where+": "+p.Msg, ": ")))
	}
	return &bot.UserError{Msg: l.T("mod_err_import_problems", "Count", len(verr.Problems)) + "\n" + strings.Join(lines, "\n")}
}
