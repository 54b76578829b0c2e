package fakeapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Bluejay's testing half (../shared/bluejay-api/testing-api.md): each agent's simulations, their
// runs and one result per test call of a run. Like calls, none of it is stored: every object is a
// function of (seed, agent, simulation, run, test), so any one of them is built alone, and the
// ids encode where an object sits so that a lookup by id is arithmetic.
//
// Ids are integers, written in the JSON forms the reference gives each page, which disagree: a
// run's id is an integer in get-simulation-runs and a string in retrieve-simulation-results, and
// so is the simulation_id there; a simulation's agent_id is an integer for an agent whose id is
// one (AgentSpec.IntID), else a string, as the call logs have it.

// SimulationSpec is one simulation (a test suite) of an agent: its runs, one a day, and how
// their test calls turn out. Runs and results are otherwise drawn from the seed.
type SimulationSpec struct {
	Name string
	// Runs is how many runs it has, one a day; the newest is NewestAgeDays old (plus a few
	// minutes, so that agents and simulations do not tie).
	Runs          int
	NewestAgeDays int
	// Tests is how many test calls each run places.
	Tests int
	// Failing is how many tests the latest completed run fails; older runs fail one fewer, as
	// many, or one more, in turn, so that a dashboard shows a line that moves.
	Failing int
	// Hallucinating is how many test calls of each completed run have an evaluation that found a
	// hallucination.
	Hallucinating int
	// InProgress makes the newest run still RUNNING, half its tests done: the latest
	// completed run is then the one before it.
	InProgress bool
}

// Id strides: a simulation id is (agent ordinal+1)*idStride + position+1, a run id is the
// simulation id*idStride + position+1, a result id the run id*idStride + test+1.
const idStride = 1000

// Wire forms of the testing endpoints. Ids are `any` so that each page writes the JSON form
// the reference shows for it (json.Number for an integer, string for a string).
type (
	wireSimulation struct {
		ID        any     `json:"id"`
		Name      string  `json:"name"`
		CreatedAt string  `json:"created_at"`
		AgentID   any     `json:"agent_id"`
		Settings  RawJSON `json:"settings"`
	}
	wireSimulationDetail struct {
		wireSimulation
		Type           string   `json:"type"`
		MaxConcurrent  int      `json:"max_concurrent"`
		MaxTurns       int      `json:"max_turns"`
		RingingTimeout int      `json:"ringing_timeout"`
		Tags           []string `json:"tags"`
		Description    *string  `json:"description"`
		Pinned         bool     `json:"pinned"`
		AlwaysOn       bool     `json:"always_on"`
	}
	wireRunCounts struct {
		Status           string  `json:"status"`
		Summary          *string `json:"summary"`
		TotalTests       int     `json:"total_tests"`
		TestsPassed      int     `json:"tests_passed"`
		TestsFailed      int     `json:"tests_failed"`
		TestsCompleted   int     `json:"tests_completed"`
		TestsIncompleted int     `json:"tests_incompleted"`
	}
	wireRun struct {
		ID           any    `json:"id"`
		ExperimentID int64  `json:"experiment_id"`
		CreatedAt    string `json:"created_at"`
		wireRunCounts
		CurrStepID  *int64  `json:"curr_step_id"`
		PhoneNumber *string `json:"phone_number"`
	}
	wireRunHeader struct {
		ID           any    `json:"id"`
		SimulationID any    `json:"simulation_id"`
		CreatedAt    string `json:"created_at"`
		wireRunCounts
	}
	wireResult struct {
		ID             int64        `json:"id"`
		DigitalHumanID int64        `json:"digital_human_id"`
		Result         RawJSON      `json:"result"`
		Duration       *int64       `json:"duration"`
		StartTime      string       `json:"start_time"`
		EndTime        *string      `json:"end_time"`
		CustomMetrics  RawJSON      `json:"custom_metrics"`
		Status         string       `json:"status"`
		Latency        RawJSON      `json:"latency"`
		Events         []Event      `json:"events"`
		TranscriptURL  *string      `json:"transcript_url"`
		AudioURL       *string      `json:"audio_url"`
		Evaluations    []Evaluation `json:"evaluations"`
	}
)

// Run statuses the fake serves; the reference shows only INITIALIZING, so clients treat status
// as open text.
const (
	RunCompleted = "COMPLETED"
	RunRunning   = "RUNNING"
)

// simRef locates one simulation of the account.
type simRef struct {
	d    *dataset
	pos  int
	spec SimulationSpec
}

func (r simRef) id() int64 { return int64(r.d.ordinal+1)*idStride + int64(r.pos+1) }

// simulationByID finds a simulation from its id, or ok=false.
func (s *Server) simulationByID(id int64) (simRef, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ord, pos := id/idStride-1, id%idStride-1
	if id <= 0 || ord < 0 || ord >= int64(len(s.agents)) || pos < 0 {
		return simRef{}, false
	}
	d := s.agents[ord]
	if pos >= int64(len(d.spec.Simulations)) {
		return simRef{}, false
	}
	return simRef{d: d, pos: int(pos), spec: d.spec.Simulations[pos]}, true
}

// runByID finds a run from its id: the simulation, and the run's position (0 the oldest).
func (s *Server) runByID(id int64) (simRef, int, bool) {
	sim, ok := s.simulationByID(id / idStride)
	pos := int(id%idStride) - 1
	if !ok || pos < 0 || pos >= sim.spec.Runs {
		return simRef{}, 0, false
	}
	return sim, pos, true
}

func (s *Server) agentSimulations(agentID string) []simRef {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.byID[agentID]
	if d == nil {
		return nil
	}
	out := make([]simRef, len(d.spec.Simulations))
	for i, spec := range d.spec.Simulations {
		out[i] = simRef{d: d, pos: i, spec: spec}
	}
	return out
}

// runCreatedUS is when run pos (0 the oldest) started.
func (s *Server) runCreatedUS(sim simRef, pos int) int64 {
	age := time.Duration(sim.spec.NewestAgeDays+sim.spec.Runs-1-pos) * 24 * time.Hour
	age += time.Duration(sim.d.ordinal*7+sim.pos*13+5) * time.Minute
	return s.anchor.Add(-age).UnixMicro()
}

func (s *Server) simulationCreatedUS(sim simRef) int64 {
	return s.runCreatedUS(sim, 0) - int64(3*24*time.Hour/time.Microsecond)
}

func (s *Server) wireSimulation(sim simRef) wireSimulation {
	var agentID any = sim.d.spec.ID
	if sim.d.spec.IntID {
		agentID = json.Number(sim.d.spec.ID)
	}
	return wireSimulation{ID: sim.id(), Name: sim.spec.Name, CreatedAt: formatCreated(s.simulationCreatedUS(sim)), AgentID: agentID,
		Settings: RawJSON(`{"language":"en-US","voice":"default"}`)}
}

func (s *Server) wireSimulationDetail(sim simRef) wireSimulationDetail {
	r := seedFor(s.seed, sim.d.prof.hash, sim.pos, streamSimulation)
	w := wireSimulationDetail{wireSimulation: s.wireSimulation(sim), Type: r.pick([]string{"sequential", "parallel"}),
		MaxConcurrent: int(r.between(1, 10)), MaxTurns: int(r.between(10, 40)), RingingTimeout: int(r.between(20, 60)),
		Tags: []string{"regression"}, Pinned: sim.pos == 0, AlwaysOn: r.chance(0.5)}
	if r.chance(0.8) {
		w.Description = ptr("Simulated callers for " + sim.spec.Name + " against " + sim.d.prof.agent.Name)
	}
	return w
}

// runFailing is how many tests run pos fails once completed: Failing for the latest completed
// run, one fewer, as many or one more for the runs before it.
func runFailing(spec SimulationSpec, pos int) int {
	latest := spec.Runs - 1
	if spec.InProgress {
		latest--
	}
	if pos == latest {
		return spec.Failing
	}
	return min(max(spec.Failing+pos%3-1, 0), spec.Tests)
}

func runInProgress(spec SimulationSpec, pos int) bool {
	return spec.InProgress && pos == spec.Runs-1
}

// runCounts are a run's status and test counts. A run in progress has half its tests done, all
// of them passed so far.
func runCounts(spec SimulationSpec, pos int) wireRunCounts {
	c := wireRunCounts{Status: RunCompleted, TotalTests: spec.Tests, TestsCompleted: spec.Tests}
	if runInProgress(spec, pos) {
		c.Status, c.TestsCompleted = RunRunning, spec.Tests/2
		c.TestsPassed = c.TestsCompleted
		return c
	}
	c.TestsFailed = runFailing(spec, pos)
	c.TestsPassed = spec.Tests - c.TestsFailed
	c.Summary = ptr(strconv.Itoa(c.TestsPassed) + " of " + strconv.Itoa(spec.Tests) + " test calls passed.")
	return c
}

func (s *Server) wireRun(sim simRef, pos int) wireRun {
	w := wireRun{ID: sim.id()*idStride + int64(pos+1), ExperimentID: sim.id(), CreatedAt: formatCreated(s.runCreatedUS(sim, pos)),
		wireRunCounts: runCounts(sim.spec, pos), PhoneNumber: sim.d.prof.phone}
	if runInProgress(sim.spec, pos) {
		w.CurrStepID = ptr(int64(sim.spec.Tests/2 + 1))
	}
	return w
}

// wireRunHeader is the run as retrieve-simulation-results gives it: ids as strings.
func (s *Server) wireRunHeader(sim simRef, pos int) wireRunHeader {
	return wireRunHeader{ID: strconv.FormatInt(sim.id()*idStride+int64(pos+1), 10), SimulationID: strconv.FormatInt(sim.id(), 10),
		CreatedAt: formatCreated(s.runCreatedUS(sim, pos)), wireRunCounts: runCounts(sim.spec, pos)}
}

// results are the test calls of run pos that have started: all of them, or the completed half
// of a run in progress.
func (s *Server) results(sim simRef, pos int) []wireResult {
	counts := runCounts(sim.spec, pos)
	out := make([]wireResult, counts.TestsCompleted)
	for k := range out {
		out[k] = s.result(sim, pos, k, counts)
	}
	return out
}

// result is test call k of run pos: the last `failing` tests of a run fail, the first
// Hallucinating ones hallucinate; the rest of the evaluation is drawn as a production call's.
func (s *Server) result(sim simRef, pos, k int, counts wireRunCounts) wireResult {
	runID := sim.id()*idStride + int64(pos+1)
	r := seedFor(s.seed, sim.d.prof.hash, int(runID%(1<<31))*idStride+k, streamSimulation)
	startUS := s.runCreatedUS(sim, pos) + int64(k)*int64(2*time.Minute/time.Microsecond)
	durS := r.between(30, 600)
	passed := k < counts.TotalTests-counts.TestsFailed
	hallucinated := k < sim.spec.Hallucinating
	w := wireResult{ID: runID*idStride + int64(k+1), DigitalHumanID: sim.id()*idStride + int64(k+1), Duration: ptr(durS),
		StartTime: formatCreated(startUS), EndTime: ptr(formatCreated(startUS + durS*1_000_000)), Status: "PASSED",
		Result:        RawJSON(`{"passed":` + strconv.FormatBool(passed) + `,"reason":"` + map[bool]string{true: "The caller's goal was met.", false: "The agent did not complete the caller's request."}[passed] + `"}`),
		CustomMetrics: RawJSON(`{}`), Latency: RawJSON(`{"avg_agent_latency":` + string(appendFloat(nil, r.decimal(350, 1500, 1))) + `}`),
		Events: events(&r, durS*1000)}
	if !passed {
		w.Status = "FAILED"
	}
	base := "https://storage.example.com/sim/" + strconv.FormatInt(w.ID, 10)
	w.TranscriptURL, w.AudioURL = ptr(base+".json"), ptr(base+".wav")
	e := evaluation(&r, startUS+durS*1_000_000)
	e.Hallucination, e.GoalSuccess = ptr(hallucinated), ptr(passed)
	e.HallucinationReasoning = ptr(map[bool]string{true: "Agent invented an order number.", false: "No unsupported claims found."}[hallucinated])
	w.Evaluations = []Evaluation{e}
	return w
}

// streamSimulation is the random stream of the testing objects, apart from every call's.
const streamSimulation uint64 = 0x51a

// Paths of the testing endpoints.
const (
	pathSimulationsByAgent = "/v1/get-simulations-by-agent/"
	pathSimulation         = "/v1/simulation/"
	pathSimulationRuns     = "/v1/get-simulation-runs/"
	pathSimulationResults  = "/v1/retrieve-simulation-results/"
	pathSimulationResult   = "/v1/retrieve-simulation-result/"
)

// testingRoutes are the testing endpoints, each with the answer to its path parameter.
func (s *Server) testingRoutes() []segmentRoute {
	return []segmentRoute{
		{pathSimulationsByAgent, s.simulationsByAgent},
		{pathSimulation, s.simulationDetail},
		{pathSimulationRuns, s.simulationRuns},
		{pathSimulationResults, s.simulationResults},
		{pathSimulationResult, s.simulationResult},
	}
}

// segmentRoute is an endpoint with one path parameter, the segment after prefix.
type segmentRoute struct {
	prefix string
	answer func(r *http.Request, segment string) response
}

// simulationsByAgent: an unknown agent is an agent without simulations, as an unknown agent is
// one without calls on the call-log endpoint.
func (s *Server) simulationsByAgent(r *http.Request, agentID string) response {
	return s.guard(r, nil, func() response {
		sims := s.agentSimulations(agentID)
		out := make([]wireSimulation, len(sims))
		for i, sim := range sims {
			out[i] = s.wireSimulation(sim)
		}
		return marshalResponse(map[string]any{"simulations": out})
	})
}

// simulationDetail's path parameter is an integer: anything else is a 422, before the key is
// looked at, as FastAPI validates.
func (s *Server) simulationDetail(r *http.Request, segment string) response {
	id, errs := pathInt(segment, "simulation_id")
	return s.guard(r, errs, func() response {
		sim, ok := s.simulationByID(id)
		if !ok {
			return detailResponse(http.StatusNotFound, "Simulation not found")
		}
		return marshalResponse(s.wireSimulationDetail(sim))
	})
}

// simulationRuns' path parameter is a string: one that is no simulation's id is a 404.
func (s *Server) simulationRuns(r *http.Request, segment string) response {
	return s.guard(r, nil, func() response {
		sim, ok := s.simulationByID(parseID(segment))
		if !ok {
			return detailResponse(http.StatusNotFound, "Simulation not found")
		}
		runs := make([]wireRun, sim.spec.Runs)
		for pos := range runs {
			runs[pos] = s.wireRun(sim, pos)
		}
		return marshalResponse(map[string]any{"simulation_runs": runs})
	})
}

func (s *Server) simulationResults(r *http.Request, segment string) response {
	return s.guard(r, nil, func() response {
		sim, pos, ok := s.runByID(parseID(segment))
		if !ok {
			return detailResponse(http.StatusNotFound, "Simulation run not found")
		}
		return marshalResponse(map[string]any{"simulation_run": s.wireRunHeader(sim, pos), "simulation_results": s.results(sim, pos)})
	})
}

func (s *Server) simulationResult(r *http.Request, segment string) response {
	return s.guard(r, nil, func() response {
		id := parseID(segment)
		sim, pos, ok := s.runByID(id / idStride)
		k := int(id%idStride) - 1
		counts := runCounts(sim.spec, pos)
		if !ok || k < 0 || k >= counts.TestsCompleted {
			return detailResponse(http.StatusNotFound, "Simulation result not found")
		}
		return marshalResponse(map[string]any{"simulation_result": s.result(sim, pos, k, counts)})
	})
}

// pathInt validates an integer path parameter as pydantic does.
func pathInt(segment, name string) (int64, []valErr) {
	digits, neg, ok := pyInt(segment)
	n, err := strconv.ParseInt(digits, 10, 64)
	if !ok || err != nil {
		return 0, []valErr{{typ: "int_parsing", loc: [2]string{"path", name},
			msg: "Input should be a valid integer, unable to parse string as an integer", input: &segment}}
	}
	if neg {
		n = -n
	}
	return n, nil
}

// parseID reads a string id the fake issued; anything else is 0, which is no object's id.
func parseID(segment string) int64 {
	n, err := strconv.ParseInt(segment, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != segment {
		return 0
	}
	return n
}

func marshalResponse(v any) response {
	b, err := json.Marshal(v)
	if err != nil {
		return detailResponse(http.StatusInternalServerError, "fake: "+err.Error())
	}
	return jsonResponse(http.StatusOK, b)
}

// Simulations returns the simulations of an agent as get-simulations-by-agent serves them, for
// tests: id, name and created_at of each.
func (s *Server) Simulations(agentID string) []SimulationInfo {
	var out []SimulationInfo
	for _, sim := range s.agentSimulations(agentID) {
		info := SimulationInfo{ID: strconv.FormatInt(sim.id(), 10), AgentID: agentID, Name: sim.spec.Name}
		for pos := range sim.spec.Runs {
			c := runCounts(sim.spec, pos)
			info.Runs = append(info.Runs, RunInfo{ID: strconv.FormatInt(sim.id()*idStride+int64(pos+1), 10), Status: c.Status,
				CreatedAt: time.UnixMicro(s.runCreatedUS(sim, pos)).UTC(), Total: c.TotalTests, Passed: c.TestsPassed,
				Failed: c.TestsFailed, Completed: c.TestsCompleted, Hallucinated: hallucinatedIn(sim.spec, c)})
		}
		out = append(out, info)
	}
	return out
}

func hallucinatedIn(spec SimulationSpec, c wireRunCounts) int {
	return min(spec.Hallucinating, c.TestsCompleted)
}

// SimulationInfo is what a test needs to know of one simulation and its runs, oldest run first.
type SimulationInfo struct {
	ID, AgentID, Name string
	Runs              []RunInfo
}

// RunInfo is one run: its id, status, start and test counts, and how many of its test calls
// hallucinated.
type RunInfo struct {
	ID, Status                                     string
	CreatedAt                                      time.Time
	Total, Passed, Failed, Completed, Hallucinated int
}

// UniformSimulations is n simulations of runs runs of tests tests each, one a day up to
// today, every test passing: the shape of an account for benchmarks of the walk.
func UniformSimulations(n, runs, tests int) []SimulationSpec {
	out := make([]SimulationSpec, n)
	for i := range out {
		out[i] = SimulationSpec{Name: "Suite " + strconv.Itoa(i+1), Runs: runs, Tests: tests}
	}
	return out
}
