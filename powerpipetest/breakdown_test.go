package powerpipetest

import (
	"context"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
)

// BenchmarkPowerpipeRunBreakdown is where `powerpipe benchmark run all`'s time goes, from
// PostgreSQL's own log of every connection and statement phase (pgfdw.LogStatements), which
// costs a line a phase, so the timing benchmark leaves it off. Per run:
//   - s-to-first-connection: Powerpipe's start and the mod's load, until it first connects;
//   - s-plugin-starts: each backend's longest planning (bind), summed: that is its first
//     statement naming a foreign table, which loads the extension and starts the plugin in the
//     backend (every other plan takes a few milliseconds);
//   - s-other-plans and s-executes: every other statement's planning, and every execution,
//     summed over backends (the controls' queries through the FDW, requests included);
//   - s-after-last-statement: from the last statement to Powerpipe's exit;
//   - connections-received: PostgreSQL's count, two for each session Powerpipe opens (it tries
//     TLS first, which the harness's server does not offer, then connects again without);
//   - s-unlogged: the rest of the wall time, at one connection Powerpipe's own work between
//     statements (at more, the sums overlap and it means nothing).
func BenchmarkPowerpipeRunBreakdown(b *testing.B) {
	e := sharedEnv(b)
	ctx := context.Background()
	if err := e.pg.Cluster.LogStatements(ctx, true); err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := e.pg.Cluster.LogStatements(ctx, false); err != nil {
			b.Error(err)
		}
	}()
	for _, parallel := range []string{"default", "1"} {
		b.Run("max-parallel="+parallel, func(b *testing.B) {
			args := []string{"benchmark", "run", "all", "--output", "none", "--progress=false"}
			if parallel != "default" {
				args = append(args, "--max-parallel", parallel)
			}
			var sum runBreakdown
			for b.Loop() {
				sum.add(breakdownOf(b, e, args))
			}
			sum.report(b)
		})
	}
}

// runBreakdown is one run's time, split as BenchmarkPowerpipeRunBreakdown describes.
type runBreakdown struct {
	wall, toFirstConnection, pluginStarts, otherPlans, executes, afterLast time.Duration
	backends                                                               int
	runs                                                                   int
}

func breakdownOf(b *testing.B, e *env, args []string) runBreakdown {
	b.Helper()
	offset, err := e.pg.Cluster.LogSize()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	res, err := e.pp.Run(context.Background(), args...)
	end := time.Now()
	if err != nil {
		b.Fatal(err)
	}
	if res.Exit != exitAlarm {
		b.Fatalf("exit status %d, want %d (the fake account has alarms)\n%s", res.Exit, exitAlarm, res.Stderr)
	}
	phases, err := e.pg.Cluster.ReadStatementLog(offset)
	if err != nil {
		b.Fatal(err)
	}
	if len(phases) == 0 {
		b.Fatal("the server logged no connection or statement for the run: is the statement log on?")
	}
	return splitRun(phases, start, end)
}

// splitRun splits a run's wall time by its logged phases (in log order).
func splitRun(phases []pgfdw.LoggedPhase, start, end time.Time) runBreakdown {
	r := runBreakdown{wall: end.Sub(start), runs: 1, toFirstConnection: -1}
	longest := map[int]time.Duration{}
	var last time.Time
	for _, p := range phases {
		switch p.Kind {
		case "connection":
			r.backends++
			if r.toFirstConnection < 0 {
				r.toFirstConnection = p.At.Sub(start)
			}
			continue
		case "bind":
			longest[p.PID] = max(longest[p.PID], p.Duration)
			r.otherPlans += p.Duration
		case "parse":
			r.otherPlans += p.Duration
		default:
			r.executes += p.Duration
		}
		last = p.At
	}
	for _, d := range longest {
		r.pluginStarts += d
		r.otherPlans -= d
	}
	r.afterLast = end.Sub(last)
	return r
}

func (r *runBreakdown) add(o runBreakdown) {
	r.wall += o.wall
	r.toFirstConnection += o.toFirstConnection
	r.pluginStarts += o.pluginStarts
	r.otherPlans += o.otherPlans
	r.executes += o.executes
	r.afterLast += o.afterLast
	r.backends += o.backends
	r.runs += o.runs
}

func (r *runBreakdown) report(b *testing.B) {
	n := float64(r.runs)
	per := func(d time.Duration) float64 { return d.Seconds() / n }
	unlogged := r.wall - r.toFirstConnection - r.pluginStarts - r.otherPlans - r.executes - r.afterLast
	b.ReportMetric(per(r.wall), "s-wall")
	b.ReportMetric(per(r.toFirstConnection), "s-to-first-connection")
	b.ReportMetric(per(r.pluginStarts), "s-plugin-starts")
	b.ReportMetric(per(r.otherPlans), "s-other-plans")
	b.ReportMetric(per(r.executes), "s-executes")
	b.ReportMetric(per(r.afterLast), "s-after-last-statement")
	b.ReportMetric(per(unlogged), "s-unlogged")
	b.ReportMetric(float64(r.backends)/n, "connections-received")
}
