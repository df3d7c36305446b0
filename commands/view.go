package commands

import (
	"math"
	"time"

	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// AnswerView is the answer to one question in the shape `crisisbot ask
// --json` prints.
type AnswerView struct {
	Question   string     `json:"question"`
	Answered   bool       `json:"answered"`
	Confidence float64    `json:"confidence"`
	Entry      *EntryView `json:"entry,omitempty"`
	// Related and Reason make a partial answer: the question is not
	// answered (Answered is false), Reason says what the source does not
	// say, and Related is the closest sourced fact on the topic.
	Related     *EntryView       `json:"related,omitempty"`
	Reason      string           `json:"reason,omitempty"`
	Suggestions []SuggestionView `json:"suggestions"`
}

// EntryView is an answer with its citations resolved.
type EntryView struct {
	ID           string            `json:"id"`
	Topic        string            `json:"topic"`
	Question     string            `json:"question"`
	Answer       string            `json:"answer"`
	AsOf         string            `json:"as_of"`
	AttributedTo string            `json:"attributed_to"`
	Citations    []kb.SourcedQuote `json:"citations"`
}

// SuggestionView is an entry offered instead of an answer.
type SuggestionView struct {
	ID       string `json:"id"`
	Question string `json:"question"`
}

// NewAnswerView renders a matcher result from the knowledge base it came from.
func NewAnswerView(k *kb.KB, res kb.Result) AnswerView {
	v := AnswerView{
		Question:    res.Question,
		Answered:    res.Answered,
		Confidence:  math.Round(res.Confidence*1000) / 1000,
		Suggestions: []SuggestionView{},
	}
	if res.Entry != nil {
		v.Entry = NewEntryView(k, res.Entry)
	}
	if res.Related != nil {
		v.Related, v.Reason = NewEntryView(k, res.Related), res.Reason
	}
	for _, s := range res.Suggestions {
		v.Suggestions = append(v.Suggestions, SuggestionView{ID: s.ID, Question: s.Question})
	}
	return v
}

// NewEntryView resolves an entry's citations.
func NewEntryView(k *kb.KB, e *kb.Entry) *EntryView {
	return &EntryView{
		ID: e.ID, Topic: e.Topic, Question: e.Question, Answer: e.Answer,
		AsOf: e.AsOf, AttributedTo: e.AttributedTo, Citations: k.Quotes(e),
	}
}

// HumanDate turns 2022-01-10 into "10 January 2022"; other text is returned
// unchanged.
func HumanDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("2 January 2006")
}

// monthIDs are the message ids of the months' names, January first.
var monthIDs = [12]string{"month_january", "month_february", "month_march", "month_april", "month_may", "month_june",
	"month_july", "month_august", "month_september", "month_october", "month_november", "month_december"}

// dateIn is HumanDate in l: 2022-01-10 is "10 January 2022" in English and
// "10 січня 2022" in Ukrainian; other text is returned unchanged.
func dateIn(l i18n.Lang, s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return l.T("date", "Day", t.Day(), "Month", l.T(monthIDs[t.Month()-1]), "Year", t.Year())
}
