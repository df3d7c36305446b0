package commands

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"crisisbot/kb"
)

// Ask answers one question on w, as text or as one JSON object. Errors about
// the question itself wrap kb.ErrEmptyQuestion or kb.ErrQuestionTooLong.
func Ask(ix *kb.Index, question string, asJSON bool, w io.Writer) error {
	res, err := ix.Ask(question)
	if err != nil {
		return err
	}
	v := NewAnswerView(ix.KB(), res)
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	}
	_, err = io.WriteString(w, RenderText(v))
	return err
}

// RenderText renders an answer for a terminal.
func RenderText(v AnswerView) string {
	var b strings.Builder
	if !v.Answered && v.Related != nil {
		fmt.Fprintf(&b, "NOT IN THE SOURCE. %s\n\nWhat the article does say (%s):\n\n", v.Reason, v.Related.Question)
		writeEntry(&b, v.Related)
		return b.String()
	}
	if !v.Answered {
		b.WriteString("I don't have a sourced answer for that.\n")
		if len(v.Suggestions) > 0 {
			b.WriteString("\nThe closest topics I do have:\n")
			for i, s := range v.Suggestions {
				fmt.Fprintf(&b, "  %d. %s\n", i+1, s.Question)
			}
			fmt.Fprintf(&b, "\nAsk one of them, e.g.: crisisbot ask %q\n", v.Suggestions[0].Question)
		} else {
			b.WriteString("I only answer from one news report on the US-Russia talks over Ukraine (HNGN, 10 January 2022).\n" +
				"Run `crisisbot kb export` to see every question I can answer.\n")
		}
		return b.String()
	}
	e := v.Entry
	fmt.Fprintf(&b, "%s\n\n%s\n\n", e.Question, e.Answer)
	fmt.Fprintf(&b, "Claim by: %s · As reported on %s · Confidence %.2f\n\n", e.AttributedTo, HumanDate(e.AsOf), v.Confidence)
	writeSources(&b, e)
	return b.String()
}

// writeEntry writes a related entry: its answer, claim, date and sources.
func writeEntry(b *strings.Builder, e *EntryView) {
	fmt.Fprintf(b, "%s\n\nClaim by: %s · As reported on %s\n\n", e.Answer, e.AttributedTo, HumanDate(e.AsOf))
	writeSources(b, e)
}

// writeSources writes an entry's numbered quotes and its id.
func writeSources(b *strings.Builder, e *EntryView) {
	b.WriteString("Sources\n")
	for i, c := range e.Citations {
		if c.Unverified {
			fmt.Fprintf(b, "[%d] %q\n    UNVERIFIED SOURCE: %s\n    %s\n", i+1, c.Quote, c.Title, c.URL)
			continue
		}
		fmt.Fprintf(b, "[%d] %q\n    %s, %s\n    %s\n", i+1, c.Quote, c.Outlet, HumanDate(c.Published), c.URL)
	}
	fmt.Fprintf(b, "(entry %s)\n", e.ID)
}

// Chat answers one question per line from in until EOF, "quit" or ctx ends.
// With prompt set it shows a prompt, for people at a terminal. A bad line
// (empty, too long) gets a message and the session goes on.
func Chat(ctx context.Context, live *kb.Live, in io.Reader, out io.Writer, prompt bool) error {
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		defer close(lines)
		r := bufio.NewReader(in)
		for {
			line, err := r.ReadString('\n')
			if line != "" {
				select {
				case lines <- line:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr <- err
				}
				return
			}
		}
	}()
	if prompt {
		fmt.Fprint(out, "Ask about the US-Russia talks over Ukraine (January 2022). Type quit to leave.\n> ")
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				select {
				case err := <-readErr:
					return fmt.Errorf("read questions: %w", err)
				default:
					return nil
				}
			}
			q := strings.TrimSpace(line)
			switch strings.ToLower(q) {
			case "quit", "exit":
				return nil
			}
			if q != "" {
				if err := Ask(live.Load(), q, false, out); err != nil {
					if !isQuestionError(err) {
						return err
					}
					fmt.Fprintf(out, "%s.\n", upperFirst(err.Error()))
				}
				fmt.Fprintln(out)
			}
			if prompt {
				fmt.Fprint(out, "> ")
			}
		}
	}
}

func isQuestionError(err error) bool {
	return errors.Is(err, kb.ErrEmptyQuestion) || errors.Is(err, kb.ErrQuestionTooLong)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Export writes the whole knowledge base, sources with their texts, as JSON.
func Export(k *kb.KB, w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(k)
}

// ErrInvalidKB is returned by Check when the file has problems.
var ErrInvalidKB = errors.New("the knowledge-base file has problems")

// Check validates a knowledge-base file against the embedded sources (and any
// sources the file carries), reporting every problem on w.
func Check(path string, w io.Writer) error {
	sources, err := kb.EmbeddedSources()
	if err != nil {
		return err
	}
	k, err := parseFile(path, sources, w, kb.Parse)
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	quotes := 0
	for _, e := range k.Entries {
		quotes += len(e.Citations)
	}
	fmt.Fprintf(w, "%s: ok: %d entries, %d quotes found verbatim in their sources\n", path, len(k.Entries), quotes)
	return nil
}

// parseFile reads a knowledge-base file of at most kb.MaxFileBytes and
// validates it with parse (kb.Parse for a whole knowledge base, kb.ParsePart
// for entries to import), listing every problem on w.
func parseFile(path string, sources []kb.Source, w io.Writer, parse func(string, []byte, []kb.Source) (*kb.KB, error)) (*kb.KB, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > kb.MaxFileBytes {
		return nil, fmt.Errorf("the file is %d bytes; the limit is %d", st.Size(), kb.MaxFileBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := parse(path, data, sources)
	if err != nil {
		return nil, listProblems(err, w)
	}
	return k, nil
}

// listProblems writes a validation error's problems on w, one a line, and
// returns ErrInvalidKB with their count; other errors pass through.
func listProblems(err error, w io.Writer) error {
	var verr *kb.ValidationError
	if !errors.As(err, &verr) {
		return err
	}
	for _, p := range verr.Problems {
		fmt.Fprintln(w, p)
	}
	return fmt.Errorf("%w: %d problem(s)", ErrInvalidKB, len(verr.Problems))
}
