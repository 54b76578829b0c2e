package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// The prompt in a real terminal: the built bluejay-sql runs in a tmux session against the fake
// API, driven with send-keys and read with capture-pane. It checks typing a query and seeing its
// rows, Up recalling the previous statement, the progress line of a long scan, and Ctrl-C
// cancelling that scan with the prompt answering the next query.
//
// tmux is required when BLUEJAY_REQUIRE_TMUX is set (CI sets it); otherwise a machine without
// tmux skips the test.
func TestPromptInATerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("BLUEJAY_REQUIRE_TMUX") != "" {
			t.Fatal("BLUEJAY_REQUIRE_TMUX is set but tmux is not installed")
		}
		t.Skip("tmux is not installed (set BLUEJAY_REQUIRE_TMUX=1 to fail instead)")
	}
	bin := buildBluejaySQL(t)
	srv := fakeapi.NewServer(fakeapi.Options{})
	defer srv.Close()
	cfg := filepath.Join(t.TempDir(), "bluejay.spc")
	body := fmt.Sprintf("api_key = %q\nbase_url = %q\nmax_concurrency = 1\nmax_retries = 0\n", fakeapi.DefaultAPIKey, srv.URL)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	tm := startTmux(t, "env", "XDG_CACHE_HOME="+cache, "BLUEJAY_API_KEY=", "TERM=xterm-256color", bin, "--config", cfg)

	tm.waitFor(t, "the banner and prompt", func(s string) bool {
		return strings.Contains(s, "tables.") && strings.Contains(s, strings.TrimSpace(prompt))
	})

	// Typing a query shows its rows (the result holds the concatenation, which the typed text
	// does not).
	const first = "select 'alpha' || 'beta' as word, count(*) as agents from bluejay_agent;"
	tm.typeLine(t, first)
	tm.waitFor(t, "the first result", func(s string) bool { return strings.Count(s, "alphabeta") == 1 && strings.Contains(s, "(1 row)") })
	if !strings.Contains(tm.screen(t), "alphabeta |      5") {
		t.Errorf("the result row is not 'alphabeta | 5':\n%s", tm.screen(t))
	}

	// Up recalls it; Enter runs it again.
	tm.waitFor(t, "a fresh prompt", func(s string) bool { return lastLine(s) == strings.TrimSpace(prompt) })
	tm.keys(t, "Up")
	tm.waitFor(t, "the recalled statement", func(s string) bool { return strings.Count(s, first) == 2 })
	tm.keys(t, "Enter")
	tm.waitFor(t, "the second result", func(s string) bool { return strings.Count(s, "alphabeta") == 2 })

	// A long scan: one page a second, 25 pages. The progress line counts pages and rows; Ctrl-C
	// cancels the scan and its request in flight, and the prompt answers the next query.
	srv.SetLatency(time.Second)
	tm.typeLine(t, "select count(*) from bluejay_call where agent_id = '42' and last = 'all';")
	tm.waitFor(t, "the progress line at two pages", func(s string) bool { return strings.Contains(s, "-- reading: 2 pages, 200 rows") })
	tm.keys(t, "C-c")
	tm.waitFor(t, "the cancelled query", func(s string) bool { return strings.Contains(s, "Error: query cancelled") })
	srv.SetLatency(0)
	if strings.Contains(tm.screen(t), "-- reading:") {
		t.Errorf("the progress line was not erased:\n%s", tm.screen(t))
	}
	tm.typeLine(t, "select 'ok-' || (6 * 7) as answer;")
	tm.waitFor(t, "the query after the cancel", func(s string) bool { return strings.Contains(s, "ok-42") })

	tm.typeLine(t, ".exit")
	tm.waitFor(t, "the session to end", func(s string) bool { return !tm.alive() })

	// The history survives the session, in the user's cache directory.
	hist, err := os.ReadFile(filepath.Join(cache, "bluejay-sql", "history"))
	if err != nil || !strings.Contains(string(hist), "alpha") {
		t.Errorf("history file: %v\n%s", err, hist)
	}
}

// buildBluejaySQL builds the command into a temporary directory.
func buildBluejaySQL(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bluejay-sql")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// tmuxSession is one tmux server of its own (a socket of its own) running one command.
type tmuxSession struct {
	socket string
}

func startTmux(t *testing.T, command ...string) *tmuxSession {
	t.Helper()
	tm := &tmuxSession{socket: fmt.Sprintf("bluejay-sql-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	args := append([]string{"new-session", "-d", "-s", "t", "-x", "160", "-y", "50"}, command...)
	if out, err := tm.cmd(args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = tm.cmd("kill-server").Run() })
	return tm
}

func (tm *tmuxSession) cmd(args ...string) *exec.Cmd {
	// -f /dev/null: none of the user's tmux configuration.
	return exec.Command("tmux", append([]string{"-L", tm.socket, "-f", "/dev/null"}, args...)...)
}

func (tm *tmuxSession) keys(t *testing.T, keys ...string) {
	t.Helper()
	if out, err := tm.cmd(append([]string{"send-keys", "-t", "t"}, keys...)...).CombinedOutput(); err != nil {
		t.Fatalf("tmux send-keys %v: %v\n%s", keys, err, out)
	}
}

// typeLine waits for a fresh prompt, as a person would, then types text literally and Enter.
func (tm *tmuxSession) typeLine(t *testing.T, text string) {
	t.Helper()
	tm.waitFor(t, "a fresh prompt", func(s string) bool { return lastLine(s) == strings.TrimSpace(prompt) })
	if strings.HasSuffix(text, ";") {
		// tmux reads an argument ending in ; as the end of its command; \; is a literal one.
		text = strings.TrimSuffix(text, ";") + `\;`
	}
	if out, err := tm.cmd("send-keys", "-t", "t", "-l", text).CombinedOutput(); err != nil {
		t.Fatalf("tmux send-keys: %v\n%s", err, out)
	}
	tm.keys(t, "Enter")
}

// screen is the pane's text, with the scrollback.
func (tm *tmuxSession) screen(t *testing.T) string {
	t.Helper()
	out, err := tm.cmd("capture-pane", "-p", "-t", "t", "-S", "-1000").Output()
	if err != nil && tm.alive() {
		t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(out)
}

// lastLine is the screen's last line that is not blank.
func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, " \n"), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func (tm *tmuxSession) alive() bool {
	return tm.cmd("has-session", "-t", "t").Run() == nil
}

// waitFor polls the pane until ok holds, failing the test with the screen after a deadline.
func (tm *tmuxSession) waitFor(t *testing.T, what string, ok func(screen string) bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := ""
		if tm.alive() {
			s = tm.screen(t)
		}
		if ok(s) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; the screen:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
