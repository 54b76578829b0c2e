// Command bluejay-bench measures the plugin against the bound the API sets on it.
//
// It starts the fake Bluejay API on loopback with a per-request latency, builds the plugin
// binary and drives it over the plugin protocol exactly as Steampipe does (the harness package
// the end-to-end tests use), one fresh plugin process per run so that each run's peak RSS is its
// own. For each scenario it prints rows, requests, wall time, rows/s, peak RSS and the ratio of
// the wall time to the bound:
//
//	bound = RTT × rounds + decode
//
// where RTT is the measured round trip of one page of the scenario's size (latency, server and
// transfer), rounds is one round trip for page 1 plus ceil((P-1)/C) with C pages in flight, and
// decode is the client's measured cost of turning the P pages into calls on one core. Then it
// checks the targets of docs/performance.md and exits 1 when one fails.
//
//	go run ./cmd/bluejay-bench            # what `make bench` runs
//	go run ./cmd/bluejay-bench -only full,limit10 -runs 1
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/bluejay"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// options are the command's flags.
type options struct {
	latency        time.Duration
	calls          int
	bigCalls       int
	agents         int
	fleetAgents    int
	wideAgents     int
	runs           int
	maxConcurrency int
	only           map[string]bool
	check          bool
	timeout        time.Duration
	pluginEnv      envFlag
	pluginLog      string
}

// envFlag collects repeated -plugin-env KEY=VALUE flags.
type envFlag []string

func (e *envFlag) String() string { return strings.Join(*e, " ") }

func (e *envFlag) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("%q is not KEY=VALUE", v)
	}
	*e = append(*e, v)
	return nil
}

func parseFlags() options {
	o := options{}
	var only string
	flag.DurationVar(&o.latency, "latency", 50*time.Millisecond, "latency the fake API adds to every request")
	flag.IntVar(&o.calls, "calls", 10_000, "calls of the full-scan scenarios")
	flag.IntVar(&o.bigCalls, "big-calls", 100_000, "calls of the large scan (peak RSS growth)")
	flag.IntVar(&o.agents, "agents", 20, "agents named in the agent_id in (...) scenario; they share -calls")
	flag.IntVar(&o.fleetAgents, "fleet-agents", 50, "agents of the first scan of every agent (no agent_id); they share -calls")
	flag.IntVar(&o.wideAgents, "wide-agents", 500, "agents of the second scan of every agent; they share -calls")
	flag.IntVar(&o.runs, "runs", 5, "runs of each plugin scenario, each in a fresh plugin process; the median is reported")
	flag.IntVar(&o.maxConcurrency, "max-concurrency", 0, "max_concurrency for the default scenarios (0: the plugin's default)")
	flag.StringVar(&only, "only", "", "comma-separated scenarios to run (default all): "+strings.Join(scenarioNames(), ","))
	flag.BoolVar(&o.check, "check", true, "exit 1 when a target does not hold")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Minute, "bound on the whole run")
	flag.StringVar(&o.pluginLog, "plugin-log", "", "append everything the plugin processes print to this file (e.g. with -plugin-env GODEBUG=gctrace=1)")
	flag.Var(&o.pluginEnv, "plugin-env", "KEY=VALUE added to the plugin's environment (repeatable), e.g. GOGC=50 or STEAMPIPE_FREE_MEM_INTERVAL=100")
	flag.Parse()
	if only != "" {
		o.only = map[string]bool{}
		for _, s := range strings.Split(only, ",") {
			o.only[strings.TrimSpace(s)] = true
		}
	}
	if o.maxConcurrency == 0 {
		o.maxConcurrency = bluejay.DefaultMaxConcurrency
	}
	return o
}

func main() {
	o := parseFlags()
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	code := run(ctx, o)
	cancel()
	harness.CleanupBuilds()
	os.Exit(code)
}

func run(ctx context.Context, o options) int {
	loadBefore := loadAverage()
	fmt.Printf("bluejay-bench: %s, GOMAXPROCS %d, %d CPUs, load average %s\n", runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), loadBefore)
	fmt.Printf("command: %s\n", strings.Join(os.Args, " "))
	bin, err := harness.Build()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fx := newFixture(o)
	defer fx.close()
	fmt.Printf("fake API %s: latency %s, %d + %d + %d×%d calls, and accounts of %d×%d and %d×%d calls, warmed in %s\n\n", fx.srv.URL, o.latency,
		o.calls, o.bigCalls, o.agents, o.calls/o.agents, o.fleetAgents, o.calls/o.fleetAgents, o.wideAgents, o.calls/o.wideAgents, fx.warmTook.Round(time.Millisecond))

	costs, err := measureCosts(ctx, fx, pageSizes(scenarios(o, fx)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	results := map[string]result{}
	for _, sc := range scenarios(o, fx) {
		if o.only != nil && !o.only[sc.name] {
			continue
		}
		r, err := sc.measure(ctx, pluginOptions(bin, o), fx, o.runs)
		if err != nil {
			fmt.Fprintf(os.Stderr, "scenario %s: %v\n", sc.name, err)
			return 2
		}
		r.bound = costs.bound(sc.bound)
		if sc.besideAfter > 0 {
			r.besideBound = costs.bound(sc.besideBound)
		}
		results[sc.name] = r
		fmt.Fprintf(os.Stderr, "  %-12s %s\n", sc.name, r.wall.Round(time.Millisecond))
	}
	printResults(results, scenarios(o, fx), costs)
	fmt.Printf("\nload average after: %s\n\n", loadAverage())
	failed := printChecks(checks(o, scenarios(o, fx), results, costs))
	if failed && o.check {
		return 1
	}
	return 0
}

// pluginOptions is how every plugin process starts: the binary, -plugin-env, -plugin-log.
func pluginOptions(bin string, o options) harness.Options {
	opts := harness.Options{Binary: bin, Env: o.pluginEnv}
	if o.pluginLog != "" {
		f, err := os.OpenFile(o.pluginLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		opts.LogOutput = f // closed at exit
	}
	return opts
}

// loadAverage is /proc/loadavg's 1, 5 and 15 minute averages, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
