package bluejay

import (
	"context"
	"sync"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// This file is the one paging loop: every table that reads call logs streams them through
// scanCalls. A scan reads its targets (agent × label) at once: page 1 of each (it says how many
// pages there are), then the rest, with up to max_concurrency pages outstanding; every request
// also waits for the connection's request budget (budget.go), which all scans share. Pages are
// handed to the table one at a time, as they arrive, from the goroutine that called scanCalls
// (the SDK's StreamListItem is not safe for concurrent use), and the scan stops as soon as the
// query needs no more rows.

// emitFunc receives each call of a scan once, with the target it was read for; it returns false
// when the query needs no more rows, and an error when the call cannot become rows.
type emitFunc func(call *api.CallLog, t target) (bool, error)

// scanCalls reads every target of req and passes each call to emit.
func scanCalls(ctx context.Context, d *plugin.QueryData, c *connClient, req scanRequest, emit emitFunc) error {
	agents, err := c.agentsFor(ctx, d, req.AgentIDs)
	if err != nil {
		return err
	}
	s := &callScan{d: d, c: c, pageSize: req.PageSize, limit: req.Limit, emit: emit, pending: targetsOf(agents, req),
		allowance: pageAllowanceOf(ctx, c.settings.MaxConcurrency)}
	return s.run(ctx)
}

// targetsOf is every agent read with every label filter of req.
func targetsOf(agents []string, req scanRequest) []target {
	out := make([]target, 0, len(agents)*len(req.Labels))
	for _, agent := range agents {
		if agent == "" {
			continue // no agent has an empty id; asking would change the request path
		}
		for _, label := range req.Labels {
			out = append(out, target{AgentID: agent, Label: label, Last: req.Last})
		}
	}
	return out
}

// agentsFor resolves the agents to read: the query's, else the connection's agent_ids, else
// every agent the key can see.
func (c *connClient) agentsFor(ctx context.Context, d *plugin.QueryData, fromQuery []string) ([]string, error) {
	if len(fromQuery) > 0 {
		return fromQuery, nil
	}
	if len(c.settings.AgentIDs) > 0 {
		return c.settings.AgentIDs, nil
	}
	agents, err := c.agents(ctx, d)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(agents))
	for _, a := range agents {
		if a.ID.Valid {
			ids = append(ids, a.ID.Value)
		}
	}
	return ids, nil
}

// agents reads the agent list through the memo. Only a real request waits for the list rate
// limiter and the connection's request budget.
func (c *connClient) agents(ctx context.Context, d *plugin.QueryData) ([]api.Agent, error) {
	return c.memo.agentList(ctx, memoTTL(d), func(ctx context.Context) ([]api.Agent, error) {
		d.WaitForListRateLimit(ctx)
		return c.listAgents(ctx)
	})
}

// callScan reads the targets of one list call. It owns every targetScan: only run's goroutine
// touches them; the goroutines it starts only fetch.
type callScan struct {
	d        *plugin.QueryData
	c        *connClient
	pageSize int
	limit    int64
	emit     emitFunc
	// pending are the targets whose page 1 has not been asked for yet.
	pending []target
	// ready is the round-robin queue of what has a page to ask for: targets, and nil for "open
	// the next pending target". Taking turns keeps one large agent from holding back the
	// others' first pages (and rows).
	ready []*targetScan
	// outstanding is how many pages were asked for and not yet handed over; each holds at
	// most one page in memory, so this bounds the scan's memory.
	outstanding int
	// inHand is how many calls the page being handed over holds: rows a LIMIT will have
	// before the pages asked for meanwhile arrive.
	inHand int
	// allowance bounds the pages the list calls of the query hold together (budget.go); held
	// is how many of its slots this scan has: one per outstanding page and the page in hand.
	allowance *semaphore.Weighted
	held      int
}

// pageJob is one page to read.
type pageJob struct {
	ts    *targetScan
	page  int
	fresh bool // straight from the API, bypassing the memo (the in-order pass)
}

type pageResult struct {
	job  pageJob
	page *api.CallLogsPage
	err  error
}

// run reads the targets until they are done, the query needs no more rows, or a page fails.
func (s *callScan) run(ctx context.Context) error {
	if len(s.pending) == 0 {
		return nil
	}
	s.ready = []*targetScan{nil}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
		s.allowance.Release(int64(s.held))
	}()
	// outstanding never exceeds maxOutstanding, so no fetch ever blocks handing its page over.
	results := make(chan pageResult, s.maxOutstanding())
	for {
		if err := s.startFetches(ctx, &wg, results, true); err != nil {
			return err
		}
		if s.outstanding == 0 {
			return nil // nothing asked for and nothing left to ask
		}
		r := <-results
		s.outstanding--
		r.job.ts.outstanding--
		if missingAgent(r) {
			s.skipMissingAgent(ctx, r) // no rows for it (missing_agent.go)
			continue
		}
		if r.err != nil {
			return r.err
		}
		if more, err := s.accept(ctx, &wg, results, r); !more {
			return err
		}
	}
}

// accept hands a page's calls to the table. What the page says is left to read is asked for
// first, so that those requests are in flight while the rows stream; false means stop.
func (s *callScan) accept(ctx context.Context, wg *sync.WaitGroup, results chan<- pageResult, r pageResult) (bool, error) {
	ts := r.job.ts
	ts.take(r.job, r.page)
	s.schedule(ts)
	s.inHand = len(r.page.CallLogs)
	_ = s.startFetches(ctx, wg, results, false) // does not wait, so cannot fail
	s.inHand = 0
	more, err := ts.emitPage(r.page)
	s.held--
	s.allowance.Release(1)
	if !more {
		return false, err
	}
	ts.settle()
	s.schedule(ts)
	return true, nil
}

// maxOutstanding is max_concurrency: a scan asks for no more pages at once than the whole
// connection may have in flight, and fewer when a LIMIT can use fewer.
func (s *callScan) maxOutstanding() int {
	return max(s.c.settings.MaxConcurrency, 1)
}

// startFetches asks for the next pages while the scan may have more outstanding and the query's
// allowance has room. When wait is set and the scan has nothing outstanding, it waits for room
// (the other list calls of the query hand pages over); otherwise it leaves it to the pages
// outstanding to come back.
func (s *callScan) startFetches(ctx context.Context, wg *sync.WaitGroup, results chan<- pageResult, wait bool) error {
	for s.outstanding < min(s.maxOutstanding(), s.pagesWanted()) && len(s.ready) > 0 {
		if !s.allowance.TryAcquire(1) {
			if !wait || s.outstanding > 0 {
				return nil
			}
			if err := s.allowance.Acquire(ctx, 1); err != nil {
				return err
			}
		}
		s.held++
		j := s.nextJob()
		s.outstanding++
		wg.Go(func() {
			page, err := j.ts.fetch(ctx, j.page, j.fresh)
			results <- pageResult{job: j, page: page, err: err}
		})
	}
	return nil
}

// pagesWanted is how many more pages a LIMIT can still use, at one row per call, counting the
// pages already asked for: pages whose rows the query will never read are not requested.
// Tables with several rows per call, or calls deduplicated away, simply ask again when those
// pages are in.
func (s *callScan) pagesWanted() int {
	if s.limit < 0 {
		return int(^uint32(0) >> 1)
	}
	remaining := s.d.RowsRemaining(context.Background()) - int64(s.inHand)
	if s.inHand == 0 {
		remaining = max(remaining, 1)
	}
	return int((max(remaining, 0) + int64(s.pageSize) - 1) / int64(s.pageSize))
}

// nextJob takes the next turn of the ready queue, which is not empty: everything in it has a
// page to ask for (the opener is there only while targets are pending, a target only while
// hasJob holds, which nothing but its own turn changes).
func (s *callScan) nextJob() pageJob {
	ts := s.ready[0]
	s.ready = s.ready[1:]
	if ts == nil {
		ts = s.open()
		if len(s.pending) > 0 {
			s.ready = append(s.ready, nil)
		}
		ts.outstanding++
		return pageJob{ts: ts, page: 1}
	}
	ts.queued = false
	j := ts.nextJob()
	s.schedule(ts)
	return j
}

// open starts reading the next pending target.
func (s *callScan) open() *targetScan {
	t := s.pending[0]
	s.pending = s.pending[1:]
	return &targetScan{d: s.d, c: s.c, t: t, pageSize: s.pageSize, emit: s.emit, seen: map[string]struct{}{}, next: 2}
}

// schedule puts ts in the ready queue when it has a page to ask for.
func (s *callScan) schedule(ts *targetScan) {
	if !ts.queued && ts.hasJob() {
		ts.queued = true
		s.ready = append(s.ready, ts)
	}
}

// targetScan reads the pages of one target: page 1, then pages 2..to in any order, then, when
// calls arrived during the scan, one more pass in page order.
type targetScan struct {
	d        *plugin.QueryData
	c        *connClient
	t        target
	pageSize int
	emit     emitFunc
	// seen holds the ids already emitted: when calls arrive while a scan pages, a call moves
	// from one page to the next and would otherwise be read twice. It is dropped when the
	// target is done.
	seen map[string]struct{}
	// firstCount is page 1's total_count; a later page that reports more means calls arrived
	// during the scan. So does a call read twice: the calls before it moved it to a later page.
	firstCount int
	arrived    bool
	// next is the next page to ask for, to the last page any page so far said there is.
	next, to int
	// inOrder is set once the in-order pass has started, inOrderEnded once it read a short page.
	inOrder      bool
	inOrderEnded bool
	done         bool
	outstanding  int
	queued       bool
}

// hasJob reports whether the target has a page to ask for now. The in-order pass asks for one
// page at a time: a short page ends it.
func (s *targetScan) hasJob() bool {
	if s.done {
		return false
	}
	if s.inOrder {
		return s.outstanding == 0 && !s.inOrderEnded
	}
	return s.next <= s.to
}

// nextJob takes the next page to ask for, counting it outstanding at once: the in-order pass
// asks for its next page only when none is.
func (s *targetScan) nextJob() pageJob {
	j := pageJob{ts: s, page: s.next, fresh: s.inOrder}
	s.next++
	s.outstanding++
	return j
}

// take notes what a page says about the target before its calls are handed over: how many
// pages there are, whether calls arrived, whether the in-order pass ends here.
func (s *targetScan) take(j pageJob, page *api.CallLogsPage) {
	switch {
	case j.fresh:
		s.inOrderEnded = len(page.CallLogs) < s.sizeOf(page)
	case j.page == 1:
		s.firstCount = page.TotalCount
	case page.TotalCount > s.firstCount:
		s.arrived = true
	}
	if !j.fresh {
		// Pages that report more pages than page 1 did (calls arriving during the scan)
		// extend it.
		s.to = max(s.to, s.pageCount(page))
	}
}

// settle moves the target on once a page's calls are handed over: to the in-order pass when
// every page is in and calls arrived meanwhile, else to done when nothing is left.
func (s *targetScan) settle() {
	switch {
	case s.inOrder:
		if s.inOrderEnded {
			s.finish()
		}
	case s.next <= s.to || s.outstanding > 0:
	case s.arrived:
		// Pages read out of order while calls arrived can skip a call at a page edge; one
		// more pass in page order, straight from the API, cannot.
		s.inOrder, s.next = true, 1
	default:
		s.finish()
	}
}

// finish ends the target and lets its seen ids go.
func (s *targetScan) finish() {
	s.done, s.seen = true, nil
}

// pageCount is how many pages a page says the target has. total_pages is checked against
// total_count, so that a stale or wrong total_pages cannot end a scan before its last call.
func (s *targetScan) pageCount(p *api.CallLogsPage) int {
	size := s.sizeOf(p)
	return max(p.TotalPages, (p.TotalCount+size-1)/size)
}

// sizeOf is the page size the API applied: the one asked for, or the one it echoes when it
// capped the request lower.
func (s *targetScan) sizeOf(p *api.CallLogsPage) int {
	if p.PageSize > 0 && p.PageSize < s.pageSize {
		return p.PageSize
	}
	return s.pageSize
}

// emitPage hands the page's unseen calls to the table; false means stop.
func (s *targetScan) emitPage(page *api.CallLogsPage) (bool, error) {
	for i := range page.CallLogs {
		call := &page.CallLogs[i]
		if _, dup := s.seen[call.ID]; dup {
			s.arrived = true
			continue
		}
		s.seen[call.ID] = struct{}{}
		more, err := s.emit(call, s.t)
		if err != nil || !more {
			return false, err
		}
	}
	return true, nil
}

// fetch reads one page through the connection's memo. Only a real request waits for the list
// rate limiter and then for the connection's request budget.
func (s *targetScan) fetch(ctx context.Context, page int, fresh bool) (*api.CallLogsPage, error) {
	key := pageKey{AgentID: s.t.AgentID, Label: s.t.Label, Last: s.t.Last, Page: page, PageSize: s.pageSize}
	return s.c.memo.page(ctx, key, fresh, memoTTL(s.d), func(ctx context.Context) (*api.CallLogsPage, error) {
		s.d.WaitForListRateLimit(ctx)
		p, err := spend(ctx, s.c.budget, func(ctx context.Context) (*api.CallLogsPage, error) {
			return s.c.api.ListCallLogs(ctx, api.CallLogsQuery{AgentID: key.AgentID, Label: key.Label, Last: key.Last, Page: page, PageSize: key.PageSize})
		})
		if err == nil {
			pageRead(ctx)
		}
		return p, err
	})
}

type pageHookKey struct{}

// WithPageHook returns a context whose scans call hook for each call-log page they read from
// the API (not for a page the memo already had). It is for a host that serves the plugin in
// its own process and passes its context down to the scans, as the SQLite engine does to show
// a query's progress; over Steampipe's plugin protocol no context carries one.
func WithPageHook(ctx context.Context, hook func()) context.Context {
	return context.WithValue(ctx, pageHookKey{}, hook)
}

func pageRead(ctx context.Context) {
	if hook, ok := ctx.Value(pageHookKey{}).(func()); ok {
		hook()
	}
}

// The testing API has no paging but a fan-out: every run of an account is every agent's
// simulations, then each simulation's runs, then (for the results) each run's results. A
// testingWalk sends those requests as soon as the answer that names them arrives, each in its
// own goroutine, all waiting for the connection's request budget, so that the walk keeps the
// budget busy from the first simulation list to the last run. Rows go to the table from the
// goroutine that called walkTesting, as for call-log pages.
type testingWalk struct {
	ctx context.Context
	d   *plugin.QueryData
	c   *connClient
	g   *errgroup.Group
	out chan []any
}

// walkTesting runs start, which sets the walk's first requests going, streams every row the
// walk emits, and returns its first error. It stops the walk once the query needs no more rows.
func walkTesting(ctx context.Context, d *plugin.QueryData, c *connClient, start func(w *testingWalk) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	w := &testingWalk{ctx: gctx, d: d, c: c, g: g, out: make(chan []any, max(c.settings.MaxConcurrency, 1))}
	g.Go(func() error { return start(w) })
	var walkErr error
	go func() {
		walkErr = g.Wait()
		close(w.out) // after walkErr is set: the loop below reads it once out is closed
	}()
	for rows := range w.out {
		if !streamRows(ctx, d, rows) {
			cancel()
			for range w.out { // the walk's goroutines see the cancel; let them finish
			}
			return nil // walkErr is the cancel's own: the query has its rows
		}
	}
	return walkErr
}

// streamRows hands rows to the SDK; false means the query needs no more.
func streamRows(ctx context.Context, d *plugin.QueryData, rows []any) bool {
	for _, r := range rows {
		d.StreamListItem(ctx, r)
		if d.RowsRemaining(ctx) <= 0 {
			return false
		}
	}
	return true
}

// emit sends rows to the streaming goroutine, unless the walk is over.
func (w *testingWalk) emit(rows ...any) error {
	if len(rows) == 0 {
		return nil
	}
	select {
	case w.out <- rows:
		return nil
	case <-w.ctx.Done():
		return w.ctx.Err()
	}
}

// agents starts one step per agent to read: the query's, else the connection's agent_ids,
// else every agent.
func (w *testingWalk) agents(fromQuery []string, each func(agentID string) error) error {
	ids, err := w.c.agentsFor(w.ctx, w.d, fromQuery)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id != "" {
			w.g.Go(func() error { return each(id) })
		}
	}
	return nil
}

// simulations starts one step per simulation of the agent.
func (w *testingWalk) simulations(agentID string, each func(sim *api.Simulation) error) error {
	sims, err := w.c.listSimulations(w.ctx, w.d, agentID)
	if err != nil {
		return err
	}
	for i := range sims {
		w.g.Go(func() error { return each(&sims[i]) })
	}
	return nil
}

// runs starts one step per run of the simulation.
func (w *testingWalk) runs(simulationID string, each func(run *api.SimulationRun) error) error {
	runs, err := w.c.listSimulationRuns(w.ctx, w.d, simulationID)
	if err != nil {
		return err
	}
	for i := range runs {
		w.g.Go(func() error { return each(&runs[i]) })
	}
	return nil
}
