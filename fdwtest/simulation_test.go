package fdwtest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
)

// The testing tables through the FDW: their scans, a run joined with its results and a
// simulation joined with its agent's production calls, each with the requests it sends pinned;
// then the bad inputs of the call tables' errorCases, here.

// testing request counts by endpoint.
func (l requestLog) agentLists() int      { return l.countPath("/v1/all-agents") }
func (l requestLog) simulationLists() int { return l.countPath("/v1/get-simulations-by-agent/") }
func (l requestLog) simulationGets() int  { return l.countPath("/v1/simulation/") }
func (l requestLog) runLists() int        { return l.countPath("/v1/get-simulation-runs/") }
func (l requestLog) results() int         { return l.countPath("/v1/retrieve-simulation-results/") }

// runCount is every run of the fake account, and its simulations.
func runCount(env *pgfdw.Env) (runs, sims int) {
	for _, a := range env.API.AgentsData() {
		for _, s := range env.API.Simulations(a.ID.Value) {
			sims++
			runs += len(s.Runs)
		}
	}
	return runs, sims
}

func TestFDWSimulationRunScanWalksEachListOnce(t *testing.T) {
	env := sharedEnv(t)
	runs, sims := runCount(env)
	s := session(t, env, false)
	m := mark(env)
	if n := count(t, s, "select count(distinct id) from bluejay_simulation_run"); n != runs {
		t.Fatalf("%d runs, want %d", n, runs)
	}
	l := requestsSince(env, m)
	agents := len(env.API.AgentsData())
	if l.agentLists() != 1 || l.simulationLists() != agents || l.runLists() != sims || l.simulationGets() != 0 || len(l) != 1+agents+sims {
		t.Fatalf("requests: %d agent lists, %d simulation lists, %d run lists of %d; want 1, %d, %d", l.agentLists(), l.simulationLists(), l.runLists(), len(l), agents, sims)
	}
}

func TestFDWOneRunsResultsSendOneRequest(t *testing.T) {
	env := sharedEnv(t)
	run := env.API.Simulations("42")[0].Runs[9]
	s := session(t, env, false)
	m := mark(env)
	r := query(t, s, fmt.Sprintf("select id, status, hallucination, latency_p95 from bluejay_simulation_result where simulation_run_id = '%s'", run.ID))
	l := requestsSince(env, m)
	if len(r.Rows) != run.Completed {
		t.Fatalf("%d rows, want %d", len(r.Rows), run.Completed)
	}
	if len(l) != 1 || l[0].RunID != run.ID {
		t.Fatalf("requests %+v, want the one results request of run %s", l, run.ID)
	}
}

// TestFDWRunJoinedWithItsResults gives the simulation on both sides, as joins.md advises for
// the call tables: whichever side PostgreSQL reads first, the run list is read once (the memo
// serves the other side) and each run's results once.
func TestFDWRunJoinedWithItsResults(t *testing.T) {
	env := sharedEnv(t)
	sim := env.API.Simulations("7")[0]
	failed := 0
	for _, r := range sim.Runs {
		failed += r.Failed
	}
	s := session(t, env, false)
	m := mark(env)
	sql := fmt.Sprintf(`select count(*) filter (where x.status = 'FAILED'), count(distinct r.id)
		from bluejay_simulation_run r join bluejay_simulation_result x on x.simulation_run_id = r.id
		where r.simulation_id = '%s' and x.simulation_id = '%s'`, sim.ID, sim.ID)
	res := query(t, s, sql)
	l := requestsSince(env, m)
	if fmt.Sprint(res.Rows) != fmt.Sprint([][]string{{fmt.Sprint(failed), fmt.Sprint(len(sim.Runs))}}) {
		t.Fatalf("got %v, want %d failed tests over %d runs", res.Rows, failed, len(sim.Runs))
	}
	if l.runLists() != 1 || l.results() != len(sim.Runs) || len(l) != 1+len(sim.Runs) {
		t.Fatalf("%d run lists, %d results requests of %d; want 1 and one per run (%d)\n%s", l.runLists(), l.results(), len(l), len(sim.Runs), explain(t, s, sql))
	}
}

func TestFDWSimulationJoinedWithProductionCalls(t *testing.T) {
	env := sharedEnv(t)
	calls := len(env.API.Expected("7", "production", "7days"))
	s := session(t, env, false)
	m := mark(env)
	sql := `select s.id, count(c.id)
		from bluejay_simulation s join bluejay_call c on c.agent_id = s.agent_id
		where s.agent_id = '7' and c.label = 'production' and c.last = '7days'
		group by s.id`
	res := query(t, s, sql)
	l := requestsSince(env, m)
	if fmt.Sprint(res.Rows) != fmt.Sprint([][]string{{env.API.Simulations("7")[0].ID, fmt.Sprint(calls)}}) {
		t.Fatalf("got %v, want simulation %s beside %d production calls", res.Rows, env.API.Simulations("7")[0].ID, calls)
	}
	if l.simulationLists() != 1 || l.pages() != pagesFor(calls) || len(l) != 1+pagesFor(calls) {
		t.Fatalf("%d simulation lists, %d call pages of %d requests; want 1 and %d\n%s", l.simulationLists(), l.pages(), len(l), pagesFor(calls), explain(t, s, sql))
	}
}

// with422OnRuns makes the fake answer every run list with a FastAPI validation error.
func with422OnRuns(t testing.TB, env *pgfdw.Env) (*pgfdw.Session, func(), error) {
	env.API.SetRawResponse(func(r *http.Request) (int, http.Header, []byte, bool) {
		if !strings.HasPrefix(r.URL.Path, "/v1/get-simulation-runs/") {
			return 0, nil, nil, false
		}
		body := `{"detail":[{"type":"int_parsing","loc":["path","simulation_id"],"msg":"Input should be a valid integer","input":"x"}]}`
		return http.StatusUnprocessableEntity, http.Header{"Content-Type": {"application/json"}}, []byte(body), true
	})
	return session(t, env, false), func() { env.API.SetRawResponse(nil) }, nil
}

var testingErrorCases = []errorCase{
	{"non-numeric simulation id", sharedDBSession, "select count(*) from bluejay_simulation_run where simulation_id = 'abc'", `simulation_id = "abc" is not a simulation id`, true},
	{"non-numeric value in a simulation id IN list", sharedDBSession, "select count(*) from bluejay_simulation where id in ('1001', 'x')", `id = "x" is not a simulation id`, true},
	{"empty run id", sharedDBSession, "select count(*) from bluejay_simulation_result where simulation_run_id = ''", "simulation_run_id = '' matches no run", true},
	{"empty agent_id on the testing tables", sharedDBSession, "select count(*) from bluejay_simulation where agent_id = ''", "agent_id = '' matches no simulation", true},
	{"unknown run id", sharedDBSession, "select count(*) from bluejay_simulation_result where simulation_run_id = '1001999'", `simulation_run_id = "1001999": the API knows no such id`, false},
	{"unknown simulation id", sharedDBSession, "select count(*) from bluejay_simulation_run where simulation_id = '999999'", `simulation_id = "999999": the API knows no such id`, false},
	{"422 on a run list", with422OnRuns, "select count(*) from bluejay_simulation_run where simulation_id = '1001'", "HTTP 422: path.simulation_id", false},
}

func TestFDWTestingErrorsReachTheClient(t *testing.T) {
	checkErrorCases(t, sharedEnv(t), testingErrorCases)
}
