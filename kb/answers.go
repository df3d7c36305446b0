package kb

import (
	"context"
	"time"
)

// AnswerKind says how a public answer was posted, which decides how it can
// be corrected later.
type AnswerKind string

// Kinds of public answers.
const (
	// AnswerReply is a message the bot sent itself (a reply to a DM, a
	// mention or an ask-channel message): it can be edited in place.
	AnswerReply AnswerKind = "reply"
	// AnswerInteraction is the response to a slash command: its webhook
	// cannot be edited after 15 minutes, so a correction is a new reply
	// referencing it.
	AnswerInteraction AnswerKind = "interaction"
)

// Answer is a public answer the bot posted, remembered so that a later
// change to its entry can reach it. It holds where the answer is and what it
// answered from, never what the member wrote.
type Answer struct {
	ID        int64  // set by the store
	Scope     string // the server, or GlobalScope for DMs
	ChannelID string
	MessageID string
	EntryID   string
	// Revision is what the scope served for the entry when it answered
	// (Library.Revision); the store moves it on when a correction is
	// claimed.
	Revision int64
	Kind     AnswerKind
	At       time.Time // when it was answered (set by the store)
}

// AnswerStore is the part of a Store that remembers public answers for
// corrections (see Store).
type AnswerStore interface {
	// RecordAnswer remembers a public answer. Answers older than
	// StoreOptions.AnswerRetention are forgotten, and a scope keeps at most
	// MaxAnswers (the oldest go first), enforced every PruneEvery records.
	RecordAnswer(ctx context.Context, a Answer) error
	// AnswersFor returns the remembered answers to entryID in scope ("" for
	// every scope) whose Revision is below before, oldest first, at most
	// limit of them.
	AnswersFor(ctx context.Context, scope, entryID string, before int64, limit int) ([]Answer, error)
	// MarkCorrected moves an answer from revision from to revision to, and
	// reports whether this call did it: of several processes correcting the
	// same answer at once, exactly one gets true. The one that does also
	// writes the audit record (actor CorrectionsAuthor, action "correct",
	// the entry, RevisionVersion(to), detail "KIND CHANNEL/MESSAGE") in the
	// same transaction.
	MarkCorrected(ctx context.Context, id, from, to int64) (bool, error)
}

// CorrectionsAuthor is the actor of the audit records of corrections.
const CorrectionsAuthor = "corrections"

// RevisionVersion is the version of the entry a revision (Library.Revision)
// names, in the global scope or in the server's own layer.
func RevisionVersion(rev int64) int {
	if rev >= ServedFromGlobal {
		return int(rev >> revisionShift)
	}
	return int(rev)
}

// revisionShift puts a server's own versions above every global version in
// Library.Revision.
const revisionShift = 32

// Revision returns the entry as scope serves it now (nil when it is hidden
// or unknown) and its revision there: a number that grows with every stored
// change to what the scope serves for that id. A server serves the global
// entry until it stores a version of its own, and from then on only its own,
// so the revision is the global version before that and the server's version
// shifted above every global version after. Safe for concurrent use; the
// entry and the revision come from snapshots read one after the other, so a
// change stored in between shows as a revision newer than the entry, which a
// later call corrects.
func (l *Library) Revision(scope, id string) (*Entry, int64) {
	s, own := l.snapshot(scope)
	var entry *Entry
	if e, ok := s.ix.Entry(id); ok {
		c := *e
		entry = &c
	}
	if own && scope != GlobalScope && scope != "" {
		if v := s.versions[id]; v > 0 {
			return entry, int64(v) << revisionShift
		}
	}
	return entry, int64(l.global.Load().versions[id])
}

// ServedFromGlobal is the revision below which an answer was served from the
// global entries; a change to the global scope can only affect those.
const ServedFromGlobal = int64(1) << revisionShift

// changed tells Options.OnChange which entries of scope the versions vs
// changed. The caller holds l.mu.
func (l *Library) changed(scope string, vs []Version) {
	if l.opts.OnChange == nil || len(vs) == 0 {
		return
	}
	ids := make([]string, 0, len(vs))
	seen := map[string]bool{}
	for _, v := range vs {
		if !seen[v.EntryID] {
			seen[v.EntryID] = true
			ids = append(ids, v.EntryID)
		}
	}
	l.opts.OnChange(scope, ids)
}

// newerVersions returns the versions of cur that old does not hold.
func newerVersions(old, cur []Version) []Version {
	had := make(map[string]int, len(old))
	for _, v := range old {
		had[v.EntryID] = v.Version
	}
	var out []Version
	for _, v := range cur {
		if had[v.EntryID] != v.Version {
			out = append(out, v)
		}
	}
	return out
}
