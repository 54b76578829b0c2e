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

// fixture is the fake API every scenario reads, with each agent's calls encoded ahead of time so
// that runs measure the plugin, not the fake's first pass over the data.
type fixture struct {
	srv      *fakeapi.Server
	many     []string // the agents of the agent_id in (...) scenario
	warmTook time.Duration
}

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
	fx.srv = fakeapi.NewServer(fakeapi.Options{Agents: specs, Latency: o.latency})
	start := time.Now()
	for _, s := range specs {
		fx.srv.Warm(s.ID)
	}
	fx.warmTook = time.Since(start)
	return fx
}

func (fx *fixture) close() { fx.srv.Close() }

// requests sums up the fake's request log since the last reset.
type requests struct {
	pages, all int
	// peakRate is the most requests that arrived within one second: what a rate limiter of
	// that many requests per second would have held back.
	peakRate int
}

func (fx *fixture) requests() requests {
	var out requests
	var at []time.Time
	for _, r := range fx.srv.Requests() {
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
