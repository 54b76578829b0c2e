package sdkfix

import (
	"context"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// The SDK's streamRows (plugin/query_data.go) selects between the query's error channel and its
// row channel, which is closed right after the list function's error is queued. Here the list
// function streams three rows and fails while streamRows is blocked handing over the third, so
// the error and the closed channel are both waiting when it selects again: v5.14.1 takes either,
// at random, and taking the closed channel reports the three rows as the whole result (with the
// cache on, it would also cache them).
func TestStreamRowsKeepsAnErrorThatArrivesWithTheEnd(t *testing.T) {
	// after listDone, the error is queued and the row channel closed
	keepsTheErrorEveryRun(t, func(stream *gatedStream, listDone chan struct{}) plugin.HydrateFunc {
		return func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
			// the first row holds execute in Send, the second fills its one-row buffer, and
			// streamRows blocks handing over the third
			d.StreamListItem(ctx, &item{ID: 1}, &item{ID: 2}, &item{ID: 3})
			<-stream.entered
			time.Sleep(settle)
			close(listDone)
			return nil, errList{"all"}
		}
	})
}
