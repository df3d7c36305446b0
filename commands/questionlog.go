package commands

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
)

// questionLog writes asked questions to the store on its own goroutine, so a
// reply never waits for a disk sync. Its queue is bounded: when it is full a
// question is dropped and counted in the log rather than slowing replies.
// Safe for concurrent use.
type questionLog struct {
	records Records
	log     *slog.Logger
	queue   chan askedQuestion
	stopped chan struct{}
	closing sync.Once
}

type askedQuestion struct{ scope, question, entry, related string }

// questionQueue is how many questions may wait for the store.
const questionQueue = 4096

func newQuestionLog(records Records, log *slog.Logger) *questionLog {
	q := &questionLog{records: records, log: log, queue: make(chan askedQuestion, questionQueue), stopped: make(chan struct{})}
	go q.run()
	return q
}

func (q *questionLog) run() {
	defer close(q.stopped)
	for a := range q.queue {
		record := q.records.RecordQuestion
		entry := a.entry
		if a.related != "" {
			record, entry = q.records.RecordPartial, a.related
		}
		if err := record(context.Background(), a.scope, a.question, entry); err != nil {
			q.log.Warn("could not record a question", "err", err)
		}
	}
}

// note queues a question; entry is "" when it was declined, related the
// fact shown when it was answered in part.
func (q *questionLog) note(scope, question, entry, related string) {
	select {
	case q.queue <- askedQuestion{scope, question, entry, related}:
	default:
		q.log.Warn("question statistics queue full; one question not recorded")
	}
}

// close stops taking questions and waits until the queued ones are written
// or ctx ends. It must not race with note: call it once nothing answers.
func (q *questionLog) close(ctx context.Context) error {
	q.closing.Do(func() { close(q.queue) })
	select {
	case <-q.stopped:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("statistics not flushed: %w", ctx.Err())
	}
}
