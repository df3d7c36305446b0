package kb

import (
	"context"
	"errors"
	"time"
)

// GlobalScope is the scope of the curated knowledge base that every server
// and every DM sees. Any other scope is a server (guild) id, whose layer sits
// on top of the global entries for that server only.
const GlobalScope = "global"

// Action says what a version did.
type Action string

// Actions recorded in an entry's history.
const (
	ActionSeed   Action = "seed"   // shipped in the binary
	ActionAdd    Action = "add"    // a new entry
	ActionEdit   Action = "edit"   // a changed entry (or a server's override of a global one)
	ActionRemove Action = "remove" // hidden from the scope; nothing is deleted
	ActionRevert Action = "revert" // an earlier version restored
)

// CuratedAuthor is the author of versions that come from the binary.
const CuratedAuthor = "curated"

// Version is one stored state of an entry in a scope. Entry is nil for a
// removal.
type Version struct {
	Scope   string    `json:"scope"`
	EntryID string    `json:"entry_id"`
	Version int       `json:"version"`
	Action  Action    `json:"action"`
	Entry   *Entry    `json:"entry,omitempty"`
	Author  string    `json:"author"`
	At      time.Time `json:"at"`
}

// Change is one edit to apply. Base is the version the editor started from
// (0 for an entry that does not exist yet in the scope); a store refuses the
// change with ErrConflict when the entry has moved on since.
type Change struct {
	Scope   string
	EntryID string
	Entry   *Entry // nil to remove
	Action  Action
	Author  string
	Base    int
}

// Errors a Store returns; messages are safe to show.
var (
	ErrConflict = errors.New("this entry changed since you opened it")
	ErrNotFound = errors.New("no such entry or version")
	// ErrReadOnly is wrapped by a store that cannot write: a read-only
	// file, folder or file system. Restarting does not help.
	ErrReadOnly = errors.New("the knowledge-base database cannot be written")
	// ErrUnavailable is wrapped by a store whose database server cannot be
	// reached (stopped, restarting, unreachable). Answers keep coming from
	// memory; writes fail until it is back.
	ErrUnavailable = errors.New("moderation is unavailable right now: the database cannot be reached")
)

// StoreOptions are the settings every Store takes. The zero value means the
// defaults.
type StoreOptions struct {
	// Now is the store's clock. Default time.Now.
	Now func() time.Time
	// QuestionRetention is how long a declined question is kept after it
	// was last asked. Default 90 days.
	QuestionRetention time.Duration
	// MaxQuestions is how many distinct declined questions a scope keeps;
	// past it the least asked, then the oldest, are dropped. Default 10,000.
	MaxQuestions int
	// PruneEvery is how many declined questions a scope records between
	// enforcements of the two limits above (and how many public answers,
	// for the two limits below). Default 100.
	PruneEvery int
	// AnswerRetention is how long a public answer is remembered for
	// corrections. Default 7 days.
	AnswerRetention time.Duration
	// MaxAnswers is how many public answers a scope remembers; past it the
	// oldest are forgotten. Default 10,000.
	MaxAnswers int
}

// WithDefaults returns o with every zero field set to its default.
func (o StoreOptions) WithDefaults() StoreOptions {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.QuestionRetention == 0 {
		o.QuestionRetention = 90 * 24 * time.Hour
	}
	if o.MaxQuestions == 0 {
		o.MaxQuestions = 10_000
	}
	if o.PruneEvery == 0 {
		o.PruneEvery = 100
	}
	if o.AnswerRetention == 0 {
		o.AnswerRetention = 7 * 24 * time.Hour
	}
	if o.MaxAnswers == 0 {
		o.MaxAnswers = 10_000
	}
	return o
}

// Store keeps every version of every entry in every scope, and the
// moderation data around them. Nothing is ever deleted: a removal is a
// version too. Implementations are safe for concurrent use; Apply is atomic
// (all changes or none) and durable once it returns.
type Store interface {
	// Current returns the latest version of each entry in scope, removals
	// included, ordered by first appearance.
	Current(ctx context.Context, scope string) ([]Version, error)
	// Scopes lists the scopes that have any version, GlobalScope included.
	Scopes(ctx context.Context) ([]string, error)
	// Apply stores the changes in one transaction and returns the new versions.
	Apply(ctx context.Context, changes []Change) ([]Version, error)
	// History returns every version of an entry in a scope, oldest first.
	History(ctx context.Context, scope, entryID string) ([]Version, error)
	// Setting and SetSetting keep per-scope settings (moderator roles, audit
	// channel); SetSetting is audited.
	Setting(ctx context.Context, scope, key string) (string, error)
	SetSetting(ctx context.Context, scope, key, value, author string) error
	// Audit returns the newest audit records of a scope, newest first.
	Audit(ctx context.Context, scope string, limit int) ([]AuditRecord, error)
	// RecordQuestion counts a question; entryID is "" when it was declined.
	RecordQuestion(ctx context.Context, scope, question, entryID string) error
	// RecordQuestions counts a batch of questions in one transaction (all
	// or none), each as RecordQuestion, or as RecordPartial when it has a
	// RelatedID: one disk sync for many questions.
	RecordQuestions(ctx context.Context, qs []Question) error
	// RecordPartial counts a question answered in part (not in the source;
	// relatedID, the closest sourced fact, was shown instead): it is kept
	// with the declined questions, since it was not answered, and counted
	// as partial in Daily.
	RecordPartial(ctx context.Context, scope, question, relatedID string) error
	// Unanswered returns the most-asked declined questions (normalised),
	// most asked first, then newest. Questions older than the retention
	// are not returned; the store keeps at most MaxQuestions per scope
	// (see StoreOptions), enforced every PruneEvery records.
	Unanswered(ctx context.Context, scope string, limit int) ([]Unanswered, error)
	// Vote records one user's 👍 (up) or 👎 on an entry, replacing an earlier vote.
	Vote(ctx context.Context, scope, entryID, user string, up bool) error
	// Stats summarises questions and feedback in a scope.
	Stats(ctx context.Context, scope string) (Stats, error)
	// RecordPick counts a member's confirmation that question is answered by
	// entryID: they picked that suggestion after a decline, or voted 👍 on
	// that answer. Nothing is learned from it until a moderator adds the
	// question as a phrasing. A scope keeps at most MaxQuestions picks.
	RecordPick(ctx context.Context, scope, question, entryID string) error
	// Picks returns a scope's confirmed (question, entry) pairs, most
	// confirmed first, then newest; older than the question retention are
	// not returned.
	Picks(ctx context.Context, scope string, limit int) ([]Pick, error)
	// DropPick forgets a pair (a moderator added it, or dismissed it).
	DropPick(ctx context.Context, scope, question, entryID string) error
	// Changes returns the scopes that have versions stored after the mark
	// since, and the mark to pass next time. Marks are the store's own,
	// only grow, and 0 means the beginning. Changes sees the writes of every
	// process sharing the store and is cheap when nothing changed.
	Changes(ctx context.Context, since int64) (scopes []string, mark int64, err error)
	// AnswerStore remembers the public answers the bot posted, so that
	// corrections reach them.
	AnswerStore
	// Daily returns a scope's figures per day (UTC) from since's day on,
	// oldest first; days without questions or votes are left out.
	Daily(ctx context.Context, scope string, since time.Time) ([]Day, error)
	// Close flushes and closes the store.
	Close(ctx context.Context) error
	// SourceStore keeps the source documents moderators add.
	SourceStore
}

// AuditRecord is one change, as the audit log keeps it.
type AuditRecord struct {
	Scope   string    `json:"scope"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	EntryID string    `json:"entry_id,omitempty"`
	Version int       `json:"version,omitempty"`
	Detail  string    `json:"detail,omitempty"`
	At      time.Time `json:"at"`
}

// Question is one asked question, as RecordQuestions counts it.
type Question struct {
	Scope    string
	Question string
	EntryID  string // the entry that answered it; "" when declined or answered in part
	// RelatedID is, for a question answered in part, the closest sourced
	// fact shown instead (EntryID is then ""); "" otherwise.
	RelatedID string
}

// Declined reports whether q was not answered by an entry: declined, or
// answered in part. Stores keep such questions' text, and count the others
// per entry.
func (q Question) Declined() bool { return q.EntryID == "" || q.RelatedID != "" }

// QuestionCount is one row a store adds to or counts up: a declined (or
// partly answered) question by its normalised text, or an answered one per
// entry (Question is then ""), asked Count times in a batch.
type QuestionCount struct {
	Scope, Question, EntryID string
	Count                    int
}

// CountQuestions folds a batch of questions into the rows a store counts,
// in the order they were first asked, so that a question asked many times
// in a batch is one write; normalize is the store's normalisation of a
// question's text. It also counts per scope the declined questions (those
// answered in part included) and those answered in part.
func CountQuestions(qs []Question, normalize func(string) string) (rows []QuestionCount, declined, partial map[string]int) {
	declined, partial = map[string]int{}, map[string]int{}
	at := map[QuestionCount]int{} // the row with Count 0 -> its index in rows
	for _, q := range qs {
		key := QuestionCount{Scope: q.Scope, EntryID: q.EntryID}
		if q.Declined() {
			key = QuestionCount{Scope: q.Scope, Question: normalize(q.Question)}
			declined[q.Scope]++
		}
		if q.RelatedID != "" {
			partial[q.Scope]++
		}
		i, ok := at[key]
		if !ok {
			i = len(rows)
			at[key] = i
			rows = append(rows, key)
		}
		rows[i].Count++
	}
	return rows, declined, partial
}

// Unanswered is a declined question and how often it was asked.
type Unanswered struct {
	Question string
	Count    int
	Last     time.Time
}

// Pick is a question members confirmed an entry answers, and how often.
type Pick struct {
	Question string // normalised as questions are
	EntryID  string
	Count    int
	Last     time.Time
}

// EntryStats is one entry's use and feedback.
type EntryStats struct {
	EntryID  string
	Answers  int
	Up, Down int
}

// Stats summarises a scope.
type Stats struct {
	Asked, Answered int
	Entries         []EntryStats // most answered first
}

// Layer applies versions on top of base entries: a version with an entry
// replaces the base entry of the same id or is appended; a removal hides it.
// base is not modified.
func Layer(base []Entry, layer []Version) []Entry {
	out := make([]Entry, 0, len(base)+len(layer))
	pos := map[string]int{}
	for _, e := range base {
		pos[e.ID] = len(out)
		out = append(out, e)
	}
	removed := map[string]bool{}
	for _, v := range layer {
		if v.Entry == nil {
			removed[v.EntryID] = true
			continue
		}
		delete(removed, v.EntryID)
		if i, ok := pos[v.EntryID]; ok {
			out[i] = *v.Entry
			continue
		}
		pos[v.EntryID] = len(out)
		out = append(out, *v.Entry)
	}
	if len(removed) == 0 {
		return out
	}
	kept := out[:0]
	for _, e := range out {
		if !removed[e.ID] {
			kept = append(kept, e)
		}
	}
	// Related ids may point at hidden entries; drop those links.
	for i := range kept {
		var rel []string
		for _, r := range kept[i].Related {
			if !removed[r] {
				rel = append(rel, r)
			}
		}
		kept[i].Related = rel
	}
	return kept
}

func normalizedTexts(sources []Source) map[string]string {
	texts := make(map[string]string, len(sources))
	for _, s := range sources {
		texts[s.ID] = NormalizeQuote(s.Text)
	}
	return texts
}

// validate checks a whole knowledge base as Parse does, for knowledge bases
// built in memory (a moderator's edit applied to the current entries), with
// the sources' normalised texts already computed. With changed set, quotes
// are checked against their sources only for the entries it names (the
// others were checked when they were stored, and the check is the costly
// part), and only the changed entries' fields are checked in full;
// ids, shared phrasings and related ids are checked across all entries.
// keys, when not nil, memoises phrase keys between calls (not safe for
// concurrent use).
func validate(name string, k *KB, changed map[string]bool, texts, keys map[string]string) error {
	v := validator{file: name, quotesOf: changed, keys: keys}
	v.entries(k.Entries, texts)
	if len(v.problems) > 0 {
		return v.err()
	}
	return nil
}

// validateStored checks the entries a scope stored (named in own) as they
// are served in k, each on its own: fields, lengths and quotes, but not
// clashes with other entries, which a newer binary's curated entries may
// have brought in and which must not take a server's layer down.
func validateStored(name string, k *KB, own map[string]bool, texts map[string]string) error {
	v := validator{file: name, quotesOf: own, ownOnly: true}
	v.entries(k.Entries, texts)
	if len(v.problems) > 0 {
		return v.err()
	}
	return nil
}
