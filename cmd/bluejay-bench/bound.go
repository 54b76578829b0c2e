package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// boundSpec is what a scenario's bound is made of: rounds round trips of pages of pageSize
// calls, and the decoding of pages such pages, after one /v1/all-agents round trip of agentsOf
// when the scan reads every agent.
type boundSpec struct {
	pageSize, pages, concurrency, rounds int
	agentsOf                             *fakeapi.Server
	// walkOf, when set, makes the bound rounds round trips of that fake's largest testing
	// request (a run's results), and nothing else: see walkBound.
	walkOf *fakeapi.Server
}

// scanBound is the bound of one scan of pages pages with c in flight: page 1 alone (it tells
// how many pages there are), then the rest c at a time.
func scanBound(pageSize, pages, c int) boundSpec {
	return boundSpec{pageSize: pageSize, pages: pages, concurrency: c, rounds: 1 + ceilDiv(pages-1, c)}
}

// budgetBound is the bound of the scans of many agents sharing one budget of c requests in
// flight: ceil(pages / c) round trips, after the all-agents round trip of agentsOf (nil when
// the query names its agents).
func budgetBound(pageSize, pages, c int, agentsOf *fakeapi.Server) boundSpec {
	return boundSpec{pageSize: pageSize, pages: pages, concurrency: c, rounds: ceilDiv(pages, c), agentsOf: agentsOf}
}

// walkBound is the bound of the testing tables' fan-out of requests requests with c in flight:
// the agent list alone, then the rest c at a time. A schedule cannot do better, as every
// request but the first waits for a slot of the budget; the walk's levels overlap (a
// simulation's runs are asked for as soon as its agent's list arrives), so their depth (4)
// costs no more rounds when requests outnumber c*4.
func walkBound(srv *fakeapi.Server, requests, c int) boundSpec {
	return boundSpec{pages: requests, concurrency: c, rounds: max(4, 1+ceilDiv(requests-1, c)), walkOf: srv}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// costs are the measured parts of every bound, per page size.
type costs struct {
	rtt    map[int]time.Duration // one page request: latency, server and transfer
	decode map[int]time.Duration // the plugin's client turning one page into calls, one core
	// agentsRTT is one /v1/all-agents request of each fake account scanned without agent_id.
	agentsRTT map[*fakeapi.Server]time.Duration
	// walkRTT is one request for a run's results on the walk's account, the largest of the
	// testing requests.
	walkRTT time.Duration
}

func (c costs) bound(b boundSpec) time.Duration {
	if b.walkOf != nil {
		return c.walkRTT * time.Duration(b.rounds)
	}
	return c.agentsRTT[b.agentsOf] + c.rtt[b.pageSize]*time.Duration(b.rounds) + c.decode[b.pageSize]*time.Duration(b.pages)
}

// decodeCallsPerSecond is how many calls one core decodes, from full pages.
func (c costs) decodeCallsPerSecond() float64 {
	return float64(api.MaxPageSize) / c.decode[api.MaxPageSize].Seconds()
}

// pageSizes are the sizes of the pages the scenarios read: full pages, the API's default, a
// LIMIT 10, and whatever else a scenario's bound counts in (the short pages of many small agents).
func pageSizes(all []scenario) []int {
	sizes := []int{api.MaxPageSize, api.DefaultPageSize, 10}
	for _, sc := range all {
		for _, b := range []boundSpec{sc.bound, sc.besideBound} {
			if b.pageSize > 0 && !slices.Contains(sizes, b.pageSize) {
				sizes = append(sizes, b.pageSize)
			}
		}
	}
	return sizes
}

// measureCosts probes the fake for each page size's round trip and times the plugin's client
// decoding the page it got.
func measureCosts(ctx context.Context, fx *fixture, pageSizes []int) (costs, error) {
	c := costs{rtt: map[int]time.Duration{}, decode: map[int]time.Duration{}, agentsRTT: map[*fakeapi.Server]time.Duration{}}
	client := &http.Client{}
	for _, srv := range []*fakeapi.Server{fx.fleet, fx.wide} {
		rtt, err := medianRoundTrip(ctx, client, srv.URL+"/v1/all-agents")
		if err != nil {
			return costs{}, err
		}
		c.agentsRTT[srv] = rtt
	}
	run := fx.walk.Simulations("walk-01")[0].Runs[0].ID
	walk, err := medianRoundTrip(ctx, client, fx.walk.URL+"/v1/retrieve-simulation-results/"+run)
	if err != nil {
		return costs{}, err
	}
	c.walkRTT = walk
	for _, size := range pageSizes {
		rtt, body, err := probeRoundTrip(ctx, client, fx.srv.URL, size)
		if err != nil {
			return costs{}, err
		}
		dec, err := timeDecode(ctx, body, size)
		if err != nil {
			return costs{}, err
		}
		c.rtt[size], c.decode[size] = rtt, dec
	}
	return c, nil
}

// medianRoundTrip is the median of several sequential requests for url on a kept-alive
// connection, body read.
func medianRoundTrip(ctx context.Context, client *http.Client, url string) (time.Duration, error) {
	const probes = 9
	var took []time.Duration
	for i := range probes + 1 {
		start := time.Now()
		if _, err := getPage(ctx, client, url); err != nil {
			return 0, err
		}
		if i > 0 { // the first opens the connection
			took = append(took, time.Since(start))
		}
	}
	slices.Sort(took)
	return took[len(took)/2], nil
}

// probeRoundTrip is the median of several sequential requests for one page on a kept-alive
// connection, body read but not decoded.
func probeRoundTrip(ctx context.Context, client *http.Client, base string, size int) (time.Duration, []byte, error) {
	const probes = 9
	var took []time.Duration
	var body []byte
	for i := range probes + 1 {
		url := fmt.Sprintf("%s/v1/retrieve-call-logs/%s?last=all&page_size=%d&page=%d", base, agentFull, size, i+1)
		start := time.Now()
		b, err := getPage(ctx, client, url)
		if err != nil {
			return 0, nil, err
		}
		if i > 0 { // the first opens the connection
			took = append(took, time.Since(start))
		}
		body = b
	}
	slices.Sort(took)
	return took[len(took)/2], body, nil
}

func getPage(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-API-Key", fakeapi.DefaultAPIKey)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: HTTP %d: %s", url, resp.StatusCode, b)
	}
	return b, err
}

// timeDecode is the CPU time the plugin's API client takes for ListCallLogs of body, served
// from memory, with GOMAXPROCS 1: request building, reading and decoding, garbage collection
// included, on one core. It counts the process's CPU time, not the wall clock, so that other
// work on the machine does not pass for decoding; nothing else in this process runs meanwhile.
func timeDecode(ctx context.Context, body []byte, size int) (time.Duration, error) {
	client, err := api.New(api.Config{BaseURL: "http://127.0.0.1:1", APIKey: "bench", Transport: fakeapi.MemoryTransport(body)})
	if err != nil {
		return 0, err
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	q := api.CallLogsQuery{AgentID: agentFull, Last: "all", Page: 1, PageSize: size}
	const minTime = 300 * time.Millisecond
	start, err := selfCPU()
	if err != nil {
		return 0, err
	}
	n := 0
	for used := time.Duration(0); n < 5 || used < minTime; n++ {
		page, err := client.ListCallLogs(ctx, q)
		if err != nil {
			return 0, err
		}
		if len(page.CallLogs) != size {
			return 0, fmt.Errorf("decode probe: page of %d calls, want %d", len(page.CallLogs), size)
		}
		now, err := selfCPU()
		if err != nil {
			return 0, err
		}
		used = now - start
	}
	end, err := selfCPU()
	return (end - start) / time.Duration(n), err
}
