package sdkfix

import (
	"context"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// waitingToSendARow counts the SDK's row builders parked sending a built row to streamRows.
func waitingToSendARow() int {
	return countInStacks("plugin.(*QueryData).buildRowAsync.func1(")
}

// When streamRows takes an error it stops reading the row channel, and v5.14.1's row builders
// still holding a built row wait forever to send it: one goroutine, and its row, per row in
// flight. Here the list function streams 60 rows while the stream's first Send is held (so most
// of them are built and waiting), then fails; after the query ends, no builder may be left.
func TestRowBuildersStopWhenTheQueryFails(t *testing.T) {
	h := newHost(t, false)
	stream := newGatedStream(context.Background())
	listDone := make(chan struct{})
	list := func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
		for i := range int64(60) {
			d.StreamListItem(ctx, &item{ID: i})
		}
		<-stream.entered
		time.Sleep(settle) // the rows are built, and their builders wait to send them
		close(listDone)
		return nil, errList{"all"}
	}
	if err := h.executeGated(h.request(list, false, 0), stream, func() { <-listDone }); !wantListError(t, err) {
		t.Fatalf("the query ended with %v, want the list function's error", err)
	}
	if n := waitForNone(waitingToSendARow); n > 0 {
		t.Fatalf("%d row builders still wait to send their row, 2 s after the query failed", n)
	}
}
