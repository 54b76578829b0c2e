package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// Agents of the fake account, one per dataset the scenarios read.
const (
	agentFull = "bench-full" // -calls calls
	agentBig  = "bench-big"  // -big-calls calls
)

// fixture is the fake APIs the scenarios read, with each agent's calls encoded ahead of time so
// that runs measure the plugin, not the fake's first pass over the data. The scans of every agent
// (no agent_id) each have a fake account of their own, which holds only their agents.
type fixture struct {
	srv   *fakeapi.Server
	many  []string // the agents of the agent_id in (...) scenario
	fleet *fakeapi.Server
	wide  *fakeapi.Server
	// walk is the testing API's account: walkAgents agents × walkSimulations simulations ×
	// walkRuns runs of walkTests test calls.
	walk     *fakeapi.Server
	warmTook time.Duration
}

// The account of the testing tables' walk (issue 22's target).
const (
	walkAgents      = 20
	walkSimulations = 5
	walkRuns        = 10
	walkTests       = 10
)

// walkRequests is what a full walk of the results sends: the agent list, one simulation list
// per agent, one run list per simulation and one results request per run.
const walkRequests = 1 + walkAgents + walkAgents*walkSimulations + walkAgents*walkSimulations*walkRuns

func newFixture(o options) *fixture {
	fx := &fixture{}
	specs := []fakeapi.AgentSpec{
		{ID: agentFull, Calls: o.calls},
		{ID: agentBig, Calls: o.bigCalls},
	}
	for i := range o.agents {
		id := fmt.Sprintf("bench-agent-%02d", i+1)
		fx.many = append(fx.many, id)
		specs = append(specs, fakeapi.AgentSpec{ID: id, Calls: o.calls / o.agents})
	}
	start := time.Now()
	fx.srv = warmServer(o, specs)
	fx.fleet = warmServer(o, accountOf(o.fleetAgents, o.calls/o.fleetAgents))
	fx.wide = warmServer(o, accountOf(o.wideAgents, o.calls/o.wideAgents))
	fx.walk = fakeapi.NewServer(fakeapi.Options{Agents: walkAccount(), Latency: o.latency})
	fx.warmTook = time.Since(start)
	return fx
}

// accountOf is n agents of calls calls each.
func accountOf(n, calls int) []fakeapi.AgentSpec {
	specs := make([]fakeapi.AgentSpec, n)
	for i := range specs {
		specs[i] = fakeapi.AgentSpec{ID: fmt.Sprintf("fleet-%03d", i+1), Calls: calls}
	}
	return specs
}

// walkAccount is walkAgents agents without calls, each with its simulations.
func walkAccount() []fakeapi.AgentSpec {
	specs := make([]fakeapi.AgentSpec, walkAgents)
	for i := range specs {
		specs[i] = fakeapi.AgentSpec{ID: fmt.Sprintf("walk-%02d", i+1), Simulations: fakeapi.UniformSimulations(walkSimulations, walkRuns, walkTests)}
	}
	return specs
}

func warmServer(o options, specs []fakeapi.AgentSpec) *fakeapi.Server {
	srv := fakeapi.NewServer(fakeapi.Options{Agents: specs, Latency: o.latency})
	for _, s := range specs {
		srv.Warm(s.ID)
	}
	return srv
}

func (fx *fixture) close() {
	for _, s := range fx.servers() {
		s.Close()
	}
}

func (fx *fixture) servers() []*fakeapi.Server {
	return []*fakeapi.Server{fx.srv, fx.fleet, fx.wide, fx.walk}
}

// requests sums up a fake's request log since the last reset.
type requests struct {
	pages, all int
	// peakRate is the most requests that arrived within one second: what a rate limiter of
	// that many requests per second would have held back.
	peakRate int
	// peakInFlight is the most requests the fake was handling at once.
	peakInFlight int
}

func requestsOf(srv *fakeapi.Server) requests {
	out := requests{peakInFlight: srv.PeakInFlight()}
	var at []time.Time
	for _, r := range srv.Requests() {
		out.all++
		if strings.HasPrefix(r.Path, "/v1/retrieve-call-logs/") {
			out.pages++
		}
		at = append(at, r.At)
	}
	slices.SortFunc(at, time.Time.Compare)
	for first, last := 0, 0; last < len(at); last++ {
		for at[last].Sub(at[first]) >= time.Second {
			first++
		}
		out.peakRate = max(out.peakRate, last-first+1)
	}
	return out
}
