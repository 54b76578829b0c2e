package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chzyer/readline"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
)

// The prompt on a terminal: line editing and a history kept across runs, by
// github.com/chzyer/readline. It is pure Go (the CGO_ENABLED=0 release builds keep working on
// linux and darwin), small, and the line editor of many Go CLIs. github.com/reeflective/readline
// (maintained, multi-line aware) was tried first and dropped: driven through tmux it now and
// then kept a typed line without acting on the Enter that followed it, which the prompt test
// caught; github.com/ergochat/readline, chzyer's maintained fork, is not on the module proxy here.

// terminalREPL reads statements with the line editor until .exit or Ctrl-D. Each line typed is
// one history entry, as in sqlite3's shell, so Up recalls the previous statement when it was one
// line. Ctrl-C drops what is being typed; during a query it cancels the query (the terminal is
// back in its normal mode then, so Ctrl-C is a signal: see app.query) and the prompt comes back.
func (a *app) terminalREPL(ctx context.Context, db *engine.DB) int {
	cfg := &readline.Config{Prompt: prompt, Stdout: a.stdout, Stderr: a.stderr}
	if path, err := historyFile(); err == nil {
		cfg.HistoryFile = path
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		fmt.Fprintln(a.stderr, "bluejay-sql:", err)
		return exitQuery
	}
	defer func() { _ = rl.Close() }()
	fmt.Fprintf(a.stdout, "bluejay-sql: %d tables. .help for help, .exit to quit.\n", len(db.Tables()))
	var buf strings.Builder
	for {
		rl.SetPrompt(promptFor(buf.Len() > 0))
		line, err := rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			buf.Reset()
			continue
		case errors.Is(err, io.EOF):
			return exitOK
		case err != nil:
			fmt.Fprintln(a.stderr, "bluejay-sql:", err)
			return exitQuery
		}
		if quit, _ := a.handleLine(ctx, db, &buf, line); quit || ctx.Err() != nil {
			return exitOK
		}
	}
}

func promptFor(continuing bool) string {
	if continuing {
		return contPrompt
	}
	return prompt
}

// historyFile is where the prompt keeps its history: bluejay-sql/history in the user's cache
// directory (~/.cache on Linux, ~/Library/Caches on macOS, or $XDG_CACHE_HOME).
func historyFile() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir = filepath.Join(dir, "bluejay-sql")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return filepath.Join(dir, "history"), nil
}

// Progress line: a scan that takes longer than progressDelay shows, on stderr and only when
// stderr is a terminal, the API pages and rows read so far, updated every progressEvery and
// erased when the query ends.
const (
	progressDelay = 500 * time.Millisecond
	progressEvery = 200 * time.Millisecond
)

// showProgress starts the progress line of a query about to run with ctx, and returns the
// query's context and a stop function to call when it ends; stop erases the line.
func (a *app) showProgress(ctx context.Context) (context.Context, func()) {
	if !isTerminal(a.stderr) {
		return ctx, func() {}
	}
	p := &engine.Progress{}
	ctx = engine.WithProgress(ctx, p)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.drawProgress(p, done)
	}()
	return ctx, func() {
		close(done)
		wg.Wait()
	}
}

func (a *app) drawProgress(p *engine.Progress, done <-chan struct{}) {
	delay := time.NewTimer(progressDelay)
	defer delay.Stop()
	select {
	case <-done:
		return
	case <-delay.C:
	}
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		fmt.Fprintf(a.stderr, "\r\x1b[K-- reading: %s, %s (Ctrl-C cancels)", plural(p.Pages.Load(), "page"), plural(p.Rows.Load(), "row"))
		select {
		case <-done:
			fmt.Fprint(a.stderr, "\r\x1b[K")
			return
		case <-tick.C:
		}
	}
}

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
