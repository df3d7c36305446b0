package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/kb"
)

const (
	settingAuditChannel = "audit_channel"
	maxImportBytes      = 1 << 20 // a Discord import; the command line allows kb.MaxFileBytes
)

// export sends the scope's layer (for a server) or the whole global
// knowledge base (for operators) as a JSON attachment that import accepts.
func (s *Service) export(ctx context.Context, sc string) (*bot.Reply, error) {
	var doc any
	name := "crisisbot-global.json"
	if sc == kb.GlobalScope {
		doc = s.mod.Library.Index(kb.GlobalScope).KB()
	} else {
		vs, err := s.mod.Library.Store().Current(ctx, sc)
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
	return &bot.Reply{Ephemeral: true, Content: "Here is the knowledge base. `/kb import` takes this file back.",
		Files: []*discordgo.File{{Name: name, ContentType: "application/json", Reader: &buf}}}, nil
}

// importFile validates an attached knowledge-base file completely and applies
// it in one transaction, or changes nothing and lists the problems.
func (s *Service) importFile(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	url, size := req.Attachment("file")
	if url == "" {
		return nil, bot.Userf("Attach a JSON file exported by `/kb export` or `crisisbot kb export`.")
	}
	if size > maxImportBytes {
		return nil, bot.Userf("That file is %d bytes; the limit is %d. Nothing was imported.", size, maxImportBytes)
	}
	if s.mod.Fetch == nil {
		return nil, errors.New("import: no downloader wired")
	}
	data, err := s.mod.Fetch(ctx, url, maxImportBytes)
	if err != nil {
		return nil, bot.Userf("I couldn't read that file (%s). Nothing was imported.", bot.Escape(err.Error()))
	}
	ix := s.mod.Library.Index(sc)
	parsed, err := kb.Parse("import", data, ix.KB().Sources)
	if err != nil {
		return nil, importProblems(err)
	}
	changes, _ := importChanges(ix, sc, parsed, req.UserID)
	if len(changes) == 0 {
		return &bot.Reply{Ephemeral: true, Content: "Nothing to import: every entry in the file is already current."}, nil
	}
	if _, err := s.mod.Library.Apply(ctx, changes); err != nil {
		return nil, importProblems(err)
	}
	s.auditPost(ctx, sc, fmt.Sprintf("📥 <@%s> imported %d entries.", req.UserID, len(changes)))
	return &bot.Reply{Ephemeral: true, Content: fmt.Sprintf("Imported %d entries in one go. They answer from now on.", len(changes))}, nil
}

func importProblems(err error) error {
	var verr *kb.ValidationError
	if !errors.As(err, &verr) {
		return saveError(err)
	}
	var lines []string
	for i, p := range verr.Problems {
		if i == 10 {
			lines = append(lines, fmt.Sprintf("…and %d more.", len(verr.Problems)-10))
			break
		}
		where := p.Field
		if p.Entry != "" {
			where = p.Entry + ": " + where
		}
		lines = append(lines, "• "+bot.Escape(strings.TrimPrefix(where+": "+p.Msg, ": ")))
	}
	return bot.Userf("Nothing was imported. %d problem(s):\n%s", len(verr.Problems), strings.Join(lines, "\n"))
}

// auditChannel sets the channel where this server's changes are posted.
func (s *Service) auditChannel(ctx context.Context, req *bot.Request, sc string) (*bot.Reply, error) {
	if sc == kb.GlobalScope {
		return nil, bot.Userf("The audit channel belongs to a server.")
	}
	ch := req.Channel("channel")
	if err := s.mod.Library.Store().SetSetting(ctx, sc, settingAuditChannel, ch, req.UserID); err != nil {
		return nil, err
	}
	if ch == "" {
		return &bot.Reply{Ephemeral: true, Content: "Changes are no longer posted to a channel (they are still in the audit log)."}, nil
	}
	s.auditPost(ctx, sc, fmt.Sprintf("🛈 <@%s> chose this channel for CrisisBot's moderation log.", req.UserID))
	return &bot.Reply{Ephemeral: true, Content: "Every change to this server's answers will be posted in <#" + ch + ">."}, nil
}

// auditPost posts a change to the server's audit channel, if it has one. The
// audit log in the store is the record; a failed post is only logged.
func (s *Service) auditPost(ctx context.Context, sc, text string) {
	if s.mod.Post == nil || sc == kb.GlobalScope {
		return
	}
	ch, err := s.mod.Library.Store().Setting(ctx, sc, settingAuditChannel)
	if err != nil || ch == "" {
		return
	}
	if err := s.mod.Post(ctx, ch, &bot.Reply{Content: text}); err != nil {
		s.log.Warn("could not post to the audit channel", "err", err, "channel", ch)
	}
}
