package powerpipetest

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/mod"
	"github.com/bluejay-community/steampipe-plugin-bluejay/modcheck"
)

// Exit statuses of `powerpipe benchmark run` and `control run`, as Powerpipe documents them
// (https://powerpipe.io/docs/reference/cli/benchmark#exit-codes).
const (
	exitOK    = 0 // every control ran; no alarm, no error
	exitAlarm = 1 // one or more alarms, no error
	exitError = 2 // one or more controls in error
	exitPanic = 255
)

// resultGroup is the part of `--output json` of benchmark and control runs the tests read.
type resultGroup struct {
	GroupID  string        `json:"group_id"`
	Groups   []resultGroup `json:"groups"`
	Controls []struct {
		ControlID string `json:"control_id"`
		RunError  string `json:"run_error"`
		Results   []struct {
			Resource string `json:"resource"`
			Status   string `json:"status"`
			Reason   string `json:"reason"`
		} `json:"results"`
	} `json:"controls"`
}

// statuses flattens a run to control name -> resource -> status; a control that failed is
// resource "" with status error, as bluejay-sql check counts it.
func (g resultGroup) statuses(out map[string]map[string]string) {
	for _, c := range g.Controls {
		name := shortName(c.ControlID)
		out[name] = map[string]string{}
		if c.RunError != "" {
			out[name][""] = modcheck.StatusError
		}
		for _, r := range c.Results {
			out[name][r.Resource] = r.Status
		}
	}
	for _, child := range g.Groups {
		child.statuses(out)
	}
}

// shortName is a resource's name without its mod and type: control.x, bluejay.var.x -> x.
func shortName(name string) string { return name[strings.LastIndex(name, ".")+1:] }

// checkStatuses runs the controls on the SQLite engine, as `bluejay-sql check` does.
func checkStatuses(t *testing.T, e *env, controls []*modcheck.Control) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, c := range controls {
		res := modcheck.RunControl(context.Background(), e.db, c, "")
		out[c.Name] = map[string]string{}
		if res.Err != nil {
			out[c.Name][""] = modcheck.StatusError
		}
		for _, r := range res.Rows {
			out[c.Name][r.Resource] = r.Status
		}
	}
	return out
}

// benchmarkControls is every control under a benchmark, nested benchmarks included.
func benchmarkControls(m *modcheck.Mod, b *modcheck.Benchmark) []*modcheck.Control {
	var out []*modcheck.Control
	for _, child := range b.Children {
		kind, name, _ := strings.Cut(child, ".")
		if kind == "benchmark" {
			out = append(out, benchmarkControls(m, m.Benchmark(name))...)
		} else {
			out = append(out, m.Control(name))
		}
	}
	return out
}

// Every benchmark in Powerpipe gives, control by control and agent by agent, the status
// `bluejay-sql check` gives on the same data, and the exit status Powerpipe documents.
func TestBenchmarkRunMatchesCheck(t *testing.T) {
	e := sharedEnv(t)
	m, err := modcheck.Load(mod.Files, "mod", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.TopBenchmarks()) == 0 {
		t.Fatal("the mod has no benchmark")
	}
	for _, b := range m.TopBenchmarks() {
		t.Run(b.Name, func(t *testing.T) {
			want := checkStatuses(t, e, benchmarkControls(m, b))
			res := run(t, e.pp, wantExit(want), "benchmark", "run", b.Name, "--output", "json", "--progress=false")
			got := map[string]map[string]string{}
			decode[resultGroup](t, res).statuses(got)
			compareStatuses(t, got, want)
		})
	}
}

// wantExit is the exit status Powerpipe documents for these results.
func wantExit(results map[string]map[string]string) int {
	exit := exitOK
	for _, byResource := range results {
		for _, s := range byResource {
			switch s {
			case modcheck.StatusError:
				return exitError
			case modcheck.StatusAlarm:
				exit = exitAlarm
			}
		}
	}
	return exit
}

func compareStatuses(t *testing.T, got, want map[string]map[string]string) {
	t.Helper()
	if g, w := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)); !slices.Equal(g, w) {
		t.Fatalf("controls: Powerpipe ran %v, bluejay-sql check %v", g, w)
	}
	rows := 0
	for control, byResource := range want {
		rows += len(byResource)
		if !maps.Equal(got[control], byResource) {
			t.Errorf("%s: Powerpipe %v, bluejay-sql check %v", control, got[control], byResource)
		}
	}
	if rows == 0 {
		t.Error("no rows: the comparison proves nothing")
	}
}
