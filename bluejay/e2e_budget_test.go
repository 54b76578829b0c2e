package bluejay_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// The connection's max_concurrency bounds the requests in flight of every scan of the
// connection together (bluejay/budget.go). The fake counts the requests it is handling when each
// one arrives; its latency keeps them open long enough to overlap.

const budgetConcurrency = 3

// budgetAgents are agents of calls calls each, "b01", "b02", ...
func budgetAgents(n, calls int) []fakeapi.AgentSpec {
	out := make([]fakeapi.AgentSpec, n)
	for i := range out {
		out[i] = fakeapi.AgentSpec{ID: fmt.Sprintf("b%02d", i+1), Calls: calls}
	}
	return out
}

func agentIDs(specs []fakeapi.AgentSpec) []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.ID
	}
	return out
}

// newBudgetEnv is a plugin with max_concurrency 3 on a fake of the given agents, 20 ms a request.
func newBudgetEnv(t *testing.T, agents []fakeapi.AgentSpec, faults fakeapi.Faults) *env {
	t.Helper()
	return newEnv(t, fakeapi.Options{Agents: agents, Latency: 20 * time.Millisecond, Faults: faults},
		map[string]any{"max_concurrency": budgetConcurrency, "max_retries": 0})
}

func (e *env) expectedCalls(agents []fakeapi.AgentSpec) int {
	n := 0
	for _, a := range agents {
		n += len(e.srv.Expected(a.ID, "", "all"))
	}
	return n
}

func (e *env) checkPeakInFlight() {
	e.t.Helper()
	if peak := e.srv.PeakInFlight(); peak > budgetConcurrency {
		e.t.Errorf("%d requests in flight at once, max_concurrency is %d", peak, budgetConcurrency)
	}
}

// No agent_id: every agent, one page each, read at once but never more than the budget.
func TestBudgetBoundsAScanOfEveryAgent(t *testing.T) {
	agents := budgetAgents(12, 50)
	e := newBudgetEnv(t, agents, fakeapi.Faults{})
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("last", "all")}, 0, "id", "agent_id")
	if want := e.expectedCalls(agents); len(rows) != want {
		t.Fatalf("got %d rows, want %d", len(rows), want)
	}
	if n := len(e.callLogRequests()); n != len(agents) {
		t.Errorf("sent %d page requests for %d one-page agents", n, len(agents))
	}
	e.checkPeakInFlight()
	// Read one after another, one-page agents never overlapped.
	if peak := e.srv.PeakInFlight(); peak < 2 {
		t.Errorf("peak of %d request in flight: the agents were read one after another", peak)
	}
}

// An IN list is one list call per agent in the SDK; together they keep to the budget.
func TestBudgetBoundsTheMembersOfAnInList(t *testing.T) {
	agents := budgetAgents(8, 350)
	e := newBudgetEnv(t, agents, fakeapi.Faults{})
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", agentIDs(agents)), eq("last", "all")}, 0, "id")
	if want := e.expectedCalls(agents); len(rows) != want {
		t.Fatalf("got %d rows, want %d", len(rows), want)
	}
	if n, want := len(e.callLogRequests()), 8*4; n != want {
		t.Errorf("sent %d page requests, want %d", n, want)
	}
	e.checkPeakInFlight()
}

// Two queries at once on one connection, a parent table and a child table, share the budget.
func TestBudgetBoundsConcurrentQueriesOfAConnection(t *testing.T) {
	agents := budgetAgents(6, 350)
	e := newBudgetEnv(t, agents, fakeapi.Faults{})
	queries := []struct {
		table  string
		agents []string
	}{
		{"bluejay_call", agentIDs(agents[:3])},
		{"bluejay_call_evaluation", agentIDs(agents[3:])},
	}
	results := make([]harness.Result, len(queries))
	var wg sync.WaitGroup
	for i, q := range queries {
		wg.Go(func() {
			results[i] = e.query(q.table, []harness.Qual{eq("agent_id", q.agents), eq("last", "all")}, 0, "call_id")
		})
	}
	wg.Wait()
	for i, r := range results {
		if r.Err != nil || len(r.Rows) == 0 {
			t.Fatalf("%s: %d rows, %v", queries[i].table, len(r.Rows), r.Err)
		}
	}
	if n, want := len(e.callLogRequests()), 6*4; n != want {
		t.Errorf("sent %d page requests, want %d", n, want)
	}
	e.checkPeakInFlight()
}

// A LIMIT stops a scan of every agent once it has its rows: the pages of the agents after them
// are never asked for.
func TestLimitStopsAScanOfEveryAgentEarly(t *testing.T) {
	agents := budgetAgents(12, 50)
	e := newBudgetEnv(t, agents, fakeapi.Faults{})
	for _, tc := range []struct {
		limit int64
		pages int
	}{
		// One page of 5 calls of the first agent.
		{5, 1},
		// Pages of 100: two agents (100 rows), then a third for the last 20.
		{120, 3},
	} {
		e.srv.ResetRequests()
		rows := e.mustQuery("bluejay_call", []harness.Qual{eq("last", "all")}, tc.limit, "id")
		if int64(len(rows)) != tc.limit {
			t.Errorf("limit %d: got %d rows", tc.limit, len(rows))
		}
		if n := len(e.callLogRequests()); n != tc.pages {
			t.Errorf("limit %d: sent %d page requests, want %d", tc.limit, n, tc.pages)
		}
	}
}

// One agent failing fails the whole scan, with an error that names the failure.
func TestAnAgentThatFailsFailsTheScanOfEveryAgent(t *testing.T) {
	agents := budgetAgents(12, 350)
	e := newBudgetEnv(t, agents, fakeapi.Faults{Func: failPagesFrom("b07", 2)})
	r := e.query("bluejay_call", []harness.Qual{eq("last", "all")}, 0, "id")
	if r.Err == nil {
		t.Fatalf("the scan returned %d rows and no error", len(r.Rows))
	}
	if !strings.HasPrefix(r.Err.Error(), "bluejay: ") || !strings.Contains(r.Err.Error(), "500") {
		t.Errorf("unclear error: %v", r.Err)
	}
	if want := e.expectedCalls(agents); len(r.Rows) >= want {
		t.Errorf("got every row (%d) despite the error", len(r.Rows))
	}
}
