package fdwtest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
)

// The scans docs/performance.md compares across engines: agent 42's 2,500 calls, read through
// the FDW (a fresh session, so a fresh plugin and memo, each time) and on the SQLite engine
// (a fresh database each time), over the same fake API with no latency.
var benchScans = []struct{ name, sql string }{
	{"count", "select count(*) from bluejay_call where agent_id = '42' and last = 'all'"},
	{"id", "select id from bluejay_call where agent_id = '42' and last = 'all'"},
	{"star", "select * from bluejay_call where agent_id = '42' and last = 'all'"},
	{"agents-all", "select count(*) from bluejay_call where last = 'all'"},
	{"join-30days", joinCases[1].join},
}

// gRPCScans are the same scans over the plugin protocol, as the Steampipe CLI's plugin manager
// runs the plugin: a fresh plugin process each time.
var gRPCScans = []struct {
	name  string
	quals []harness.Qual
}{
	{"scan", []harness.Qual{{Column: "agent_id", Operator: "=", Value: "42"}, {Column: "last", Operator: "=", Value: "all"}}},
	{"agents-all", []harness.Qual{{Column: "last", Operator: "=", Value: "all"}}},
}

// BenchmarkFDWScan: make bench runs it with -benchtime=5x.
func BenchmarkFDWScan(b *testing.B) {
	env := sharedEnv(b)
	for _, sc := range benchScans {
		for _, cache := range []bool{false, true} {
			name := sc.name + map[bool]string{false: "/cache-off", true: "/cache-on"}[cache]
			b.Run(name, func(b *testing.B) {
				peak := 0
				for range b.N {
					b.StopTimer()
					s, err := env.Connect(context.Background(), pgfdw.SessionOptions{Cache: cache})
					if err != nil {
						b.Fatal(err)
					}
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

// BenchmarkSQLiteScan is the same scans on the embedded engine, for the ratio.
func BenchmarkSQLiteScan(b *testing.B) {
	env := sharedEnv(b)
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
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return 0
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
