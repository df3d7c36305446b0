package kb

import (
	"errors"
	"fmt"
	"strings"
)

// MaxQuestionRunes is the longest question the matcher accepts.
const MaxQuestionRunes = 1000

// Sentinel errors for questions. Their messages are safe to show a user.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionRunes)
)

// Problem is one thing wrong with a knowledge-base file, with its location.
type Problem struct {
	File  string // file name as given to Parse
	Entry string // entry id, or "#N" (1-based) when the id itself is missing; "" for file-level problems
	Field string // e.g. "citations[1].quote"
	Msg   string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Entry != "" {
		b.WriteString(": entry ")
		b.WriteString(p.Entry)
	}
	if p.Field != "" {
		b.WriteString(": ")
		b.WriteString(p.Field)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// ValidationError lists every problem found in a knowledge-base file.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problem(s) in knowledge base:\n%s", len(e.Problems), strings.Join(lines, "\n"))
}
