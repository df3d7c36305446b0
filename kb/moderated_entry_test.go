package kb_test

import (
	"context"
	"path/filepath"
	"testing"

	"crisisbot/kb"
	"crisisbot/kb/sqlite"
)

// TestLibrary_ModeratorEntryAnswered: an entry a moderator added, quoting a
// source they added, is answered when asked in its own words, although its
// attribution is the outlet and the source's names (Ryabkov, Geneva) are
// proper names to the matcher: the speaker it names in its question counts.
func TestLibrary_ModeratorEntryAnswered(t *testing.T) {
	ctx := context.Background()
	k, _ := kb.Default()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(ctx) })
	lib, err := kb.OpenLibrary(ctx, st, k, kb.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := lib.AddSource(ctx, "g1", kb.Source{Title: "Russia, U.S. talks end without a breakthrough", Outlet: "Reuters", URL: "https://www.reuters.com/x", Published: "2022-01-10",
		Text: "Russia, U.S. talks end without a breakthrough\nGENEVA, Jan 10 (Reuters) - Deputy Foreign Minister Sergei Ryabkov said Moscow had no plans to attack Ukraine.\nU.S. Deputy Secretary of State Wendy Sherman called the talks a frank and forthright discussion."}, "u")
	if err != nil {
		t.Fatal(err)
	}
	e := kb.Entry{ID: "what-did-ryabkov-say-after-the-geneva-talks", Topic: "Added by moderators", Question: "What did Ryabkov say after the Geneva talks?", Answer: "According to Reuters, Ryabkov said Moscow had no plans to attack Ukraine.",
		Citations: []kb.Citation{{SourceID: sv.SourceID, Quote: "Sergei Ryabkov said Moscow had no plans to attack Ukraine"}}, AsOf: "2022-01-10", AttributedTo: "Reuters"}
	if _, err := lib.Apply(ctx, []kb.Change{{Scope: "g1", EntryID: e.ID, Entry: &e, Action: kb.ActionAdd, Author: "u"}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"What did Ryabkov say after the Geneva talks?", "What did Ryabkov say?", "ryabkov", "what did ryabkov say after the talks"} {
		r, err := lib.Index("g1").Ask(q)
		if err != nil || !r.Answered || r.Entry.ID != e.ID {
			t.Errorf("%q: answered %v (confidence %.2f, err %v)", q, r.Answered, r.Confidence, err)
		}
	}
}
