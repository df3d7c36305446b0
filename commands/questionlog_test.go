package commands

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"crisisbot/kb"
)

// batchRecords is a hand-written Records that keeps each RecordQuestions
// batch and, while hold is open, holds the first batch until release is
// closed.
type batchRecords struct {
	memRecords
	mu      sync.Mutex
	batches [][]kb.Question
	holding chan struct{} // closed when the first batch is being written
	release chan struct{}
	once    sync.Once
	sizes   chan int // each batch's size, as it is written
}

func newBatchRecords() *batchRecords {
	return &batchRecords{holding: make(chan struct{}), release: make(chan struct{}), sizes: make(chan int, 100)}
}

func (b *batchRecords) RecordQuestions(_ context.Context, qs []kb.Question) error {
	b.once.Do(func() {
		close(b.holding)
		<-b.release
	})
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batches = append(b.batches, append([]kb.Question(nil), qs...))
	select {
	case b.sizes <- len(qs):
	default:
	}
	return nil
}

func (b *batchRecords) recorded() (batches, questions int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, bt := range b.batches {
		questions += len(bt)
	}
	return len(b.batches), questions
}

func TestQuestionLog(t *testing.T) {
	t.Run("Batches", func(t *testing.T) {
		recs := newBatchRecords()
		q := newQuestionLog(recs, slog.New(slog.DiscardHandler), 0)
		q.note("g1", "first", "", "")
		<-recs.holding // the writer is busy with the first question
		for i := range 100 {
			q.note("g1", fmt.Sprint("q", i), "who-is-peskov", "")
		}
		q.note("g2", "partly", "", "osce-summit")
		close(recs.release)
		if err := q.close(context.Background()); err != nil {
			t.Fatal(err)
		}
		recs.mu.Lock()
		defer recs.mu.Unlock()
		if len(recs.batches) != 2 || len(recs.batches[0]) != 1 || len(recs.batches[1]) != 101 {
			t.Fatalf("%d batches, want the first question alone and the 101 queued meanwhile in one", len(recs.batches))
		}
		last := recs.batches[1][100]
		if last != (kb.Question{Scope: "g2", Question: "partly", RelatedID: "osce-summit"}) || recs.batches[1][0].EntryID != "who-is-peskov" {
			t.Fatalf("questions changed on the way: %+v, %+v", recs.batches[1][0], last)
		}
	})
	t.Run("FullQueueDropsAndCounts", func(t *testing.T) {
		recs := newBatchRecords()
		var logs bytes.Buffer
		q := newQuestionLog(recs, slog.New(slog.NewTextHandler(&logs, nil)), 0)
		q.note("g1", "first", "", "")
		<-recs.holding
		const extra = 25
		for i := range questionQueue + extra {
			q.note("g1", fmt.Sprint("q", i), "", "")
		}
		if d := q.dropped.Load(); d != extra {
			t.Fatalf("dropped %d, want %d", d, extra)
		}
		close(recs.release)
		if err := q.close(context.Background()); err != nil {
			t.Fatal(err)
		}
		batches, n := recs.recorded()
		if n != 1+questionQueue || batches != 1+questionQueue/questionBatch {
			t.Fatalf("%d questions in %d batches, want %d in %d", n, batches, 1+questionQueue, 1+questionQueue/questionBatch)
		}
		if !strings.Contains(logs.String(), "questions not recorded") || !strings.Contains(logs.String(), fmt.Sprint("total=", extra)) {
			t.Fatalf("the drops were not logged:\n%s", logs.String())
		}
	})
	t.Run("Lingers", func(t *testing.T) {
		recs := newBatchRecords()
		close(recs.release)
		q := newQuestionLog(recs, slog.New(slog.DiscardHandler), time.Hour)
		for i := range questionBatch + 3 {
			q.note("g1", fmt.Sprint("q", i), "", "")
		}
		// A full batch is written at once, without waiting for the linger.
		select {
		case n := <-recs.sizes:
			if n != questionBatch {
				t.Fatalf("a batch of %d, want %d", n, questionBatch)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a full batch was not written")
		}
		// The rest waits for more questions, until close writes it.
		select {
		case n := <-recs.sizes:
			t.Fatalf("a batch of %d written before the linger or close", n)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.close(ctx); err != nil {
			t.Fatalf("close waited for the linger: %v", err)
		}
		if batches, n := recs.recorded(); batches != 2 || n != questionBatch+3 {
			t.Fatalf("%d questions in %d batches, want %d in 2", n, batches, questionBatch+3)
		}
	})
	t.Run("CloseTimesOut", func(t *testing.T) {
		recs := newBatchRecords()
		q := newQuestionLog(recs, slog.New(slog.DiscardHandler), 0)
		q.note("g1", "first", "", "")
		<-recs.holding
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := q.close(ctx); err == nil {
			t.Fatal("close returned while a batch was still being written")
		}
		close(recs.release)
		<-q.stopped
	})
}
