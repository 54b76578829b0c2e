package bluejay

import (
	"context"
	"sync"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// This file is the one paging loop: every table that reads call logs streams them through
// scanCalls, which reads page 1, then the remaining pages concurrently (up to max_concurrency
// in flight), hands each call to the table once, and stops as soon as the query needs no more
// rows.

// emitFunc receives each call of a scan once, with the target it was read for; it returns false
// when the query needs no more rows, and an error when the call cannot become rows.
type emitFunc func(call *api.CallLog, t target) (bool, error)

// scanCalls reads every target of req and passes each call to emit.
func scanCalls(ctx context.Context, d *plugin.QueryData, c *connClient, req scanRequest, emit emitFunc) error {
	agents, err := c.agentsFor(ctx, req.AgentIDs)
	if err != nil {
		return err
	}
	for _, agent := range agents {
		if agent == "" {
			continue // no agent has an empty id; asking would change the request path
		}
		for _, label := range req.Labels {
			s := &targetScan{d: d, c: c, t: target{AgentID: agent, Label: label, Last: req.Last}, pageSize: req.PageSize, limit: req.Limit, emit: emit, seen: map[string]struct{}{}}
			more, err := s.run(ctx)
			if err != nil || !more {
				return err
			}
		}
	}
	return nil
}

// agentsFor resolves the agents to read: the query's, else the connection's agent_ids, else
// every agent the key can see.
func (c *connClient) agentsFor(ctx context.Context, fromQuery []string) ([]string, error) {
	if len(fromQuery) > 0 {
		return fromQuery, nil
	}
	if len(c.settings.AgentIDs) > 0 {
		return c.settings.AgentIDs, nil
	}
	agents, err := c.api.ListAgents(ctx)
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

// targetScan reads the pages of one target.
type targetScan struct {
	d        *plugin.QueryData
	c        *connClient
	t        target
	pageSize int
	limit    int64
	emit     emitFunc
	// seen holds the ids already emitted: when calls arrive while a scan pages, a call moves
	// from one page to the next and would otherwise be read twice.
	seen map[string]struct{}
	// firstCount is page 1's total_count; a later page that reports more means calls arrived
	// during the scan. So does a call read twice: the calls before it moved it to a later page.
	firstCount int
	arrived    bool
	stopped    bool
}

// run reads the target; it returns false when the query needs no more rows.
func (s *targetScan) run(ctx context.Context) (bool, error) {
	first, err := s.fetch(ctx, 1, false)
	if err != nil {
		return false, err
	}
	s.firstCount = first.TotalCount
	if more, err := s.emitPage(first); !more {
		return false, err
	}
	if err := s.readRest(ctx, 2, s.pageCount(first)); err != nil || s.stopped {
		return !s.stopped, err
	}
	if s.arrived {
		// Pages read out of order while calls arrived can skip a call at a page edge; one
		// more pass in page order, straight from the API, cannot.
		return s.readInOrder(ctx)
	}
	return true, nil
}

// readRest reads pages from..to with up to max_concurrency requests in flight, and keeps going
// while pages report more pages than that (calls arriving during the scan).
func (s *targetScan) readRest(ctx context.Context, from, to int) error {
	for from <= to && !s.stopped {
		batchTo := min(to, from+s.pagesWanted()-1)
		maxTotal, err := s.readConcurrently(ctx, from, batchTo)
		if err != nil {
			return err
		}
		from, to = batchTo+1, max(to, maxTotal)
	}
	return nil
}

// pagesWanted is how many more pages a LIMIT can still use, at one row per call: pages whose
// rows the query will never read are not requested. Tables with several rows per call, or
// calls deduplicated away, simply come back for another batch.
func (s *targetScan) pagesWanted() int {
	if s.limit < 0 {
		return int(^uint32(0) >> 1)
	}
	remaining := max(s.d.RowsRemaining(context.Background()), 1)
	return int((remaining + int64(s.pageSize) - 1) / int64(s.pageSize))
}

type pageResult struct {
	page *api.CallLogsPage
	err  error
}

// readConcurrently fetches pages from..to with a pool of workers and emits each page as it
// arrives. It returns the largest total_pages any of them reported.
func (s *targetScan) readConcurrently(ctx context.Context, from, to int) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan int)
	results := make(chan pageResult)
	var wg sync.WaitGroup
	for range min(s.c.settings.MaxConcurrency, to-from+1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.worker(ctx, pages, results)
		}()
	}
	go func() {
		defer close(pages)
		for p := from; p <= to; p++ {
			select {
			case pages <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	maxTotal := 0
	for r := range results {
		if r.err != nil {
			return 0, r.err
		}
		maxTotal = max(maxTotal, s.pageCount(r.page))
		if r.page.TotalCount > s.firstCount {
			s.arrived = true
		}
		if more, err := s.emitPage(r.page); !more {
			return maxTotal, err
		}
	}
	return maxTotal, ctx.Err()
}

func (s *targetScan) worker(ctx context.Context, pages <-chan int, results chan<- pageResult) {
	for p := range pages {
		page, err := s.fetch(ctx, p, false)
		select {
		case results <- pageResult{page, err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
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

// readInOrder reads the target again page by page, bypassing the memo, until a short page,
// emitting only calls not seen yet.
func (s *targetScan) readInOrder(ctx context.Context) (bool, error) {
	for p := 1; ; p++ {
		page, err := s.fetch(ctx, p, true)
		if err != nil {
			return false, err
		}
		if more, err := s.emitPage(page); !more {
			return false, err
		}
		if len(page.CallLogs) < s.sizeOf(page) {
			return true, nil
		}
	}
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
		if err != nil {
			return false, err
		}
		if !more {
			s.stopped = true
			return false, nil
		}
	}
	return true, nil
}

// fetch reads one page through the connection's memo. Only a real request waits for the list
// rate limiter.
func (s *targetScan) fetch(ctx context.Context, page int, fresh bool) (*api.CallLogsPage, error) {
	key := pageKey{AgentID: s.t.AgentID, Label: s.t.Label, Last: s.t.Last, Page: page, PageSize: s.pageSize}
	return s.c.pages.page(ctx, key, fresh, func(ctx context.Context) (*api.CallLogsPage, error) {
		s.d.WaitForListRateLimit(ctx)
		p, err := s.c.api.ListCallLogs(ctx, api.CallLogsQuery{AgentID: key.AgentID, Label: key.Label, Last: key.Last, Page: page, PageSize: key.PageSize})
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
