package commands

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"crisisbot/kb"
)

// questionLog writes asked questions to the store on its own goroutine, so a
// reply never waits for a disk sync. It writes in batches, one transaction
// each: a batch is written questionLinger after its first question (or at
// once when full, or on close), so the store syncs a few times a second
// however many questions arrive. Its queue is bounded: when it is full a
// question is dropped and counted (and the count logged with the next
// batch) rather than slowing replies. Safe for concurrent use.
type questionLog struct {
	records Records
	log     *slog.Logger
	linger  time.Duration // how long a batch waits for more questions
	queue   chan kb.Question
	stopped chan struct{}
	closing sync.Once
	dropped atomic.Int64 // questions not recorded because the queue was full
}

// Bounds of the question log.
const (
	questionQueue  = 4096                   // questions that may wait for the store
	questionBatch  = 1024                   // questions written in one transaction at most
	questionLinger = 100 * time.Millisecond // how long a batch waits for more
)

// newQuestionLog starts a question log; linger is how long a batch waits
// for more questions (0: it takes only what is queued already).
func newQuestionLog(records Records, log *slog.Logger, linger time.Duration) *questionLog {
	q := &questionLog{records: records, log: log, linger: linger, queue: make(chan kb.Question, questionQueue), stopped: make(chan struct{})}
	go q.run()
	return q
}

func (q *questionLog) run() {
	defer close(q.stopped)
	batch := make([]kb.Question, 0, questionBatch)
	var reported int64
	for first := range q.queue {
		batch = q.fill(append(batch[:0], first))
		if err := q.records.RecordQuestions(context.Background(), batch); err != nil {
			q.log.Warn("could not record questions", "questions", len(batch), "err", err)
		}
		if d := q.dropped.Load(); d != reported {
			q.log.Warn("question statistics queue full; questions not recorded", "since_last_report", d-reported, "total", d)
			reported = d
		}
	}
}

// fill adds queued questions to batch until it is full, the linger has
// passed, or the queue is closed.
func (q *questionLog) fill(batch []kb.Question) []kb.Question {
	var timeout <-chan time.Time
	if q.linger > 0 {
		t := time.NewTimer(q.linger)
		defer t.Stop()
		timeout = t.C
	}
	for len(batch) < questionBatch {
		select {
		case a, ok := <-q.queue:
			if !ok {
				return batch
			}
			batch = append(batch, a)
			continue
		default:
		}
		if timeout == nil {
			return batch
		}
		select {
		case a, ok := <-q.queue:
			if !ok {
				return batch
			}
			batch = append(batch, a)
		case <-timeout:
			return batch
		}
	}
	return batch
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
