package commands

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"crisisbot/bot"
	"crisisbot/kb"
)

// TestAsk_NoLogLinePerQuestionAtInfo: as the README says, a question gets a
// log line only at LOG_LEVEL=debug ("handled", with its outcome). At info a
// bot answering thousands of questions a second writes none for them,
// whether answered, answered in part or declined.
func TestAsk_NoLogLinePerQuestionAtInfo(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	questions := map[string]string{
		"answered":   "how many russian troops are near the ukrainian border?",
		"partial":    "how many Ukrainian troops are at the border",
		"declined":   "who won the world cup",
		"too long":   strings.Repeat("troops ", kb.MaxQuestionRunes),
		"only noise": "@everyone ​",
	}
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: level}))
		svc := NewService(Fixed{Live: kb.NewLive(kb.NewIndex(k, kb.Options{}))}, Options{RateQuestions: 100, Logger: log,
			Now: func() time.Time { return time.Date(2022, 1, 10, 12, 0, 0, 0, time.UTC) }})
		router := bot.NewRouter(log, nil)
		svc.Routes(router)
		for name, q := range questions {
			rec := &recorder{}
			router.HandleInteraction(context.Background(), rec, payload(t, "slash_ask", question(q)))
			if len(rec.responses) != 1 {
				t.Fatalf("%s: %d responses", name, len(rec.responses))
			}
		}
		svc.Close(context.Background())
		switch lines := strings.Count(logs.String(), "\n"); {
		case level == slog.LevelInfo && lines != 0:
			t.Errorf("at info, %d log lines for %d questions:\n%s", lines, len(questions), logs.String())
		case level == slog.LevelDebug && strings.Count(logs.String(), "msg=handled") != len(questions):
			t.Errorf("at debug, not one handled line per question:\n%s", logs.String())
		}
	}
}
