package commands

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"crisisbot/kb"
)

// questionLog writes asked questions to the store on its own goroutine, so a
// reply never waits for a disk sync. It writes in batches: whatever queued
// while the previous batch was being written goes in the next one, one
// transaction each, so under load the store syncs once for many questions
// and when idle each question is written at once. Its queue is bounded: when
// it is full a question is dropped and counted (and the count logged with the
// next batch) rather than slowing replies. Safe for concurrent use.
type questionLog struct {
	records Records
	log     *slog.Logger
	queue   chan kb.Question
	stopped chan struct{}
	closing sync.Once
	dropped atomic.Int64 // questions not recorded because the queue was full
}

// Bounds of the question log.
const (
	questionQueue = 4096 // questions that may wait for the store
	questionBatch = 1024 // questions written in one transaction at most
)

func newQuestionLog(records Records, log *slog.Logger) *questionLog {
	q := &questionLog{records: records, log: log, queue: make(chan kb.Question, questionQueue), stopped: make(chan struct{})}
	go q.run()
	return q
}

func (q *questionLog) run() {
	defer close(q.stopped)
	batch := make([]kb.Question, 0, questionBatch)
	var reported int64
	for first := range q.queue {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < questionBatch {
			select {
			case a, ok := <-q.queue:
				if !ok {
					break fill
				}
				batch = append(batch, a)
			default:
				break fill
			}
		}
		if err := q.records.RecordQuestions(context.Background(), batch); err != nil {
			q.log.Warn("could not record questions", "questions", len(batch), "err", err)
		}
		if d := q.dropped.Load(); d != reported {
			q.log.Warn("question statistics queue full; questions not recorded", "since_last_report", d-reported, "total", d)
			reported = d
		}
	}
}

// note queues a question; entry is "" when it was declined, related the
// fact shown when it was answered in part.
func (q *questionLog) note(scope, question, entry, related string) {
	select {
	case q.queue <- kb.Question{Scope: scope, Question: question, EntryID: entry, RelatedID: related}:
	default:
		q.dropped.Add(1)
	}
}

// close stops taking questions and waits until the queued ones are written
// or ctx ends. It must not race with note: call it once nothing answers.
// The dropped ones, if any, are logged before it returns.
func (q *questionLog) close(ctx context.Context) error {
	q.closing.Do(func() { close(q.queue) })
	select {
	case <-q.stopped:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("statistics not flushed: %w", ctx.Err())
	}
}
