package bluejay

import (
	"context"
	"fmt"
	"sync"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// Every list function runs its body through guardList, every get function through guardGet.
//
// A failed scan reaches the user as its error: the SDK in third_party/steampipe-plugin-sdk no
// longer lets the end of the rows win over an error (patches 0101-0106, third_party/README.md),
// so nothing here waits for the SDK. What is left is what an IN list needs: the SDK runs one list
// call per value, and when one fails the others would go on requesting pages (with the query
// cache on, nothing else stops them: the SDK scans on a context of its own) and streaming rows
// into a channel no one reads any more, where they would block for good. So the first failure
// stops the other list calls of its query and refuses their rows.

// scanGroup is the list calls of one query: one, or one per value of an IN list, which the SDK
// runs concurrently over the same row and error channels. The first failure stops the others and
// is the one reported; the others' errors are their cancellation, which says nothing new.
type scanGroup struct {
	mu      sync.Mutex
	members int
	failed  bool
	cancels map[*context.CancelFunc]struct{}
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

// admit reports whether a row may still be streamed: not once the group has failed.
func (g *scanGroup) admit() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return !g.failed
}

// guardList runs a list function's body, which streams rows with d.StreamListItem, as a member
// of its query's scanGroup (see the top of this file).
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
		if g.admit() {
			stream(ctx, items...)
		}
	}

	err := body(memberCtx)
	if err == nil || ctx.Err() != nil {
		return err
	}
	if !g.fail(&cancel) {
		return nil // stopped by the group's first failure, which is reported
	}
	return err
}

// guardGet runs a get function's body. The SDK puts the connection's name before a list
// function's error but returns a get function's as it is; guardGet adds the name, so that every
// error reads "<connection>: <message>" in Steampipe and its Postgres FDW alike.
func guardGet(ctx context.Context, d *plugin.QueryData, body func(context.Context) (any, error)) (any, error) {
	item, err := body(ctx)
	if err != nil && d.Connection != nil {
		err = fmt.Errorf("%s: %w", d.Connection.Name, err)
	}
	return item, err
}
