package fakeapi

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// The testing endpoints against ../shared/bluejay-api/testing-api.md: every field the reference
// lists and no other, each id in the JSON form that page shows, and the errors the call-log
// endpoints give for the same mistakes.

// fieldsOf decodes a JSON object keeping numbers as they were written.
func fieldsOf(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	mustJSON(t, b, &m)
	return m
}

func keysOf(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

func wantKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	if got := keysOf(m); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("%s has fields %v, the reference lists %v", what, got, slices.Sorted(slices.Values(want)))
	}
}

// isInt and isString tell the two JSON forms of an id apart.
func isInt(v any) bool {
	n, ok := v.(json.Number)
	return ok && !strings.ContainsAny(n.String(), ".eE")
}
func isString(v any) bool { _, ok := v.(string); return ok }

func okBody(t *testing.T, s *Server, target string) map[string]any {
	t.Helper()
	r := get(t, s, target)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, r.status, r.body)
	}
	return fieldsOf(t, r.body)
}

func TestSimulationEndpointsMatchTheReference(t *testing.T) {
	s := New(Options{})
	list := okBody(t, s, "/v1/get-simulations-by-agent/42")
	wantKeys(t, "get-simulations-by-agent", list, "simulations")
	sims := list["simulations"].([]any)
	if len(sims) != 2 {
		t.Fatalf("agent 42 has %d simulations, want 2", len(sims))
	}
	sim := sims[0].(map[string]any)
	wantKeys(t, "a listed simulation", sim, "id", "name", "created_at", "agent_id", "settings")
	if !isInt(sim["id"]) || !isInt(sim["agent_id"]) || sim["agent_id"].(json.Number) != "42" {
		t.Errorf("listed simulation ids %#v, %#v: want integers, agent 42", sim["id"], sim["agent_id"])
	}
	simID := sim["id"].(json.Number).String()

	detail := okBody(t, s, "/v1/simulation/"+simID)
	wantKeys(t, "get-simulation", detail, "agent_id", "name", "type", "id", "created_at", "settings", "max_concurrent",
		"max_turns", "ringing_timeout", "tags", "description", "pinned", "always_on")
	if detail["id"] != sim["id"] || detail["name"] != sim["name"] || detail["created_at"] != sim["created_at"] {
		t.Errorf("get-simulation %v disagrees with the list's %v", detail, sim)
	}

	runs := okBody(t, s, "/v1/get-simulation-runs/"+simID)
	wantKeys(t, "get-simulation-runs", runs, "simulation_runs")
	run := runs["simulation_runs"].([]any)[0].(map[string]any)
	wantKeys(t, "a listed run", run, "id", "experiment_id", "created_at", "status", "summary", "tests_passed", "tests_failed",
		"total_tests", "tests_completed", "tests_incompleted", "curr_step_id", "phone_number")
	if !isInt(run["id"]) {
		t.Errorf("get-simulation-runs id %#v, want an integer", run["id"])
	}
	runID := run["id"].(json.Number).String()

	res := okBody(t, s, "/v1/retrieve-simulation-results/"+runID)
	wantKeys(t, "retrieve-simulation-results", res, "simulation_run", "simulation_results")
	header := res["simulation_run"].(map[string]any)
	wantKeys(t, "its simulation_run", header, "id", "simulation_id", "created_at", "summary", "status", "total_tests",
		"tests_passed", "tests_failed", "tests_completed", "tests_incompleted")
	if !isString(header["id"]) || header["id"] != runID || header["simulation_id"] != simID {
		t.Errorf("the results' run %#v of simulation %#v: want the strings %q and %q", header["id"], header["simulation_id"], runID, simID)
	}
	for _, k := range []string{"created_at", "status", "total_tests", "tests_passed", "tests_failed"} {
		if header[k] != run[k] {
			t.Errorf("%s: %v in the results, %v in the run list", k, header[k], run[k])
		}
	}
	results := res["simulation_results"].([]any)
	if n, _ := run["tests_completed"].(json.Number).Int64(); int64(len(results)) != n {
		t.Fatalf("%d results, the run says %d tests completed", len(results), n)
	}
	one := results[0].(map[string]any)
	wantKeys(t, "a result", one, "id", "digital_human_id", "result", "duration", "start_time", "end_time", "custom_metrics",
		"status", "latency", "events", "transcript_url", "audio_url", "evaluations")
	if !isInt(one["id"]) || !isInt(one["digital_human_id"]) {
		t.Errorf("result ids %#v, %#v: want integers", one["id"], one["digital_human_id"])
	}
	eval := one["evaluations"].([]any)[0].(map[string]any)
	if _, ok := eval["hallucination"]; !ok || len(eval) != 22 {
		t.Errorf("a result's evaluation has %d fields (%v), want the call-log Evaluation's 22", len(eval), keysOf(eval))
	}

	single := okBody(t, s, "/v1/retrieve-simulation-result/"+one["id"].(json.Number).String())
	wantKeys(t, "retrieve-simulation-result", single, "simulation_result")
	if got, _ := json.Marshal(single["simulation_result"]); string(got) != string(must(json.Marshal(one))) {
		t.Errorf("retrieve-simulation-result differs from the run's element:\n%s\n%s", got, must(json.Marshal(one)))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestSimulationAgentIDTakesTheAgentsForm(t *testing.T) {
	s := New(Options{})
	sim := okBody(t, s, "/v1/get-simulations-by-agent/"+url.PathEscape("sales team ☎"))["simulations"].([]any)[0].(map[string]any)
	if sim["agent_id"] != "sales team ☎" {
		t.Errorf("agent_id %#v, want the string id", sim["agent_id"])
	}
	if got := okBody(t, s, "/v1/get-simulations-by-agent/no-such-agent")["simulations"]; len(got.([]any)) != 0 {
		t.Errorf("an unknown agent has simulations %v, want none", got)
	}
}

func TestSimulationEndpointErrors(t *testing.T) {
	s := New(Options{})
	cases := []struct {
		target string
		key    string
		status int
		detail string
	}{
		{"/v1/simulation/abc", DefaultAPIKey, 422, `"loc":["path","simulation_id"]`},
		{"/v1/simulation/abc", "", 422, `"loc":["header","X-API-Key"]`},
		{"/v1/simulation/999999", DefaultAPIKey, 404, "Simulation not found"},
		{"/v1/simulation/1001", "wrong", 401, "Invalid API key"},
		{"/v1/get-simulation-runs/abc", DefaultAPIKey, 404, "Simulation not found"},
		{"/v1/get-simulation-runs/1999", DefaultAPIKey, 404, "Simulation not found"},
		{"/v1/retrieve-simulation-results/1001999", DefaultAPIKey, 404, "Simulation run not found"},
		{"/v1/retrieve-simulation-results/x", "wrong", 401, "Invalid API key"},
		{"/v1/retrieve-simulation-result/1", DefaultAPIKey, 404, "Simulation result not found"},
		{"/v1/get-simulations-by-agent/42", "", 422, `"loc":["header","X-API-Key"]`},
	}
	for _, tc := range cases {
		r := do(t, s, http.MethodGet, tc.target, tc.key)
		if r.status != tc.status || !strings.Contains(string(r.body), tc.detail) {
			t.Errorf("GET %s: %d %s, want %d with %s", tc.target, r.status, r.body, tc.status, tc.detail)
		}
	}
	if r := do(t, s, http.MethodPost, "/v1/get-simulation-runs/1001", DefaultAPIKey); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", r.status)
	}
	if r := get(t, s, "/v1/get-simulation-runs/1001/"); r.status != http.StatusTemporaryRedirect {
		t.Errorf("a trailing slash: %d, want 307 as on the call-log endpoints", r.status)
	}
}

func TestSimulationEndpointsMeetFaultsAndAreLogged(t *testing.T) {
	s := New(Options{Faults: Faults{Rate: 1, OnlyPaths: "/v1/get-simulation-runs/"}})
	if r := get(t, s, "/v1/get-simulation-runs/1001"); r.status != http.StatusInternalServerError {
		t.Errorf("a faulted run list: %d, want 500", r.status)
	}
	if r := get(t, s, "/v1/get-simulations-by-agent/42"); r.status != http.StatusOK {
		t.Errorf("a path outside OnlyPaths: %d, want 200", r.status)
	}
	get(t, s, "/v1/retrieve-simulation-results/1001001")
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[0].SimulationID != "1001" || reqs[0].Fault == "" || reqs[1].AgentID != "42" || reqs[2].RunID != "1001001" {
		t.Errorf("log %+v", reqs)
	}
}

// The default account's runs are what the release-readiness controls are tested on: each
// pattern the fake promises in DefaultAgents must hold.
func TestDefaultSimulationPatterns(t *testing.T) {
	s := New(Options{})
	latestCompleted := func(sim SimulationInfo) RunInfo {
		for i := len(sim.Runs) - 1; i >= 0; i-- {
			if sim.Runs[i].Status == RunCompleted {
				return sim.Runs[i]
			}
		}
		t.Fatalf("simulation %s has no completed run", sim.ID)
		return RunInfo{}
	}
	sims42 := s.Simulations("42")
	if r := latestCompleted(sims42[0]); r.Passed*100 < 80*r.Total || r.Hallucinated == 0 {
		t.Errorf("42's first suite: latest completed run %+v, want >= 80%% passed and a hallucination", r)
	}
	if last := sims42[1].Runs[len(sims42[1].Runs)-1]; last.Status != RunRunning {
		t.Errorf("42's second suite's newest run is %s, want RUNNING", last.Status)
	}
	if r := latestCompleted(s.Simulations("7")[0]); r.Passed*100 >= 80*r.Total || r.Hallucinated != 0 {
		t.Errorf("7's latest completed run %+v, want under 80%% passed and no hallucination", r)
	}
	if r := latestCompleted(s.Simulations("sales team ☎")[0]); s.now().Sub(r.CreatedAt).Hours() < 7*24 {
		t.Errorf("sales team's latest run is from %s, want older than 7 days", r.CreatedAt)
	}
	if len(s.Simulations("support-bot")) != 0 || len(s.Simulations("empty")) != 0 {
		t.Error("support-bot and empty should have no simulations")
	}
}
