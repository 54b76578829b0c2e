package bluejay_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// An aggregator the Steampipe CLI's way: the FDW sends one Execute for the aggregator connection
// whose ExecuteConnectionData names each child (hub_remote.go, scan_iterator_base.go in
// steampipe-postgres-fdw v2.2.2), and the SDK runs the scan once per child, each with its own
// connection config. harness.Request builds that request for a Connection with Children.

// Two organisations: each its own fake API, key and data (an agent 42 in each, with other
// calls), and its own max_concurrency. Agent 42's pages take each connection as many round trips
// (16 pages 8 at a time, 8 pages 4 at a time): at 50 ms a request the scans are bound by the
// latency, which the two connections wait for at once, more than by the CPU they share.
const (
	orgA, orgB, orgAll = "bluejay_a", "bluejay_b", "bluejay_all"
	keyA, keyB         = testKey, "bj-test-key-B-MUST-NOT-LEAK-51d0"
	budgetA, budgetB   = 8, 4
)

type aggregatorEnv struct {
	a, b   *fakeapi.Server
	plugin *harness.Plugin
	logs   *harness.LogBuffer
}

// newAggregatorEnv starts the two fakes with latency per request and one plugin with the two
// connections and the aggregator over them; badKeyB gives B a key its API rejects.
func newAggregatorEnv(tb testing.TB, latency time.Duration, badKeyB bool) *aggregatorEnv {
	tb.Helper()
	e := &aggregatorEnv{
		a:    fakeapi.NewServer(fakeapi.Options{APIKey: keyA, Now: time.Now, Latency: latency, Agents: []fakeapi.AgentSpec{{ID: "42", Calls: 1600}, {ID: "a-1", Calls: 40}}}),
		b:    fakeapi.NewServer(fakeapi.Options{APIKey: keyB, Seed: 2, Now: time.Now, Latency: latency, Agents: []fakeapi.AgentSpec{{ID: "42", Calls: 800}, {ID: "b-1", Calls: 40}}}),
		logs: harness.NewLogBuffer(),
	}
	tb.Cleanup(e.a.Close)
	tb.Cleanup(e.b.Close)
	bin, err := harness.Build()
	if err != nil {
		tb.Fatal(err)
	}
	e.plugin, err = harness.Start(harness.Options{Binary: bin, LogOutput: e.logs, Env: []string{"STEAMPIPE_LOG_LEVEL=INFO"}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(e.plugin.Close)
	b := keyB
	if badKeyB {
		b = "not-the-key-of-B"
	}
	if _, err := e.plugin.SetConnections(
		harness.Connection{Name: orgA, Config: harness.Config(map[string]any{"api_key": keyA, "base_url": e.a.URL, "max_concurrency": budgetA})},
		harness.Connection{Name: orgB, Config: harness.Config(map[string]any{"api_key": b, "base_url": e.b.URL, "max_concurrency": budgetB, "max_retries": 0})},
		harness.Connection{Name: orgAll, Children: []string{orgA, orgB}},
	); err != nil {
		tb.Fatal(err)
	}
	return e
}

// scan42 reads agent 42's calls of every window through connection.
func (e *aggregatorEnv) scan42(ctx context.Context, connection string) harness.Result {
	return e.plugin.Query(ctx, harness.Query{Connection: connection, Table: "bluejay_call",
		Columns: []string{"id", "agent_id", "sp_connection_name"}, Quals: []harness.Qual{eq("agent_id", "42"), eq("last", "all")}})
}

// TestAggregatorReadsEachConnectionOnce: agent_id reaches both children's APIs, each with its own
// key; each child's calls come back once, named by sp_connection_name; the two read at once,
// each within its own max_concurrency.
func TestAggregatorReadsEachConnectionOnce(t *testing.T) {
	e := newAggregatorEnv(t, 20*time.Millisecond, false)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := e.scan42(ctx, orgAll)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	for _, org := range []struct {
		name string
		api  *fakeapi.Server
		cap  int
	}{{orgA, e.a, budgetA}, {orgB, e.b, budgetB}} {
		var got []string
		for _, row := range r.Rows {
			if row["sp_connection_name"] == org.name {
				got = append(got, row["id"].(string))
			}
		}
		slices.Sort(got)
		if want := callIDs(org.api.Expected("42", "", "all")); !slices.Equal(got, want) {
			t.Errorf("%s: %d rows, want its API's %d calls of agent 42 once each", org.name, len(got), len(want))
		}
		for _, req := range org.api.Requests() {
			if !req.KeyValid || req.AgentID != "42" {
				t.Fatalf("%s's API got %s (key valid: %v); want agent 42's pages with its own key", org.name, req.Path, req.KeyValid)
			}
		}
		if peak := org.api.PeakInFlight(); peak > org.cap {
			t.Errorf("%s had %d requests in flight, its max_concurrency is %d", org.name, peak, org.cap)
		}
	}
	if r.RowsByConnection[orgA]+r.RowsByConnection[orgB] != len(r.Rows) {
		t.Errorf("rows by connection %v do not add up to %d rows", r.RowsByConnection, len(r.Rows))
	}
	if !overlap(e.a.Requests(), e.b.Requests()) {
		t.Error("the two connections' requests did not overlap in time: the aggregator read them one after the other")
	}
	if strings.Contains(e.logs.String(), keyB) || strings.Contains(e.logs.String(), keyA) {
		t.Error("an API key is in the plugin log")
	}
}

// TestAggregatorFailsWithTheFailingConnectionNamed: one child with a key its API rejects fails
// the aggregator's query, and the error names that child.
func TestAggregatorFailsWithTheFailingConnectionNamed(t *testing.T) {
	e := newAggregatorEnv(t, 0, true)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := e.scan42(ctx, orgAll)
	if r.Err == nil || !strings.Contains(r.Err.Error(), orgB) || !strings.Contains(r.Err.Error(), "rejected the API key") {
		t.Fatalf("got %d rows and error %v; want the error of %s's key", len(r.Rows), r.Err, orgB)
	}
	if strings.Contains(r.Err.Error(), "not-the-key-of-B") {
		t.Fatal("the error holds the rejected key")
	}
}

// overlap reports whether the two request logs' spans (first arrival to last arrival) overlap.
func overlap(a, b []fakeapi.Request) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	return !a[0].At.After(b[len(b)-1].At) && !b[0].At.After(a[len(a)-1].At)
}

// BenchmarkAggregator: the aggregator's scan of agent 42 over both connections, beside each
// connection's own scan, at 50 ms a request, each on a fresh plugin (an empty memo). The target
// is the two connections read at once, each within its own budget: "ratio", the aggregator's
// time over the slower connection's own, at most 1.2. "cpu-ms" is the plugin process's CPU time
// for each scan: the two connections share one process's CPU, which on a busy machine the
// latency no longer hides.
func BenchmarkAggregator(b *testing.B) {
	var alone, cpu [3]time.Duration
	conns := []string{orgA, orgB, orgAll}
	for range b.N {
		for i, conn := range conns {
			t, c := timedScan42(b, conn)
			alone[i] += t
			cpu[i] += c
		}
	}
	n := float64(b.N)
	for i, name := range []string{"a", "b", "aggregator"} {
		b.ReportMetric(float64(alone[i].Milliseconds())/n, name+"-ms")
		b.ReportMetric(float64(cpu[i].Milliseconds())/n, name+"-cpu-ms")
	}
	b.ReportMetric(float64(alone[2])/float64(max(alone[0], alone[1])), "ratio")
}

// timedScan42 is how long scan42 through connection takes on a fresh plugin, and the plugin's
// CPU time for it.
func timedScan42(b *testing.B, connection string) (time.Duration, time.Duration) {
	b.StopTimer()
	defer b.StartTimer()
	e := newAggregatorEnv(b, 50*time.Millisecond, false)
	defer e.plugin.Close()
	cpu := processCPUOf(b, e.plugin.Pid())
	start := time.Now()
	r := e.scan42(context.Background(), connection)
	took := time.Since(start)
	if r.Err != nil || len(r.Rows) == 0 {
		b.Fatalf("%s: %d rows, %v", connection, len(r.Rows), r.Err)
	}
	return took, processCPUOf(b, e.plugin.Pid()) - cpu
}

// processCPUOf is a process's user and system CPU time so far, from /proc (in clock ticks of
// 10 ms).
func processCPUOf(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The fields after the command name, which is in parentheses: utime and stime are the
	// 12th and 13th.
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
