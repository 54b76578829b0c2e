package fdwtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
)

// The scans docs/performance.md compares across engines: agent 42's 2,500 calls, read through
// the FDW (a fresh session, so a fresh plugin and memo, each time) and on the SQLite engine
// (a fresh database each time), over the same fake API with no latency. calls-30days and
// evaluations-30days are the two sides of join-30days, each alone: docs/joins.md gives the
// join's time against their sum.
var benchScans = []struct{ name, sql string }{
	{"count", "select count(*) from bluejay_call where agent_id = '42' and last = 'all'"},
	{"id", "select id from bluejay_call where agent_id = '42' and last = 'all'"},
	{"star", "select * from bluejay_call where agent_id = '42' and last = 'all'"},
	{"agents-all", "select count(*) from bluejay_call where last = 'all'"},
	{"join-30days", joinCases[1].join},
	{"calls-30days", "select id from bluejay_call where agent_id = '42' and last = '30days'"},
	{"evaluations-30days", "select id, call_id, hallucination from bluejay_call_evaluation where agent_id = '42' and last = '30days'"},
}

// startPlugin is a statement that starts the plugin in a fresh session's backend, as the first
// query naming a foreign table does: planning it loads the extension, hands the plugin its
// connection config, and the SDK creates its query cache. It sends no request.
const startPlugin = "explain select id from bluejay_call"

// gRPCScans are the same scans over the plugin protocol, as the Steampipe CLI's plugin manager
// runs the plugin: a fresh plugin process each time.
var gRPCScans = []struct {
	name  string
	quals []harness.Qual
}{
	{"scan", []harness.Qual{{Column: "agent_id", Operator: "=", Value: "42"}, {Column: "last", Operator: "=", Value: "all"}}},
	{"agents-all", []harness.Qual{{Column: "last", Operator: "=", Value: "all"}}},
}

// BenchmarkFDWScan times each scan in a fresh session whose plugin is started, as the SQLite
// engine's is once engine.Open returns; BenchmarkFDWSessionStart is what starting it costs.
// make bench runs it with -benchtime=5x.
func BenchmarkFDWScan(b *testing.B) {
	env := sharedEnv(b)
	for _, sc := range benchScans {
		for _, cache := range []bool{false, true} {
			name := sc.name + map[bool]string{false: "/cache-off", true: "/cache-on"}[cache]
			b.Run(name, func(b *testing.B) {
				peak := 0
				for range b.N {
					b.StopTimer()
					s := startedSession(b, env, cache)
					b.StartTimer()
					if _, err := s.Query(context.Background(), sc.sql); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					peak = max(peak, peakRSSKiB(s.PID()))
					s.Close()
				}
				b.ReportMetric(float64(peak)/1024, "MiB-backend-peak-RSS")
			})
		}
	}
}

// startedSession is a fresh session (a fresh backend, plugin and memo) whose plugin is started.
func startedSession(b *testing.B, env *pgfdw.Env, cache bool) *pgfdw.Session {
	b.Helper()
	s, err := env.Connect(context.Background(), pgfdw.SessionOptions{Cache: cache})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Query(context.Background(), startPlugin); err != nil {
		s.Close()
		b.Fatal(err)
	}
	return s
}

// bareStartPlugin is startPlugin for a bare session (pgfdw.SessionOptions.Bare), whose
// search_path does not have the plugin's schema.
const bareStartPlugin = "explain select id from " + pgfdw.Connection + ".bluejay_call"

// BenchmarkFDWSessionStart is the first statement of a fresh session that names a foreign table:
// the backend loads the extension and starts the plugin. Until SDK fix 0205 most of it was the
// SDK creating its query cache (docs/performance.md). The session is bare: the setup of
// env.Connect names a foreign table, so the plugin would already be started.
func BenchmarkFDWSessionStart(b *testing.B) {
	env := sharedEnv(b)
	for range b.N {
		b.StopTimer()
		s, err := env.Connect(context.Background(), pgfdw.SessionOptions{Bare: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Query(context.Background(), bareStartPlugin); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
	}
}

// BenchmarkGRPCScan is agent 42's 2,500 calls (every column) and every agent's calls over
// the plugin protocol.
func BenchmarkGRPCScan(b *testing.B) {
	env := sharedEnv(b)
	bin, err := harness.Build()
	if err != nil {
		b.Fatal(err)
	}
	cfg := harness.Config(map[string]any{"api_key": fakeapi.DefaultAPIKey, "base_url": env.API.URL})
	for _, sc := range gRPCScans {
		b.Run(sc.name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				p, err := harness.Start(harness.Options{Binary: bin})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := p.SetConnections(harness.Connection{Name: "bluejay", Config: cfg}); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				r := p.Query(context.Background(), harness.Query{Connection: "bluejay", Table: "bluejay_call", Quals: sc.quals})
				b.StopTimer()
				p.Close()
				if r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		})
	}
}

// BenchmarkSQLiteScan is the same scans on the embedded engine, for the ratio; its "open" is
// engine.Open, what BenchmarkFDWSessionStart is to the FDW.
func BenchmarkSQLiteScan(b *testing.B) {
	env := sharedEnv(b)
	b.Run("open", func(b *testing.B) {
		for range b.N {
			db, err := engine.Open(context.Background(), engine.Config{HCL: engine.FakeHCL(env.API, fakeapi.DefaultAPIKey)})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			_ = db.Close()
			b.StartTimer()
		}
	})
	for _, sc := range benchScans[:4] {
		b.Run(sc.name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db, err := engine.Open(context.Background(), engine.Config{HCL: engine.FakeHCL(env.API, fakeapi.DefaultAPIKey)})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := db.Query(context.Background(), sc.sql); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				_ = db.Close()
			}
		})
	}
}

// peakRSSKiB is a process's peak resident set (VmHWM), 0 when it cannot be read: the
// PostgreSQL backend, which runs the plugin.
func peakRSSKiB(pid uint32) int {
	return statusKiB(pid, "VmHWM:")
}

// statusKiB is a field of a process's /proc/pid/status in KiB, 0 when it cannot be read.
func statusKiB(pid uint32, field string) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return 0
}

// backendCPU is the user and system CPU time a process has used (/proc/pid/stat, in clock
// ticks of 10 ms), 0 when it cannot be read: the PostgreSQL backend, which runs the FDW and the
// plugin. Unlike wall time, other work on the machine barely changes it.
func backendCPU(pid uint32) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// the fields after the command name, which is in parentheses: utime and stime are the
	// 12th and 13th of them
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// BenchmarkFDWJIT is one small query, repeated on one session (its calls held in the memo, so
// no request), on a server with PostgreSQL's JIT compiler on, as a stock server has it, and
// off: what docs/performance.md says about turning it off.
func BenchmarkFDWJIT(b *testing.B) {
	for _, jit := range []bool{true, false} {
		b.Run(map[bool]string{true: "jit-on", false: "jit-off"}[jit], func(b *testing.B) {
			skipOrFail(b, pgfdw.Installed())
			env, err := pgfdw.StartEnv(context.Background(), pgfdw.EnvOptions{JIT: jit})
			skipOrFail(b, err)
			defer env.Close()
			s := session(b, env, false)
			const sql = "select count(*) from bluejay_call where agent_id = '42' and last = '1day'"
			query(b, s, sql)
			b.ResetTimer()
			for range b.N {
				query(b, s, sql)
			}
		})
	}
}

// BenchmarkFDWJoinInnerScans runs the 30-day call/evaluation join over and over on one
// session. After the first run its pages and calls are in the memo, so a run sends no request
// and is the cost of the nested loop alone: one inner scan per call, each a fresh SDK execute
// that the plugin answers from the memo. It reports that per inner scan. With
// BLUEJAY_FDW_CPUPROFILE=file it also writes a 10-second CPU profile of the backend, running
// the join until the profile ends (the FDW serves pprof when STEAMPIPE_FDW_PPROF is set).
func BenchmarkFDWJoinInnerScans(b *testing.B) {
	profile := os.Getenv("BLUEJAY_FDW_CPUPROFILE")
	env := sharedEnv(b)
	if profile != "" {
		var err error
		env, err = pgfdw.StartEnv(context.Background(), pgfdw.EnvOptions{API: fakeapi.Options{Now: func() time.Time { return now }}, ServerEnv: []string{"STEAMPIPE_FDW_PPROF=1"}})
		skipOrFail(b, err)
		defer env.Close()
	}
	s := session(b, env, false)
	outer := len(query(b, s, joinCases[1].join).Rows)
	var profiled <-chan error
	if profile != "" {
		profiled = backendCPUProfile(b, s.PID(), 10*time.Second, profile)
	}
	cpu, peak := backendCPU(s.PID()), peakRSSKiB(s.PID())
	b.ResetTimer()
	for range b.N {
		query(b, s, joinCases[1].join)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*outer), "ns/inner-scan")
	b.ReportMetric(float64((backendCPU(s.PID())-cpu).Nanoseconds())/float64(b.N*outer), "cpu-ns/inner-scan")
	// The FDW keeps every rescanned scan's state for the session (third_party/README.md, 0206):
	// what the backend's peak RSS grew by, an inner scan, is what a session pays for its joins.
	b.ReportMetric(float64((peakRSSKiB(s.PID())-peak)*1024)/float64(b.N*outer), "peak-RSS-B/inner-scan")
	for profiled != nil {
		select {
		case err := <-profiled:
			if err != nil {
				b.Fatal(err)
			}
			profiled = nil
		default:
			query(b, s, joinCases[1].join)
		}
	}
}

// BenchmarkFDWJoinAgainstItsScans is issue 19's measure of a join: the 30-day call/evaluation
// join against its two scans alone (calls-30days and evaluations-30days), each in a fresh session
// whose plugin is started, as BenchmarkFDWScan runs them, but in turn within every iteration, so
// that the machine's load falls on the three alike: run one after the other as sub-benchmarks,
// the ratio moved by more than the distance to its target with the load between them.
func BenchmarkFDWJoinAgainstItsScans(b *testing.B) {
	env := sharedEnv(b)
	names := []string{"join-30days", "calls-30days", "evaluations-30days"}
	spent := make([]time.Duration, len(names))
	for range b.N {
		for i, name := range names {
			spent[i] += timedInFreshSession(b, env, benchScan(b, name))
		}
	}
	for i, name := range names {
		b.ReportMetric(float64(spent[i].Microseconds())/1e3/float64(b.N), "ms/"+name)
	}
	b.ReportMetric(float64(spent[0])/float64(spent[1]+spent[2]), "join/scans")
}

// timedInFreshSession is how long a query takes in a fresh session whose plugin is started.
func timedInFreshSession(b *testing.B, env *pgfdw.Env, sql string) time.Duration {
	s := startedSession(b, env, false)
	defer s.Close()
	start := time.Now()
	query(b, s, sql)
	return time.Since(start)
}

// benchScan is the SQL of the scan of benchScans with this name.
func benchScan(b *testing.B, name string) string {
	for _, sc := range benchScans {
		if sc.name == name {
			return sc.sql
		}
	}
	b.Fatalf("no scan %q in benchScans", name)
	return ""
}

// BenchmarkFDWJoins runs the one-sided call/tool call join and the 30-day call/evaluation join
// of docs/joins.md, each in a fresh session (its pages read again, as a user's first join), on
// a server with PostgreSQL's JIT compiler off, as docs/index.md sets it, and on, as a stock
// server has it. It reports the join's time and its inner scans' share of it.
func BenchmarkFDWJoins(b *testing.B) {
	for _, jit := range []bool{false, true} {
		b.Run(map[bool]string{true: "jit-on", false: "jit-off"}[jit], func(b *testing.B) {
			env := sharedEnv(b)
			if jit {
				var err error
				env, err = pgfdw.StartEnv(context.Background(), pgfdw.EnvOptions{API: fakeapi.Options{Now: func() time.Time { return now }}, JIT: true})
				skipOrFail(b, err)
				defer env.Close()
			}
			for _, c := range []struct {
				name string
				join joinCase
			}{{"tool-call-one-sided", joinCases[0]}, {"evaluation-30days", joinCases[1]}} {
				b.Run(c.name, func(b *testing.B) {
					var cpu time.Duration
					for range b.N {
						b.StopTimer()
						s := session(b, env, false)
						before := backendCPU(s.PID())
						b.StartTimer()
						query(b, s, c.join.join)
						cpu += backendCPU(s.PID()) - before
					}
					b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/join")
					b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "backend-cpu-ms/join")
				})
			}
			b.Logf("the 30-day join's JIT work: %s", jitWork(b, session(b, env, false), joinCases[1].join))
		})
	}
}

// jitWork is the JIT section of EXPLAIN ANALYZE for a query (empty with JIT off): how many
// functions PostgreSQL compiled and the time it took. PostgreSQL prints it only with costs on.
// The FDW's goFdwReScanForeignScan begins every inner scan anew, and its getQualValue calls
// ExecInitExpr on the join's parameter each time, which JIT compiles.
func jitWork(b *testing.B, s *pgfdw.Session, sql string) string {
	var lines []string
	inJIT := false
	for _, row := range query(b, s, "explain (analyze) "+sql).Rows {
		if strings.HasPrefix(row[0], "JIT:") {
			inJIT = true
		}
		if inJIT {
			lines = append(lines, strings.TrimSpace(row[0]))
		}
	}
	return strings.Join(lines, "; ")
}

// backendCPUProfile profiles a backend for d through the pprof server the FDW starts in it, on
// a port it only logs, so it is looked up with ss. The profile is written to path, and the
// backend's heap after it to path.heap: what a session keeps from the joins it has run.
func backendCPUProfile(b *testing.B, pid uint32, d time.Duration, path string) <-chan error {
	b.Helper()
	out, err := exec.Command("ss", "-Hltnp").CombinedOutput()
	if err != nil {
		b.Fatalf("ss: %v\n%s", err, out)
	}
	m := regexp.MustCompile(fmt.Sprintf(`127\.0\.0\.1:(\d+)\s.*pid=%d,`, pid)).FindSubmatch(out)
	if m == nil {
		b.Fatalf("no pprof port of backend %d in\n%s", pid, out)
	}
	done := make(chan error, 1)
	go func() {
		base := "http://127.0.0.1:" + string(m[1]) + "/debug/pprof/"
		if err := download(fmt.Sprintf("%sprofile?seconds=%d", base, int(d.Seconds())), path); err != nil {
			done <- err
			return
		}
		done <- download(base+"heap?gc=1", path+".heap")
	}()
	return done
}

// download writes what url returns to path.
func download(url, path string) error {
	resp, err := http.Get(url) //nolint:gosec // a loopback pprof server the test found
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// manyAgents are the accounts of the many-agent scenarios of cmd/bluejay-bench (10,000 calls
// over 50 or 500 agents), read through the FDW with no agent_id at 50 ms a request.
var manyAgents = []struct {
	name          string
	agents, calls int
}{
	{"50x200", 50, 200},
	{"500x20", 500, 20},
}

// manyAgentsLatency is the fake's latency per request in BenchmarkFDWManyAgents, as in
// cmd/bluejay-bench.
const manyAgentsLatency = 50 * time.Millisecond

// BenchmarkFDWManyAgents reads every agent's calls (`last = 'all'`, no agent_id) of a many-agent
// account through the FDW, in a started session. It reports the time against the bound of
// docs/performance.md counted in round trips of the fake's latency alone: one for the agent
// list, then ceil(pages / max_concurrency) (8) for the pages. That is a lower bound (it leaves
// out decoding and sending the pages), so the ratio is a ceiling. It also reports the most
// requests the fake had in flight, and the backend's peak RSS.
func BenchmarkFDWManyAgents(b *testing.B) {
	skipOrFail(b, pgfdw.Installed())
	for _, acct := range manyAgents {
		b.Run(acct.name, func(b *testing.B) {
			specs := make([]fakeapi.AgentSpec, acct.agents)
			for i := range specs {
				specs[i] = fakeapi.AgentSpec{ID: fmt.Sprintf("fleet-%03d", i+1), Calls: acct.calls}
			}
			env, err := pgfdw.StartEnv(context.Background(), pgfdw.EnvOptions{API: fakeapi.Options{Agents: specs, Latency: manyAgentsLatency, Now: func() time.Time { return now }}})
			skipOrFail(b, err)
			defer env.Close()
			for _, a := range specs {
				env.API.Warm(a.ID) // encode the calls ahead, as cmd/bluejay-bench does
			}
			pages := acct.agents * ((acct.calls + api.MaxPageSize - 1) / api.MaxPageSize)
			bound := time.Duration(1+(pages+7)/8) * manyAgentsLatency
			const sql = "select count(*) from bluejay_call where last = 'all'"
			peakRSS, peakInFlight := 0, 0
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				s := startedSession(b, env, false)
				env.API.ResetRequests()
				b.StartTimer()
				if n := count(b, s, sql); n != acct.agents*acct.calls {
					b.Fatalf("%d calls, want %d", n, acct.agents*acct.calls)
				}
				b.StopTimer()
				peakRSS = max(peakRSS, peakRSSKiB(s.PID()))
				peakInFlight = max(peakInFlight, env.API.PeakInFlight())
				s.Close()
			}
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(bound), "x-bound")
			b.ReportMetric(float64(peakInFlight), "peak-in-flight")
			b.ReportMetric(float64(peakRSS)/1024, "MiB-backend-peak-RSS")
		})
	}
}

// BenchmarkFDWPluginStartParts splits a plugin start in a fresh backend, the cost Powerpipe
// pays once per connection: `load` of the extension's shared library (the dynamic linker
// relocating it, and the Go runtime starting), then the first statement naming a foreign table
// (the FDW's hub and the plugin, its connection config and schema). The Go runtime runs the
// library's package initialisers in the background after `load` returns, and that first
// statement waits for them: "at-once" runs it straight after `load`, as a session does,
// "after-init" first waits 500 ms, so that its time is the plugin's own; the backend's CPU in
// the wait (cpu-ms-init-in-background) is the initialisers'.
func BenchmarkFDWPluginStartParts(b *testing.B) {
	env := sharedEnv(b)
	for _, wait := range []time.Duration{0, 500 * time.Millisecond} {
		b.Run(map[bool]string{true: "at-once", false: "after-init"}[wait == 0], func(b *testing.B) {
			var load, plan, initCPU, cpu time.Duration
			for range b.N {
				s, err := env.Connect(context.Background(), pgfdw.SessionOptions{Bare: true})
				if err != nil {
					b.Fatal(err)
				}
				pid := s.PID()
				cpu0 := backendCPU(pid)
				load += timed(b, s, "load '"+pgfdw.Extension+"'")
				cpu1 := backendCPU(pid)
				time.Sleep(wait)
				initCPU += backendCPU(pid) - cpu1
				plan += timed(b, s, bareStartPlugin)
				cpu += backendCPU(pid) - cpu0
				s.Close()
			}
			n := float64(b.N)
			b.ReportMetric(float64(load.Milliseconds())/n, "ms-load")
			b.ReportMetric(float64(plan.Milliseconds())/n, "ms-first-foreign-statement")
			b.ReportMetric(float64(initCPU.Milliseconds())/n, "cpu-ms-init-in-background")
			b.ReportMetric(float64(cpu.Milliseconds())/n, "backend-cpu-ms")
		})
	}
}

// timed runs a statement and returns its wall time.
func timed(b *testing.B, s *pgfdw.Session, sql string) time.Duration {
	b.Helper()
	start := time.Now()
	if _, err := s.Query(context.Background(), sql); err != nil {
		b.Fatalf("%s: %v", sql, err)
	}
	return time.Since(start)
}
