package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
)

const (
	prompt     = "bluejay> "
	contPrompt = "     ...> "
)

const replHelp = `Enter SQL (SQLite dialect) ending with ;  e.g.
  select agent_id, count(*) from bluejay_call where last = '7days' group by agent_id;
Commands: .tables  .schema TABLE  .help  .exit (or Ctrl-D). Ctrl-C cancels a running query.
`

// repl reads statements until .exit or end of input. A terminal gets a line editor with
// history (terminalREPL); piped input is read line by line, without prompts, so that its output
// is clean, and exits 1 when a statement failed, so that a script notices.
func (a *app) repl(ctx context.Context, db *engine.DB) int {
	if isTerminal(a.stdin) {
		return a.terminalREPL(ctx, db)
	}
	lines := readLines(a.stdin)
	var buf strings.Builder
	status := exitOK
	for {
		select {
		case <-a.interrupts:
			// Ctrl-C between statements drops the statement being read, as psql does.
			buf.Reset()
			fmt.Fprintln(a.stdout)
			continue
		case line, ok := <-lines:
			if !ok {
				return status
			}
			quit, st := a.handleLine(ctx, db, &buf, line)
			if st != exitOK {
				status = exitQuery
			}
			if quit || ctx.Err() != nil {
				return status
			}
		}
	}
}

// handleLine adds a line to the statement being typed and runs the statements it completes.
func (a *app) handleLine(ctx context.Context, db *engine.DB, buf *strings.Builder, line string) (quit bool, status int) {
	if buf.Len() == 0 && strings.HasPrefix(strings.TrimSpace(line), ".") {
		return a.dotCommand(ctx, db, strings.Fields(line))
	}
	buf.WriteString(line)
	buf.WriteByte('\n')
	stmts, rest := splitStatements(buf.String())
	buf.Reset()
	buf.WriteString(rest)
	for _, s := range stmts {
		if st := a.runOne(ctx, db, s); st != exitOK {
			status = st
		}
	}
	return false, status
}

func (a *app) dotCommand(ctx context.Context, db *engine.DB, f []string) (bool, int) {
	switch f[0] {
	case ".exit", ".quit", ".q":
		return true, exitOK
	case ".tables":
		fmt.Fprintln(a.stdout, strings.Join(db.Tables(), "\n"))
	case ".schema":
		if len(f) < 2 {
			fmt.Fprintln(a.stderr, "usage: .schema TABLE")
			return false, exitUsage
		}
		return false, a.runOne(ctx, db, fmt.Sprintf("select name, type from pragma_table_info('%s')", strings.ReplaceAll(f[1], "'", "''")))
	case ".help":
		fmt.Fprint(a.stdout, replHelp)
	default:
		fmt.Fprintf(a.stderr, "unknown command %s; .help lists them\n", f[0])
		return false, exitUsage
	}
	return false, exitOK
}

// readLines delivers stdin's lines on a channel, so the prompt can wait for a line and for
// Ctrl-C at once.
func readLines(r io.Reader) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
		for sc.Scan() {
			out <- sc.Text()
		}
	}()
	return out
}

// splitStatements cuts text into complete statements (each ending with a ; outside quotes and
// comments) and the incomplete rest.
func splitStatements(text string) (stmts []string, rest string) {
	start := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\'' || c == '"' || c == '`':
			i = skipQuoted(text, i, c)
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			i = skipUntil(text, i, "\n")
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			i = skipUntil(text, i+2, "*/")
		case c == ';':
			if s := strings.TrimSpace(text[start : i+1]); s != ";" {
				stmts = append(stmts, s)
			}
			start = i + 1
		}
	}
	rest = text[start:]
	if strings.TrimSpace(rest) == "" {
		rest = ""
	}
	return stmts, rest
}

// skipQuoted returns the index of the quote closing the one at i (” inside is an escaped
// quote, which the loop handles as a close and a reopen).
func skipQuoted(text string, i int, q byte) int {
	if j := strings.IndexByte(text[i+1:], q); j >= 0 {
		return i + 1 + j
	}
	return len(text)
}

func skipUntil(text string, i int, end string) int {
	if j := strings.Index(text[i:], end); j >= 0 {
		return i + j + len(end) - 1
	}
	return len(text)
}

func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
