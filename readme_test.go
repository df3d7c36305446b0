package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// readmeBlock is a fenced code block of the README that holds command lines:
// ```sh blocks are commands to run as written; ```console blocks are
// transcripts, whose "$ " lines are run and whose other lines must appear in
// what the command printed.
type readmeBlock struct {
	lang  string
	line  int // of the opening fence
	lines []string
}

func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	f, err := os.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []readmeBlock
	var cur *readmeBlock
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(l, "```"):
			cur = &readmeBlock{lang: strings.TrimPrefix(l, "```"), line: n}
		case cur != nil && l == "```":
			if cur.lang == "sh" || cur.lang == "console" {
				out = append(out, *cur)
			}
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestREADME_CommandLinesRun runs every command line the README shows, as
// written, with the built binary on PATH as `crisisbot`: documentation that
// does not work is a bug. Each block runs in a fresh folder of its own (so
// later lines see the files earlier ones made), except lines starting with
// `go`, which run in the repository. `go test` lines are the test command
// itself (CI runs it) and are not run from inside the tests. A line ending in
// `# exits N` must exit with N; every other line must exit 0.
func TestREADME_CommandLinesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	repo, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	binDir := t.TempDir()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if out, err := exec.Command(goBin, "build", "-o", filepath.Join(binDir, "crisisbot"), ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	env := append(os.Environ(), "PATH="+binDir+string(os.PathListSeparator)+filepath.Dir(goBin)+string(os.PathListSeparator)+os.Getenv("PATH"), "DISCORD_TOKEN=")
	ran := 0
	for _, b := range readmeBlocks(t) {
		dir := t.TempDir()
		var expect []string // console: what the last command must have printed
		var lastOut string
		check := func() {
			for _, e := range expect {
				if e = strings.TrimSpace(e); e != "" && e != "…" && !strings.Contains(lastOut, strings.TrimSuffix(e, "…")) {
					t.Errorf("README.md:%d: the transcript shows %q; the command printed:\n%s", b.line, e, lastOut)
				}
			}
			expect = nil
		}
		for i, l := range b.lines {
			cmdLine := l
			if b.lang == "console" {
				if !strings.HasPrefix(l, "$ ") {
					expect = append(expect, l)
					continue
				}
				check()
				cmdLine = strings.TrimPrefix(l, "$ ")
			}
			cmdLine = strings.TrimSpace(cmdLine)
			if cmdLine == "" || strings.HasPrefix(cmdLine, "#") || strings.HasPrefix(cmdLine, "go test") {
				continue
			}
			want := 0
			if body, code, ok := strings.Cut(cmdLine, "# exits "); ok {
				want, _ = strconv.Atoi(strings.TrimSpace(code))
				cmdLine = strings.TrimSpace(body)
			}
			cmd := exec.Command("bash", "-o", "pipefail", "-c", cmdLine)
			cmd.Dir, cmd.Env = dir, env
			if strings.HasPrefix(cmdLine, "go ") {
				cmd.Dir = repo
			}
			out, _ := cmd.CombinedOutput()
			lastOut = string(out)
			ran++
			if got := cmd.ProcessState.ExitCode(); got != want {
				t.Errorf("README.md:%d: `%s` exited %d, want %d:\n%s", b.line+1+i, cmdLine, got, want, out)
			}
		}
		check()
	}
	if ran < 5 {
		t.Fatalf("only %d command lines found in the README", ran)
	}
}
