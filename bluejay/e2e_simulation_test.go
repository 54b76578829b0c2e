package bluejay_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// The testing tables over the plugin protocol: rows against the fake's simulations, runs and
// results, and the requests each query sends.

// testingRequests are the fake's requests to its testing endpoints, by path prefix.
func (e *env) testingRequests(prefix string) []fakeapi.Request {
	var out []fakeapi.Request
	for _, r := range e.srv.Requests() {
		if strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func TestSimulationRunsWalkEveryAgentOnce(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	rows := e.mustQuery("bluejay_simulation_run", nil, -1, "id", "simulation_id", "agent_id", "status", "tests_passed", "tests_completed", "pass_pct")
	var want []string
	byID := map[string]fakeapi.RunInfo{}
	sims := 0
	for _, a := range e.srv.AgentsData() {
		for _, sim := range e.srv.Simulations(a.ID.Value) {
			sims++
			for _, r := range sim.Runs {
				want = append(want, r.ID)
				byID[r.ID] = r
			}
		}
	}
	if got := ids(rows, "id"); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("run ids %v, want %v", got, want)
	}
	for _, row := range rows {
		r := byID[row["id"].(string)]
		if row["status"] != r.Status || row["tests_passed"] != int64(r.Passed) || row["agent_id"] == nil {
			t.Errorf("row %v, want %+v", row, r)
		}
		if r.Completed > 0 && row["pass_pct"] != 100*float64(r.Passed)/float64(r.Completed) {
			t.Errorf("pass_pct %v of run %+v", row["pass_pct"], r)
		}
	}
	agents := len(e.srv.AgentsData())
	if n := len(e.testingRequests("/v1/get-simulations-by-agent/")); n != agents {
		t.Errorf("%d simulation lists, want one per agent (%d)", n, agents)
	}
	if n := len(e.testingRequests("/v1/get-simulation-runs/")); n != sims {
		t.Errorf("%d run lists, want one per simulation (%d)", n, sims)
	}
	if n := len(e.testingRequests("/v1/simulation/")); n != 0 {
		t.Errorf("%d simulation gets, want none: the walk knows every run's agent", n)
	}
}

func TestOneRunsResultsSendOneRequest(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	sim := e.srv.Simulations("42")[0]
	run := sim.Runs[len(sim.Runs)-1]
	rows := e.mustQuery("bluejay_simulation_result", []harness.Qual{eq("simulation_run_id", run.ID)}, -1, "id", "simulation_run_id", "simulation_id", "hallucination", "goal_success", "status")
	if len(rows) != run.Completed {
		t.Fatalf("%d results, want %d", len(rows), run.Completed)
	}
	hallucinated, passed := 0, 0
	for _, row := range rows {
		if row["simulation_run_id"] != run.ID || row["simulation_id"] != sim.ID {
			t.Errorf("row %v: want run %s of simulation %s", row, run.ID, sim.ID)
		}
		if row["hallucination"] == true {
			hallucinated++
		}
		if row["goal_success"] == true && row["status"] == "PASSED" {
			passed++
		}
	}
	if hallucinated != run.Hallucinated || passed != run.Passed {
		t.Errorf("%d hallucinated, %d passed; want %d and %d", hallucinated, passed, run.Hallucinated, run.Passed)
	}
	if reqs := e.srv.Requests(); len(reqs) != 1 || reqs[0].RunID != run.ID {
		t.Fatalf("requests %+v, want the one results request", reqs)
	}
	// Naming agent_id costs the run's simulation, once.
	e.srv.ResetRequests()
	rows = e.mustQuery("bluejay_simulation_result", []harness.Qual{eq("simulation_run_id", run.ID)}, -1, "id", "agent_id")
	if rows[0]["agent_id"] != "42" {
		t.Errorf("agent_id %v, want 42", rows[0]["agent_id"])
	}
	if reqs := e.srv.Requests(); len(reqs) != 1 || reqs[0].SimulationID != sim.ID {
		t.Errorf("requests %+v, want one get of simulation %s (the results come from the memo)", reqs, sim.ID)
	}
}

func TestRunCreatedAtBoundSkipsOlderRunsResults(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	sim := e.srv.Simulations("7")[0]
	since := time.Now().Add(-4 * 24 * time.Hour)
	var want []string
	for _, r := range sim.Runs {
		if r.CreatedAt.After(since) {
			want = append(want, r.ID)
		}
	}
	rows := e.mustQuery("bluejay_simulation_result", []harness.Qual{eq("agent_id", "7"), {Column: "run_created_at", Operator: ">=", Value: since}}, -1, "id", "simulation_run_id")
	if got := slices.Compact(ids(rows, "simulation_run_id")); !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("runs %v, want %v", got, want)
	}
	if n := len(e.testingRequests("/v1/retrieve-simulation-results/")); n != len(want) {
		t.Errorf("%d results requests, want %d: one per run since the bound", n, len(want))
	}
}

func TestSimulationDetailOnlyWhenNamed(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	rows := e.mustQuery("bluejay_simulation", []harness.Qual{eq("agent_id", "42")}, -1, "id", "name", "agent_id")
	if len(rows) != 2 || len(e.srv.Requests()) != 1 {
		t.Fatalf("%d rows, requests %+v; want 2 rows from one list", len(rows), e.srv.Requests())
	}
	e.srv.ResetRequests()
	rows = e.mustQuery("bluejay_simulation", []harness.Qual{eq("agent_id", "42")}, -1, "id", "max_turns", "type")
	if len(rows) != 2 || rows[0]["max_turns"] == nil || rows[0]["type"] == nil {
		t.Fatalf("rows %v, want the detail columns filled", rows)
	}
	if n := len(e.testingRequests("/v1/simulation/")); n != 2 {
		t.Errorf("%d simulation gets, want one per simulation (2)", n)
	}
}

func TestTestingBadInputIsRefused(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	cases := []struct {
		table string
		quals []harness.Qual
		want  string
		sends bool
	}{
		{"bluejay_simulation", []harness.Qual{eq("id", "abc")}, `id = "abc" is not a simulation id`, false},
		{"bluejay_simulation_run", []harness.Qual{eq("simulation_id", "")}, `simulation_id = "" is not a simulation id`, false},
		{"bluejay_simulation_result", []harness.Qual{eq("simulation_run_id", "")}, "simulation_run_id = '' matches no run", false},
		{"bluejay_simulation_run", []harness.Qual{eq("agent_id", "")}, "agent_id = '' matches no simulation", false},
		{"bluejay_simulation_run", []harness.Qual{eq("simulation_id", []string{"1001", "x1"})}, `simulation_id = "x1" is not a simulation id`, false},
		{"bluejay_simulation", []harness.Qual{eq("id", "999999")}, `id = "999999": the API knows no such id`, true},
		{"bluejay_simulation_run", []harness.Qual{eq("simulation_id", "999999")}, `simulation_id = "999999": the API knows no such id`, true},
		{"bluejay_simulation_result", []harness.Qual{eq("simulation_run_id", "1001999")}, `simulation_run_id = "1001999": the API knows no such id`, true},
	}
	for _, tc := range cases {
		e.srv.ResetRequests()
		r := e.query(tc.table, tc.quals, -1, "id")
		if r.Err == nil || !strings.Contains(r.Err.Error(), tc.want) {
			t.Errorf("%s %v: %v rows, error %v; want %q", tc.table, tc.quals, len(r.Rows), r.Err, tc.want)
		}
		if sent := len(e.srv.Requests()) > 0; sent != tc.sends {
			t.Errorf("%s %v: sent %d requests, want any: %v", tc.table, tc.quals, len(e.srv.Requests()), tc.sends)
		}
	}
}

func TestTestingFaultsAreErrorsNotShortResults(t *testing.T) {
	e := newEnv(t, fakeapi.Options{Faults: fakeapi.Faults{Rate: 1, OnlyPaths: "/v1/retrieve-simulation-results/"}}, map[string]any{"max_retries": 1})
	r := e.query("bluejay_simulation_result", []harness.Qual{eq("agent_id", "42")}, -1, "id")
	if r.Err == nil || !strings.Contains(r.Err.Error(), "500") {
		t.Fatalf("%d rows, error %v; want the 500 as an error", len(r.Rows), r.Err)
	}
	e.srv.SetFaults(fakeapi.Faults{Rate: 1, Kinds: []string{"422"}, OnlyPaths: "/v1/get-simulation-runs/"})
	r = e.query("bluejay_simulation_run", []harness.Qual{eq("simulation_id", "2001")}, -1, "id") // agent 7's: the first query never read it, so the memo has not either
	if r.Err == nil || !strings.Contains(r.Err.Error(), "422") {
		t.Fatalf("%d rows, error %v; want the 422 as an error", len(r.Rows), r.Err)
	}
}

func TestTestingWalkStaysWithinTheBudget(t *testing.T) {
	var agents []fakeapi.AgentSpec
	for i := range 6 {
		agents = append(agents, fakeapi.AgentSpec{ID: fmt.Sprint("a", i), Simulations: fakeapi.UniformSimulations(3, 4, 2)})
	}
	e := newEnv(t, fakeapi.Options{Agents: agents, Latency: 20 * time.Millisecond}, map[string]any{"max_concurrency": 3})
	rows := e.mustQuery("bluejay_simulation_result", nil, -1, "id")
	if len(rows) != 6*3*4*2 {
		t.Fatalf("%d results, want %d", len(rows), 6*3*4*2)
	}
	if peak := e.srv.PeakInFlight(); peak > 3 {
		t.Errorf("peak in flight %d, budget 3", peak)
	}
	if n := len(e.srv.Requests()); n != 1+6+6*3+6*3*4 {
		t.Errorf("%d requests, want %d: agents, simulation lists, run lists, results, each once", n, 1+6+6*3+6*3*4)
	}
}

func TestTestingWalkStopsAtTheLimit(t *testing.T) {
	var agents []fakeapi.AgentSpec
	for i := range 4 {
		agents = append(agents, fakeapi.AgentSpec{ID: fmt.Sprint("a", i), Simulations: fakeapi.UniformSimulations(3, 5, 4)})
	}
	e := newEnv(t, fakeapi.Options{Agents: agents, Latency: 20 * time.Millisecond}, map[string]any{"max_concurrency": 2})
	rows := e.mustQuery("bluejay_simulation_result", nil, 3, "id")
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	if n, all := len(e.srv.Requests()), 1+4+4*3+4*3*5; n >= all {
		t.Errorf("%d requests for 3 rows; the whole walk is %d", n, all)
	}
}
