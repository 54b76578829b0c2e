package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/mod"
	"github.com/bluejay-community/steampipe-plugin-bluejay/modcheck"
)

// Exit codes of `bluejay-sql check`, for CI: an alarm and a broken check are told apart.
const (
	exitCheckAlarm = 1 // every control ran; at least one resource is in alarm
	exitCheckError = 3 // a control could not run (a SQL or API error, a problem in the mod)
	// exitUsage (2) for bad flags, an unknown --var or control name; exitCancelled on Ctrl-C.
)

type checkOptions struct {
	vars     varFlags
	where    string
	output   string
	junit    string
	modDir   string
	demo     bool
	progress string // auto, on, off
	targets  []string
}

// varFlags collects repeated --var name=value.
type varFlags map[string]string

func (v varFlags) String() string { return "" }

func (v varFlags) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("write --var name=value, as in --var max_latency_p95_ms=2000")
	}
	v[strings.TrimSpace(name)] = value
	return nil
}

const checkUsage = `Usage: bluejay-sql check [flags] [all | benchmark or control names...]

Runs the controls of the Bluejay mod (mod/ in the repository, built into this command) on the
embedded SQLite engine and prints a summary: every alarm and error with its reason.

  bluejay-sql check --demo                      every benchmark, on the fake API's sample data
  bluejay-sql check compliance latency_p95      a benchmark and a control, with BLUEJAY_API_KEY
  bluejay-sql check --var window=1day --var max_latency_p95_ms=2000 all
  bluejay-sql check --where "agent_id = '42'" --junit report.xml

Exit status: 0 when every row is ok, info or skip; 1 when a resource is in alarm; 3 when a
control could not run or the mod has a problem (even if others alarm); 2 for bad usage;
130 when interrupted.

Flags:
`

func (a *app) parseCheck(args []string) (*checkOptions, error) {
	o := &checkOptions{vars: varFlags{}}
	fs := flag.NewFlagSet("bluejay-sql check", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.StringVar(&a.opts.config, "config", "", "connection settings: a Steampipe `file` like config/bluejay.spc, or a bare body")
	fs.StringVar(&a.opts.connection, "connection", engine.DefaultConnection, "connection block to read from the config file")
	fs.BoolVar(&o.demo, "demo", false, "run against a fake API with seeded data (no account, no network)")
	fs.Var(o.vars, "var", "set a mod variable, `name=value` (repeatable); see mod/variables.pp")
	fs.StringVar(&o.where, "where", "", "keep only the result rows matching this SQL `condition` on resource, status, reason, agent_id")
	fs.StringVar(&o.output, "output", "text", "summary format: text, json or csv")
	fs.StringVar(&o.junit, "junit", "", "also write a JUnit XML report to `file`")
	fs.StringVar(&o.modDir, "mod-location", "", "read the mod's .pp files from `dir` instead of the built-in copy")
	fs.StringVar(&o.progress, "progress", "auto", "show progress on stderr: auto (when stderr is a terminal), on or off")
	fs.Usage = func() {
		fmt.Fprint(a.stderr, checkUsage)
		fs.PrintDefaults()
	}
	// Names and flags may come in any order: parse again after each name.
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		if rest = fs.Args(); len(rest) == 0 {
			break
		}
		o.targets, rest = append(o.targets, rest[0]), rest[1:]
	}
	switch o.output {
	case "text", "json", "csv":
	default:
		return nil, fmt.Errorf("--output %q: use text, json or csv", o.output)
	}
	switch o.progress {
	case "auto", "on", "off":
	default:
		return nil, fmt.Errorf("--progress %q: use auto, on or off", o.progress)
	}
	return o, nil
}

// runCheck is `bluejay-sql check`.
func (a *app) runCheck(ctx context.Context, args []string) int {
	o, err := a.parseCheck(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintln(a.stderr, "bluejay-sql check:", err)
		return exitUsage
	}
	quietSDK()
	m, err := loadMod(o)
	if err != nil {
		fmt.Fprintln(a.stderr, "bluejay-sql check:", err)
		return exitUsage
	}
	for _, d := range m.Diags {
		fmt.Fprintln(a.stderr, "bluejay-sql check:", modcheck.FormatDiag(d))
	}
	plan, err := planCheck(m, o.targets)
	if err != nil {
		fmt.Fprintln(a.stderr, "bluejay-sql check:", err)
		return exitUsage
	}
	db, closeDB, code := a.openCheckDB(ctx, o)
	if db == nil {
		return code
	}
	defer closeDB()
	results := a.runPlan(ctx, db, plan, o)
	if ctx.Err() != nil || a.cancelled(results) {
		fmt.Fprintln(a.stderr, "bluejay-sql check: interrupted")
		return exitCancelled
	}
	if err := writeCheck(a.stdout, o.output, m, results); err != nil {
		fmt.Fprintln(a.stderr, "bluejay-sql check:", err)
		return exitCheckError
	}
	if o.junit != "" {
		if err := writeJUnitFile(o.junit, results); err != nil {
			fmt.Fprintln(a.stderr, "bluejay-sql check:", err)
			return exitCheckError
		}
	}
	return checkExitCode(results, m.Diags.HasErrors())
}

func loadMod(o *checkOptions) (*modcheck.Mod, error) {
	var fsys fs.FS = mod.Files
	dir := "mod"
	if o.modDir != "" {
		fsys, dir = os.DirFS(o.modDir), filepath.ToSlash(filepath.Clean(o.modDir))
	}
	m, err := modcheck.Load(fsys, dir, o.vars)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return m, nil
}

// openCheckDB opens the engine on the fake (--demo) or on the configured account.
func (a *app) openCheckDB(ctx context.Context, o *checkOptions) (*engine.DB, func(), int) {
	if o.demo {
		srv := fakeapi.NewServer(fakeapi.Options{Now: fakeapi.FrozenNow()}) // today, for the testing tables' age_days
		db, err := engine.Open(ctx, engine.Config{HCL: engine.FakeHCL(srv, fakeapi.DefaultAPIKey)})
		if err != nil {
			srv.Close()
			fmt.Fprintln(a.stderr, "bluejay-sql check:", err)
			return nil, nil, exitCheckError
		}
		return db, func() { db.Close(); srv.Close() }, exitOK
	}
	hcl, hasKey, err := a.connectionConfig()
	if err != nil {
		fmt.Fprintln(a.stderr, "bluejay-sql check:", err)
		return nil, nil, exitUsage
	}
	if !hasKey {
		fmt.Fprint(a.stderr, noKeyHelp)
		return nil, nil, exitUsage
	}
	db, err := engine.Open(ctx, engine.Config{HCL: hcl, Connection: a.opts.connection})
	if err != nil {
		fmt.Fprintln(a.stderr, "bluejay-sql check:", err)
		return nil, nil, exitUsage
	}
	return db, func() { db.Close() }, exitOK
}

// planned is one control to run, under the benchmark that asked for it ("" when asked by name).
type planned struct {
	benchmark string
	control   *modcheck.Control
	missing   string // a benchmark child the mod does not define: it runs as an error
}

// planCheck expands the targets (none or "all": every top-level benchmark) into controls.
func planCheck(m *modcheck.Mod, targets []string) ([]planned, error) {
	if len(targets) == 0 || (len(targets) == 1 && targets[0] == "all") {
		targets = nil
		for _, b := range m.TopBenchmarks() {
			targets = append(targets, "benchmark."+b.Name)
		}
		if len(targets) == 0 {
			return nil, errors.New("the mod has no benchmark")
		}
	}
	var plan []planned
	for _, t := range targets {
		name := strings.TrimPrefix(t, m.Name+".")
		switch {
		case !strings.HasPrefix(name, "control.") && m.Benchmark(name) != nil:
			plan = appendBenchmark(plan, m, m.Benchmark(name), map[string]bool{})
		case !strings.HasPrefix(name, "benchmark.") && m.Control(name) != nil:
			plan = append(plan, planned{control: m.Control(name)})
		default:
			return nil, fmt.Errorf("%q is no benchmark or control of the mod; it has %s", t, strings.Join(targetNames(m), ", "))
		}
	}
	return plan, nil
}

func appendBenchmark(plan []planned, m *modcheck.Mod, b *modcheck.Benchmark, seen map[string]bool) []planned {
	if seen[b.Name] {
		return plan // a benchmark that lists itself, directly or not
	}
	seen[b.Name] = true
	for _, child := range b.Children {
		kind, name, _ := strings.Cut(child, ".")
		switch {
		case kind == "benchmark" && m.Benchmark(name) != nil:
			plan = appendBenchmark(plan, m, m.Benchmark(name), seen)
		case kind == "control" && m.Control(name) != nil:
			plan = append(plan, planned{benchmark: b.Name, control: m.Control(name)})
		default:
			plan = append(plan, planned{benchmark: b.Name, missing: child})
		}
	}
	return plan
}

func targetNames(m *modcheck.Mod) []string {
	var out []string
	for _, b := range m.Benchmarks {
		out = append(out, b.Name)
	}
	for _, c := range m.Controls {
		out = append(out, c.Name)
	}
	sort.Strings(out)
	return append([]string{"all"}, out...)
}

// checkResult is one planned control's result.
type checkResult struct {
	benchmark string
	*modcheck.ControlResult
}

func (a *app) runPlan(ctx context.Context, db *engine.DB, plan []planned, o *checkOptions) []checkResult {
	progress := a.progressWriter(o.progress)
	results := make([]checkResult, 0, len(plan))
	for i, p := range plan {
		if ctx.Err() != nil {
			break
		}
		if p.missing != "" {
			results = append(results, checkResult{benchmark: p.benchmark, ControlResult: &modcheck.ControlResult{
				Control: &modcheck.Control{Name: strings.TrimPrefix(p.missing, "control.")},
				Err:     fmt.Errorf("benchmark %q lists %s, which the mod does not define (see the messages above)", p.benchmark, p.missing),
			}})
			continue
		}
		if progress != nil {
			fmt.Fprintf(progress, "\r\033[K[%d/%d] %s", i+1, len(plan), p.control.Name)
		}
		r := a.runControl(ctx, db, p.control, o.where)
		results = append(results, checkResult{benchmark: p.benchmark, ControlResult: r})
	}
	if progress != nil {
		fmt.Fprint(progress, "\r\033[K")
	}
	return results
}

// runControl runs one control with Ctrl-C cancelling it, as a query of the prompt is.
func (a *app) runControl(ctx context.Context, db *engine.DB, c *modcheck.Control, where string) *modcheck.ControlResult {
	ctx, stop := a.cancelOnInterrupt(ctx)
	defer stop()
	return modcheck.RunControl(ctx, db, c, where)
}

func (a *app) cancelled(results []checkResult) bool {
	for _, r := range results {
		if r.Err != nil && errors.Is(r.Err, context.Canceled) {
			return true
		}
	}
	return false
}

// progressWriter is stderr when progress is on, or auto and stderr is a terminal.
func (a *app) progressWriter(mode string) io.Writer {
	switch mode {
	case "on":
		return a.stderr
	case "off":
		return nil
	}
	if f, ok := a.stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return f
		}
	}
	return nil
}

// checkExitCode: an error (or a mod problem) wins over an alarm, since the results are short.
func checkExitCode(results []checkResult, modProblems bool) int {
	alarm, failed := false, modProblems
	for _, r := range results {
		c := r.Counts()
		alarm = alarm || c[modcheck.StatusAlarm] > 0
		failed = failed || c[modcheck.StatusError] > 0
	}
	switch {
	case failed:
		return exitCheckError
	case alarm:
		return exitCheckAlarm
	}
	return exitOK
}
