package bluejay

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// This file makes a failed scan reach the user as an error, never as a short result that looks
// complete. Every list function runs its body through guardList, every get function through
// guardGet.
//
// SDK v5.14.1 can end a failed call as a clean stream (see docs/reliability.md). When a list
// function returns an error, the SDK sends it on an error channel and then ends the row stream,
// and three selects downstream take whichever is ready first:
//   - plugin/query_data.go streamRows: the error or the row channel, closed right after the
//     error. Taking the closed channel reports success, and with the query cache on caches the
//     short result for every later query.
//   - plugin/plugin_grpc.go execute: the error or the nil "finished" row that follows it at
//     once. Taking the nil row drops the error.
//   - query_cache/set_request_subscriber.go waitUntilDone, for a query that shares another's
//     cache fill: the error or the subscriber's done channel, closed right after it.
// A select that is already waiting when the error arrives always takes the error. So a failing
// list call (1) stops its query's other list calls streaming, (2) streams a drain probe behind
// the rows it already handed over and waits until the SDK builds it, which also keeps the row
// channel open until the call is over, (3) waits for the rows still in the SDK's buffers to be
// sent, so that every select above is idle, and only then (4) returns its error.
//
// Step 2 removes the first race outright. The SDK gives no signal that a row has been sent, so
// step 3 is a wait long enough for its buffers to drain (settleTime): the second and third races
// remain possible when the reader falls further behind than that.

// The wait of step 3 is failGrace, plus drainPerRow for each row the query streamed up to
// sdkBufferedRows (the SDK can hold that many between a list call and the wire: 100 queued, 500
// being built, 10 built and 1 being sent), plus loadFactor times how long the SDK took to reach
// the probe (on a loaded machine each of its last steps waits that long for a CPU), at most
// maxLoadWait. failGrace also covers a query sharing a cache fill, which polls it every 50ms.
// Only failing queries wait.
const (
	failGrace       = 100 * time.Millisecond
	drainPerRow     = time.Millisecond
	sdkBufferedRows = 611
	loadFactor      = 20
	maxLoadWait     = 5 * time.Second
)

// probeWait bounds the wait for the drain probe, in case the SDK stopped building rows for a
// reason of its own (another row's error).
const probeWait = 30 * time.Second

// scanGroup is the list calls of one query: one, or one per value of an IN list, which the SDK
// runs concurrently over the same row and error channels. The first failure stops the others,
// so that no row of theirs races the error, and later failures are dropped: the SDK's error
// channel holds one error, and a second send would block that goroutine forever.
type scanGroup struct {
	mu       sync.Mutex
	members  int
	failed   bool
	streamed int
	cancels  map[*context.CancelFunc]struct{}
	// pages bounds the pages the group's scans hold at once (budget.go).
	pages pageAllowance
}

var scanGroups = struct {
	sync.Mutex
	m map[*plugin.QueryContext]*scanGroup
}{m: map[*plugin.QueryContext]*scanGroup{}}

// joinScanGroup returns the group of a query's list calls: the SDK shares one QueryContext
// between the copies of QueryData it makes for an IN list, and no other query uses it.
func joinScanGroup(key *plugin.QueryContext) *scanGroup {
	scanGroups.Lock()
	defer scanGroups.Unlock()
	g := scanGroups.m[key]
	if g == nil {
		g = &scanGroup{cancels: map[*context.CancelFunc]struct{}{}}
		scanGroups.m[key] = g
	}
	g.mu.Lock()
	g.members++
	g.mu.Unlock()
	return g
}

func (g *scanGroup) leave(key *plugin.QueryContext) {
	scanGroups.Lock()
	defer scanGroups.Unlock()
	g.mu.Lock()
	g.members--
	empty := g.members == 0
	g.mu.Unlock()
	if empty && scanGroups.m[key] == g {
		delete(scanGroups.m, key)
	}
}

// watch registers a member's cancel func, so that the group's first failure stops its requests.
// It reports false when the group has already failed.
func (g *scanGroup) watch(cancel *context.CancelFunc) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cancels[cancel] = struct{}{}
	return !g.failed
}

func (g *scanGroup) unwatch(cancel *context.CancelFunc) {
	g.mu.Lock()
	delete(g.cancels, cancel)
	g.mu.Unlock()
}

// fail marks the group failed and stops every other member; it reports whether this was the
// group's first failure, the one to report.
func (g *scanGroup) fail(self *context.CancelFunc) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failed {
		return false
	}
	g.failed = true
	for c := range g.cancels {
		if c != self {
			(*c)()
		}
	}
	return true
}

// admit counts a row about to be streamed, or refuses it once the group has failed.
func (g *scanGroup) admit(n int) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.failed {
		g.streamed += n
	}
	return !g.failed
}

// settleTime is how long the SDK may take to send the rows the group streamed.
func (g *scanGroup) settleTime() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return failGrace + time.Duration(min(g.streamed, sdkBufferedRows))*drainPerRow
}

// guardList runs a list function's body, which streams rows with d.StreamListItem, so that
// its failure reaches the user (see the top of this file).
func guardList(ctx context.Context, d *plugin.QueryData, body func(context.Context) error) error {
	key := d.QueryContext
	g := joinScanGroup(key)
	defer g.leave(key)
	memberCtx, cancel := context.WithCancel(withPageAllowance(ctx, &g.pages))
	defer cancel()
	if !g.watch(&cancel) {
		return nil // another list call of this query failed; it reports the error
	}
	defer g.unwatch(&cancel)
	stream := d.StreamListItem
	d.StreamListItem = func(ctx context.Context, items ...any) {
		if g.admit(len(items)) {
			stream(ctx, items...)
		}
	}

	err := body(memberCtx)
	if err == nil || ctx.Err() != nil {
		return err
	}
	if !g.fail(&cancel) {
		return nil
	}
	wait := g.settleTime()
	if d.RowsRemaining(ctx) > 0 {
		wait += min(loadFactor*drain(ctx, stream), maxLoadWait)
	}
	settle(ctx, wait)
	return err
}

// guardGet runs a get function's body so that its failure reaches the user. A get streams no
// row before it fails, so only the wait applies: it covers the SDK still setting up its
// selects when a get fails at once (a missing key, a bad qual).
//
// The SDK puts the connection's name before a list function's error but returns a get
// function's as it is; guardGet adds the name, so that every error reads
// "<connection>: <message>" in Steampipe and its Postgres FDW alike.
func guardGet(ctx context.Context, d *plugin.QueryData, body func(context.Context) (any, error)) (any, error) {
	item, err := body(ctx)
	if err != nil && ctx.Err() == nil {
		settle(ctx, failGrace)
	}
	if err != nil && d.Connection != nil {
		err = fmt.Errorf("%s: %w", d.Connection.Name, err)
	}
	return item, err
}

// drainProbe is the last item a failing list call streams. The SDK builds rows in the order
// they were streamed, so when it builds the probe it has taken every earlier row. Building it
// blocks in a column transform (see column) until the call is over, which keeps the SDK's row
// channel from closing before the error is taken; then it fails, and the row is never sent.
type drainProbe struct {
	once    sync.Once
	reached chan struct{}
}

var errProbe = errors.New("drain probe (never sent)")

// drain streams a probe, waits until the SDK builds it, and returns how long that took: on an
// idle machine, microseconds; when the SDK's goroutines wait for a CPU, as long as each of their
// steps does, which is what the wait after it must allow for.
func drain(ctx context.Context, stream func(context.Context, ...any)) time.Duration {
	start := time.Now()
	p := &drainProbe{reached: make(chan struct{})}
	stream(ctx, p)
	t := time.NewTimer(probeWait)
	defer t.Stop()
	select {
	case <-p.reached:
	case <-t.C:
	case <-ctx.Done():
	}
	return time.Since(start)
}

// hold is what the probe's column transform does: tell drain the SDK got here, then hold the
// row until the call ends.
func (p *drainProbe) hold(ctx context.Context) error {
	p.once.Do(func() { close(p.reached) })
	<-ctx.Done()
	return errProbe
}

// settle waits d, or less if the query is cancelled meanwhile.
func settle(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
