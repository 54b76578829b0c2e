package bluejay

import (
	"context"

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
