package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
	"github.com/bluejay-community/steampipe-plugin-bluejay/bluejay"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// Scenario names, as -only takes them.
const (
	scFull     = "full"
	scFullC1   = "full-c1"
	scLimit10  = "limit10"
	scJoin     = "join"
	scAgents   = "agents"
	scBaseline = "baseline"
	scBig      = "full-big"
	scFleet    = "fleet"
	scWide     = "wide"
	scBeside   = "beside"
	scWalk     = "simulations"
)

func scenarioNames() []string {
	return []string{scFull, scFullC1, scLimit10, scJoin, scAgents, scBaseline, scBig, scFleet, scWide, scBeside, scWalk}
}

// scenario is one measured workload: queries run at once on one plugin process, or the
// baseline client when sequential is set.
type scenario struct {
	name, title string
	config      map[string]any // connection settings on top of api_key and base_url
	queries     []harness.Query
	sequential  bool
	bound       boundSpec
	// fake is the fake account the scenario reads; nil is the fixture's main one.
	fake *fakeapi.Server
	// besideAfter, when set, starts the queries after the first once the first has streamed
	// that many rows; besideBound is the bound of the second query alone.
	besideAfter int64
	besideBound boundSpec
}

func (sc scenario) fakeOf(fx *fixture) *fakeapi.Server {
	if sc.fake != nil {
		return sc.fake
	}
	return fx.srv
}

// result is one scenario's measurement (the median run).
type result struct {
	rows         int64
	pageRequests int
	requests     int
	peakRate     int // most requests within one second
	peakInFlight int // most requests the fake handled at once
	wall         time.Duration
	// besideWall is the time of the query run beside the first, from its start.
	besideWall  time.Duration
	besideBound time.Duration
	peakRSS     int64         // 0 for the baseline, which runs no plugin
	cpu         time.Duration // the plugin process's CPU time, all cores, start-up included
	bound       time.Duration
}

func (r result) rowsPerSecond() float64 { return float64(r.rows) / r.wall.Seconds() }
func (r result) ratio() float64         { return r.wall.Seconds() / r.bound.Seconds() }

func scenarios(o options, fx *fixture) []scenario {
	c := o.maxConcurrency
	full := scanQuery("bluejay_call", agentFull)
	fullPages := ceilDiv(o.calls, api.MaxPageSize)
	perAgent := o.calls / o.agents
	agentPages := ceilDiv(perAgent, api.MaxPageSize)
	many := scanQuery("bluejay_call", "")
	many.Quals[0].Value = fx.many
	limited := full
	limited.Limit = 10
	bigPages := ceilDiv(o.bigCalls, api.MaxPageSize)
	everyAgent := harness.Query{Connection: "bluejay", Table: "bluejay_call", Quals: []harness.Qual{{Column: "last", Operator: "=", Value: "all"}}}
	fleetPages := o.fleetAgents * ceilDiv(o.calls/o.fleetAgents, api.MaxPageSize)
	widePages := o.wideAgents * ceilDiv(o.calls/o.wideAgents, api.MaxPageSize)
	small := scanQuery("bluejay_call", fx.many[0])
	return []scenario{
		{name: scFull, title: fmt.Sprintf("full scan, %d calls", o.calls), config: concurrency(o),
			queries: []harness.Query{full}, bound: scanBound(api.MaxPageSize, fullPages, c)},
		{name: scFullC1, title: fmt.Sprintf("full scan, %d calls, max_concurrency = 1", o.calls), config: map[string]any{"max_concurrency": 1},
			queries: []harness.Query{full}, bound: scanBound(api.MaxPageSize, fullPages, 1)},
		{name: scLimit10, title: "limit 10", config: concurrency(o),
			queries: []harness.Query{limited}, bound: scanBound(10, 1, c)},
		{name: scJoin, title: "join bluejay_call × bluejay_call_evaluation", config: concurrency(o),
			queries: []harness.Query{full, scanQuery("bluejay_call_evaluation", agentFull)}, bound: scanBound(api.MaxPageSize, fullPages, c)},
		// The SDK runs one list call per agent of an IN list, concurrently; they share the
		// connection's budget of C requests in flight.
		{name: scAgents, title: fmt.Sprintf("%d agents in one agent_id in (...)", o.agents), config: concurrency(o),
			queries: []harness.Query{many}, bound: budgetBound(api.MaxPageSize, o.agents*agentPages, c, nil)},
		{name: scBaseline, title: "sequential client loop, page_size 20", sequential: true,
			bound: scanBound(api.DefaultPageSize, ceilDiv(o.calls, api.DefaultPageSize), 1)},
		{name: scBig, title: fmt.Sprintf("full scan, %d calls", o.bigCalls), config: concurrency(o),
			queries: []harness.Query{scanQuery("bluejay_call", agentBig)}, bound: scanBound(api.MaxPageSize, bigPages, c)},
		{name: scFleet, title: fmt.Sprintf("every agent (no agent_id), %d agents × %d calls", o.fleetAgents, o.calls/o.fleetAgents), config: concurrency(o),
			queries: []harness.Query{everyAgent}, fake: fx.fleet, bound: budgetBound(api.MaxPageSize, fleetPages, c, fx.fleet)},
		// Its pages hold fewer calls than a page of 100: their round trip and decoding are
		// those measured for pages of that many calls.
		{name: scWide, title: fmt.Sprintf("every agent (no agent_id), %d agents × %d calls", o.wideAgents, o.calls/o.wideAgents), config: concurrency(o),
			queries: []harness.Query{everyAgent}, fake: fx.wide, bound: budgetBound(min(o.calls/o.wideAgents, api.MaxPageSize), widePages, c, fx.wide)},
		{name: scBeside, title: fmt.Sprintf("full scan, %d calls, with %s's %d calls read beside it", o.bigCalls, fx.many[0], perAgent), config: concurrency(o),
			queries: []harness.Query{scanQuery("bluejay_call", agentBig), small}, besideAfter: besideAfterRows,
			bound: budgetBound(api.MaxPageSize, bigPages+agentPages, c, nil), besideBound: scanBound(api.MaxPageSize, agentPages, c)},
		{name: scWalk, title: fmt.Sprintf("every simulation result, %d agents × %d simulations × %d runs", walkAgents, walkSimulations, walkRuns), config: concurrency(o),
			queries: []harness.Query{{Connection: "bluejay", Table: "bluejay_simulation_result", Columns: []string{"id", "hallucination"}}}, fake: fx.walk,
			bound: walkBound(fx.walk, walkRequests, c)},
	}
}

// besideAfterRows is how far the large scan is when the small query beside it starts: well
// under way, every slot of the budget taken.
const besideAfterRows = 10_000

// concurrency sets max_concurrency only when -max-concurrency overrides the plugin's default,
// so that the default scenarios run the plugin as a user who sets nothing would.
func concurrency(o options) map[string]any {
	if o.maxConcurrency == bluejay.DefaultMaxConcurrency {
		return nil
	}
	return map[string]any{"max_concurrency": o.maxConcurrency}
}

// scanQuery is `select * from table where agent_id = agent and last = 'all'`.
func scanQuery(table, agent string) harness.Query {
	return harness.Query{Connection: "bluejay", Table: table, Quals: []harness.Qual{
		{Column: "agent_id", Operator: "=", Value: agent},
		{Column: "last", Operator: "=", Value: "all"},
	}}
}

// measure runs the scenario runs times and returns the run with the median wall time.
func (sc scenario) measure(ctx context.Context, opts harness.Options, fx *fixture, runs int) (result, error) {
	if sc.sequential {
		runs = 1 // its wall time is the sum of its round trips, and long: once is enough
	}
	var all []result
	for range runs {
		var r result
		var err error
		if sc.sequential {
			r, err = runBaseline(ctx, fx)
		} else {
			r, err = sc.runPlugin(ctx, opts, fx)
		}
		if err != nil {
			return result{}, err
		}
		all = append(all, r)
	}
	slices.SortFunc(all, func(a, b result) int { return int(a.wall - b.wall) })
	return all[len(all)/2], nil
}

// runPlugin starts a fresh plugin process, runs the scenario's queries at once, streaming and
// counting rows as Postgres would consume them, and reads the process's peak RSS.
func (sc scenario) runPlugin(ctx context.Context, opts harness.Options, fx *fixture) (result, error) {
	p, err := harness.Start(opts)
	if err != nil {
		return result{}, err
	}
	defer p.Close()
	srv := sc.fakeOf(fx)
	cfg := map[string]any{"api_key": fakeapi.DefaultAPIKey, "base_url": srv.URL}
	for k, v := range sc.config {
		cfg[k] = v
	}
	if _, err := p.SetConnections(harness.Connection{Name: "bluejay", Config: harness.Config(cfg)}); err != nil {
		return result{}, err
	}
	reqs := make([]*proto.ExecuteRequest, len(sc.queries))
	for i, q := range sc.queries {
		if reqs[i], err = p.Request(q); err != nil { // fetches the schema: not part of the timing
			return result{}, err
		}
	}
	srv.ResetRequests()
	var rows atomic.Int64
	start := time.Now()
	beside, err := executeAll(ctx, p, reqs, &rows, sc.besideAfter)
	wall := time.Since(start)
	if err != nil {
		return result{}, err
	}
	rss, err := p.PeakRSSBytes()
	if err != nil {
		return result{}, err
	}
	cpu, err := processCPU(p.Pid())
	if err != nil {
		return result{}, err
	}
	n := requestsOf(srv)
	return result{rows: rows.Load(), pageRequests: n.pages, requests: n.all, peakRate: n.peakRate, peakInFlight: n.peakInFlight,
		wall: wall, besideWall: beside, peakRSS: rss, cpu: cpu}, nil
}

// executeAll runs every request concurrently, as Postgres may run the scans of a join. With
// besideAfter set, the requests after the first start once the first has streamed that many
// rows, and the time of the second, from its start, is returned.
func executeAll(ctx context.Context, p *harness.Plugin, reqs []*proto.ExecuteRequest, rows *atomic.Int64, besideAfter int64) (time.Duration, error) {
	errs := make([]error, len(reqs))
	walls := make([]time.Duration, len(reqs))
	underWay := make(chan struct{})
	var once sync.Once
	var firstRows atomic.Int64
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Go(func() {
			if i > 0 && besideAfter > 0 {
				<-underWay
			}
			start := time.Now()
			errs[i] = p.Execute(ctx, req, func(resp *proto.ExecuteResponse) bool {
				if resp.GetRow() == nil {
					return false
				}
				rows.Add(1)
				if i == 0 && firstRows.Add(1) == besideAfter {
					once.Do(func() { close(underWay) })
				}
				return true
			})
			walls[i] = time.Since(start)
			if i == 0 {
				once.Do(func() { close(underWay) }) // in case it had fewer rows
			}
		})
	}
	wg.Wait()
	beside := time.Duration(0)
	if besideAfter > 0 && len(walls) > 1 {
		beside = walls[1]
	}
	return beside, errors.Join(errs...)
}

// runBaseline is what a user would write without the plugin: plain net/http and encoding/json,
// one page after another at the API's default page size, each call decoded into a generic map
// (a Python script's resp.json()).
func runBaseline(ctx context.Context, fx *fixture) (result, error) {
	client := &http.Client{}
	fx.srv.ResetRequests()
	var rows int64
	start := time.Now()
	for page := 1; ; page++ {
		body, err := getPage(ctx, client, fmt.Sprintf("%s/v1/retrieve-call-logs/%s?last=all&page=%d", fx.srv.URL, agentFull, page))
		if err != nil {
			return result{}, err
		}
		var p struct {
			CallLogs   []map[string]any `json:"call_logs"`
			TotalPages int              `json:"total_pages"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			return result{}, err
		}
		rows += int64(len(p.CallLogs))
		if page >= p.TotalPages {
			break
		}
	}
	wall := time.Since(start)
	n := requestsOf(fx.srv)
	return result{rows: rows, pageRequests: n.pages, requests: n.all, peakRate: n.peakRate, peakInFlight: n.peakInFlight, wall: wall}, nil
}
