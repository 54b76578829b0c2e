package sdkfix

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// blockedInStreamError counts the goroutines parked sending an error to a query's error channel.
func blockedInStreamError() int {
	return countInStacks("plugin.(*QueryData).streamError(")
}

// countInStacks counts the goroutines whose stack has a frame of function.
func countInStacks(function string) int {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), function)
}

// An IN list runs one list call per value, all sending errors to the query's error channel,
// which on v5.14.1 holds one. Here the three list calls of `k in ('a', 'b', 'c')` fail while
// streamRows is blocked handing over a row: the first error fills the channel, streamRows takes
// it and ends the query, and of the other two one moves into the freed slot and one waits
// forever, with its list call and the query's fetch goroutine behind it.
func TestInListHoldsAnErrorPerValue(t *testing.T) {
	h := newHost(t, false)
	stream := newGatedStream(context.Background())
	var failed sync.WaitGroup
	failed.Add(3)
	list := func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
		value := d.EqualsQualString("k")
		if value == "a" {
			d.StreamListItem(ctx, &item{ID: 1, K: value}, &item{ID: 2, K: value}, &item{ID: 3, K: value})
		}
		<-stream.entered // execute is busy sending a row
		time.Sleep(settle)
		failed.Done()
		return nil, errList{value}
	}
	// after failed.Wait, the errors are sent, or waiting to be
	if err := h.executeGated(h.request(list, false, 0, "a", "b", "c"), stream, failed.Wait); !wantListError(t, err) {
		t.Fatalf("the query ended with %v, want a list call's error", err)
	}
	if n := waitForNone(blockedInStreamError); n > 0 {
		t.Fatalf("%d list calls still wait to send their error, 2 s after the query ended", n)
	}
}
