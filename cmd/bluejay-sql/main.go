// Command bluejay-sql runs SQL over the Bluejay plugin's tables with no Steampipe install: the
// plugin is served in-process and its tables are SQLite virtual tables (see package engine).
//
//	bluejay-sql "select agent_id, count(*) from bluejay_call where last = '7days' group by 1"
//	bluejay-sql --config ~/.steampipe/config/bluejay.spc      # interactive prompt
//	bluejay-sql --demo                                         # sample data, no account
//	bluejay-sql check --demo                                   # the mod's controls (check.go)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
)

// Exit codes.
const (
	exitOK        = 0
	exitQuery     = 1
	exitUsage     = 2
	exitCancelled = 130 // as a shell reports a command ended by Ctrl-C
)

func main() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, interrupts: sigs}
	os.Exit(a.run(context.Background(), os.Args[1:]))
}

// app is one run of the command. Tests build it with buffers and no interrupts.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// interrupts delivers Ctrl-C: it cancels the running query (and its API requests).
	interrupts <-chan os.Signal

	opts options
}

type options struct {
	config     string
	connection string
	output     string
	demo       bool
	verbose    bool
	query      string
}

func (a *app) run(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] == "check" {
		return a.runCheck(ctx, args[1:]) // check.go
	}
	if err := a.parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintln(a.stderr, "bluejay-sql:", err)
		return exitUsage
	}
	quietSDK()
	if a.opts.demo {
		return a.runDemo(ctx)
	}
	hcl, hasKey, err := a.connectionConfig()
	if err != nil {
		fmt.Fprintln(a.stderr, "bluejay-sql:", err)
		return exitUsage
	}
	if !hasKey {
		fmt.Fprint(a.stderr, noKeyHelp)
		return exitUsage
	}
	db, err := engine.Open(ctx, engine.Config{HCL: hcl, Connection: a.opts.connection, OnScan: a.scanLogger()})
	if err != nil {
		fmt.Fprintln(a.stderr, "bluejay-sql:", err)
		return exitUsage
	}
	defer db.Close()
	if a.opts.query != "" {
		return a.runOne(ctx, db, a.opts.query)
	}
	return a.repl(ctx, db)
}

func (a *app) parse(args []string) error {
	fs := flag.NewFlagSet("bluejay-sql", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.StringVar(&a.opts.config, "config", "", "connection settings: a Steampipe `file` like config/bluejay.spc, or a bare body (api_key = ...)")
	fs.StringVar(&a.opts.connection, "connection", engine.DefaultConnection, "connection block to read from the config file")
	fs.StringVar(&a.opts.output, "output", "table", "result format: table, json or csv")
	fs.BoolVar(&a.opts.demo, "demo", false, "run sample queries on a fake API with seeded data (no account, no network)")
	fs.BoolVar(&a.opts.verbose, "v", false, "print each plugin call with the quals and limit pushed down to it, on stderr")
	fs.Usage = func() {
		fmt.Fprint(a.stderr, usageText)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch a.opts.output {
	case "table", "json", "csv":
	default:
		return fmt.Errorf("--output %q: use table, json or csv", a.opts.output)
	}
	a.opts.query = strings.TrimSpace(strings.Join(fs.Args(), " "))
	return nil
}

const usageText = `Usage: bluejay-sql [flags] ["select ..."]
       bluejay-sql check [flags] [all | benchmark or control names...]   (check -h for more)

Runs SQL (SQLite dialect) over the Bluejay plugin's tables: bluejay_call, bluejay_call_evaluation,
bluejay_call_custom_metric, bluejay_call_tool_call, bluejay_call_event, bluejay_call_participant,
bluejay_simulation, bluejay_simulation_run, bluejay_simulation_result,
bluejay_agent. With no query, reads statements from a prompt (end each with ;  .exit quits).

Settings come from --config, else from BLUEJAY_API_KEY and BLUEJAY_BASE_URL.

Flags:
`

const noKeyHelp = `bluejay-sql: no Bluejay API key.

  Get one in the Bluejay dashboard: Settings -> API keys. Then either
    export BLUEJAY_API_KEY=...          and run bluejay-sql again, or
    set api_key in a config file        and pass --config path/to/bluejay.spc

  No account yet? See it work on sample data, with no network:
    make demo                           (or: bluejay-sql --demo)
`

// connectionConfig reads --config, and tells whether a key is set there or in the
// environment (the plugin reads BLUEJAY_API_KEY itself when the config has none).
func (a *app) connectionConfig() (hcl string, hasKey bool, err error) {
	envKey := strings.TrimSpace(os.Getenv("BLUEJAY_API_KEY")) != ""
	if a.opts.config == "" {
		return "", envKey, nil
	}
	src, err := os.ReadFile(a.opts.config)
	if err != nil {
		return "", false, err
	}
	body, err := engine.ParseConnection(string(src), a.opts.connection)
	if err != nil {
		return "", false, fmt.Errorf("%s: %w", a.opts.config, err)
	}
	return string(src), envKey || body.Has("api_key"), nil
}

// quietSDK turns the plugin's log (stderr) off: the SDK logs every failed scan as a warning,
// and the API client logs a request cancelled by Ctrl-C as an error, after the prompt is back.
// The command prints each error once itself. STEAMPIPE_LOG_LEVEL=warn brings the log back.
func quietSDK() {
	if os.Getenv("STEAMPIPE_LOG_LEVEL") == "" {
		os.Setenv("STEAMPIPE_LOG_LEVEL", "off")
	}
}

// scanLogger prints pushed-down plugin calls under -v.
func (a *app) scanLogger() func(engine.Scan) {
	if !a.opts.verbose {
		return nil
	}
	return func(s engine.Scan) {
		quals := "no quals"
		if len(s.Quals) > 0 {
			quals = strings.Join(s.Quals, " and ")
		}
		limit := ""
		if s.Limit >= 0 {
			limit = fmt.Sprintf(" limit %d", s.Limit)
		}
		fmt.Fprintf(a.stderr, "-- scan %s: %s%s\n", s.Table, quals, limit)
	}
}

// runOne runs one query and prints its result.
func (a *app) runOne(ctx context.Context, db *engine.DB, sql string) int {
	res, err := a.query(ctx, db, sql)
	if err != nil {
		return a.queryFailed(err)
	}
	if err := writeResult(a.stdout, a.opts.output, res); err != nil {
		fmt.Fprintln(a.stderr, "bluejay-sql:", err)
		return exitQuery
	}
	return exitOK
}

func (a *app) queryFailed(err error) int {
	fmt.Fprintln(a.stderr, "Error:", err)
	if errors.Is(err, context.Canceled) {
		return exitCancelled
	}
	return exitQuery
}

// query runs sql with Ctrl-C cancelling it: SQLite stops, and so do the plugin's requests. A
// Ctrl-C at the prompt is the prompt's (see repl); one typed between two demo queries stops
// the next.
func (a *app) query(ctx context.Context, db *engine.DB, sql string) (*engine.Result, error) {
	ctx, stop := a.cancelOnInterrupt(ctx)
	defer stop()
	ctx, stopProgress := a.showProgress(ctx)
	defer stopProgress()
	return db.Query(a.noteWarnings(ctx), sql)
}

// noteWarnings prints each of the plugin's warnings for the query on stderr, once, as a note:
// the result (stdout) stays the rows alone, and the user learns that an agent it named was not
// found rather than reading its absence as an agent without calls.
func (a *app) noteWarnings(ctx context.Context) context.Context {
	var mu sync.Mutex
	return engine.WithWarnings(ctx, func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(a.stderr, "Note:", msg)
	})
}

// cancelOnInterrupt returns a context that a Ctrl-C cancels, until stop is called.
func (a *app) cancelOnInterrupt(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		select {
		case <-a.interrupts:
			cancel()
		case <-done:
		}
	}()
	return ctx, func() { close(done); cancel() }
}
