package bluejay

import (
	"context"
	"sync"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"golang.org/x/sync/semaphore"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// requestBudget is a connection's max_concurrency: how many requests every scan of the
// connection together keeps in flight (the agents of one query, the members of an IN list,
// which the SDK runs as separate list calls, queries running at once, the child tables). Without
// it each of those paged with max_concurrency of its own, and a 20-agent IN list had 160
// requests open against the API.
//
// It is golang.org/x/sync/semaphore.Weighted, whose waiters are served first in, first out: a
// scan's request queues behind at most the requests already waiting, so one large agent cannot
// starve another agent's first page. Only a real request takes a slot: a page the memo already
// holds, or one another scan is fetching, does not.
type requestBudget struct {
	slots *semaphore.Weighted
}

func newRequestBudget(maxInFlight int) *requestBudget {
	return &requestBudget{slots: semaphore.NewWeighted(int64(max(maxInFlight, 1)))}
}

// spend runs one request within the budget, waiting for a slot first; it gives up waiting when
// ctx is done.
func spend[T any](ctx context.Context, b *requestBudget, request func(context.Context) (T, error)) (T, error) {
	if err := b.slots.Acquire(ctx, 1); err != nil {
		var zero T
		return zero, err
	}
	defer b.slots.Release(1)
	return request(ctx)
}

// The connection's requests other than call-log pages (scan.go's fetch), each within its budget.

// listAgents is one /v1/all-agents request.
func (c *connClient) listAgents(ctx context.Context) ([]api.Agent, error) {
	return spend(ctx, c.budget, c.api.ListAgents)
}

// getCallLog is one request for a call by id.
func (c *connClient) getCallLog(ctx context.Context, id string) (*api.CallLog, error) {
	return spend(ctx, c.budget, func(ctx context.Context) (*api.CallLog, error) { return c.api.GetCallLog(ctx, id) })
}

// pageAllowance bounds the pages the list calls of one query hold at once: asked for, or
// fetched and waiting to be handed over. The SDK runs one list call per value of an IN list, and
// their rows all wait for the one reader of the query: without a bound shared by them, each
// could hold max_concurrency fetched pages while the others' rows stream, 20 agents 20 times
// what one scan holds. It is twice the request budget, so that max_concurrency pages
// can be in flight while as many wait, and a query of one list call (holding at most
// max_concurrency + 1) never waits for it.
//
// It is per query, not per connection: a query's list calls wait only for its own reader. With
// one allowance per connection, a query whose reader had stopped (Postgres reading the inner
// side of a nested loop join) would hold pages the other side needs to progress.
type pageAllowance struct {
	once  sync.Once
	slots *semaphore.Weighted
}

// of returns the allowance's semaphore, sized the first time from the connection's budget.
func (a *pageAllowance) of(maxInFlight int) *semaphore.Weighted {
	a.once.Do(func() { a.slots = semaphore.NewWeighted(int64(2 * max(maxInFlight, 1))) })
	return a.slots
}

type allowanceKey struct{}

// withPageAllowance makes a the allowance of the scans run with ctx.
func withPageAllowance(ctx context.Context, a *pageAllowance) context.Context {
	return context.WithValue(ctx, allowanceKey{}, a)
}

// pageAllowanceOf is the allowance of the query ctx belongs to, or one of its own for a scan
// run outside guardList.
func pageAllowanceOf(ctx context.Context, maxInFlight int) *semaphore.Weighted {
	a, ok := ctx.Value(allowanceKey{}).(*pageAllowance)
	if !ok {
		a = &pageAllowance{}
	}
	return a.of(maxInFlight)
}

// readTesting is one request to the testing API, through the memo (one request however many
// scans of the connection ask for it within the TTL) and within the budget.
func readTesting[T any](ctx context.Context, d *plugin.QueryData, c *connClient, key testingKey, request func(context.Context) (T, int, error)) (T, error) {
	v, err := c.memo.testing(ctx, key, memoTTL(d), func(ctx context.Context) (any, int, error) {
		d.WaitForListRateLimit(ctx)
		var size int
		value, err := spend(ctx, c.budget, func(ctx context.Context) (T, error) {
			v, n, err := request(ctx)
			size = n
			return v, err
		})
		if err != nil {
			return nil, 0, err
		}
		return value, size, nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}
