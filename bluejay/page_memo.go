package bluejay

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// pageMemo shares call-log pages between the scans of one connection, so that a query joining
// bluejay_call to bluejay_call_evaluation (or to the child tables) for the same agent and window
// sends each page request once. Two things make that hold:
//   - one request in flight per page: scans asking at the same moment wait for it;
//   - a short-lived LRU: a scan that starts a little later (Postgres often runs the two sides of a
//     join one after the other) finds the page still there.
//
// It is bounded by page count, not by the size of a scan, so a 100,000-call scan keeps at most
// memoPages pages in memory, and by time, so a page is never served older than memoTTL.
type pageMemo struct {
	pages *expirable.LRU[pageKey, *api.CallLogsPage]

	mu      sync.Mutex
	flights map[flightKey]*flight
}

// pageKey is one request: the same agent, filters, page and page size.
type pageKey struct {
	AgentID, Label, Last string
	Page, PageSize       int
}

type flightKey struct {
	pageKey
	fresh bool
}

// flight is one request that several scans may be waiting on. It is cancelled when the last of
// them stops waiting (a LIMIT reached, a query cancelled), and not before: one scan giving up
// must not fail the others.
type flight struct {
	done    chan struct{}
	page    *api.CallLogsPage
	err     error
	waiters int
	cancel  context.CancelFunc
}

const (
	memoPages = 64
	memoTTL   = 30 * time.Second
)

func newPageMemo() *pageMemo {
	return &pageMemo{
		pages:   expirable.NewLRU[pageKey, *api.CallLogsPage](memoPages, nil, memoTTL),
		flights: map[flightKey]*flight{},
	}
}

type fetchFunc func(context.Context) (*api.CallLogsPage, error)

// page returns the memoized page for key, or fetches it once however many scans ask at once.
// fresh skips the stored pages, for a scan that must see the API as it is now.
func (m *pageMemo) page(ctx context.Context, key pageKey, fresh bool, fetch fetchFunc) (*api.CallLogsPage, error) {
	if !fresh {
		if p, ok := m.pages.Get(key); ok {
			return p, nil
		}
	}
	fk := flightKey{key, fresh}
	f := m.join(ctx, fk, fetch)
	select {
	case <-f.done:
		return f.page, f.err
	case <-ctx.Done():
		m.leave(fk, f)
		return nil, ctx.Err()
	}
}

func (m *pageMemo) join(ctx context.Context, fk flightKey, fetch fetchFunc) *flight {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f, ok := m.flights[fk]; ok {
		f.waiters++
		return f
	}
	// The request runs on its own context so that it outlives the scan that started it while
	// other scans still wait on it; leave cancels it when nobody does.
	flightCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f := &flight{done: make(chan struct{}), waiters: 1, cancel: cancel}
	m.flights[fk] = f
	go m.run(flightCtx, fk, f, fetch)
	return f
}

func (m *pageMemo) run(ctx context.Context, fk flightKey, f *flight, fetch fetchFunc) {
	f.page, f.err = fetch(ctx)
	f.cancel()
	m.mu.Lock()
	if m.flights[fk] == f {
		delete(m.flights, fk)
	}
	m.mu.Unlock()
	if f.err == nil {
		m.pages.Add(fk.pageKey, f.page)
	}
	close(f.done)
}

func (m *pageMemo) leave(fk flightKey, f *flight) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f.waiters--
	if f.waiters > 0 {
		return
	}
	f.cancel()
	// A scan that asks for this page from now on starts a new request rather than joining
	// one that is being cancelled.
	if m.flights[fk] == f {
		delete(m.flights, fk)
	}
}
