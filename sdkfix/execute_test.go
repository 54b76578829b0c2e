package sdkfix

import (
	"context"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// settle is how long a test lets the SDK's goroutines reach the state it lines up (an error
// queued, a channel closed). Too short on a starved machine only makes a test less sharp: with a
// fix in place no ordering loses the error.
const settle = 100 * time.Millisecond

// The SDK's execute (plugin/plugin_grpc.go) selects between a connection's error and the nil
// "finished" row sent right after it. Here the list function fails while execute is busy sending
// its one row, so both are waiting when execute next selects: v5.14.1 takes either, at random,
// and taking the nil row ends the scan as a clean one-row result.
func TestExecuteKeepsAnErrorThatArrivesWithTheEnd(t *testing.T) {
	// after listDone, the error and the nil row are both queued behind the blocked Send
	keepsTheErrorEveryRun(t, func(stream *gatedStream, listDone chan struct{}) plugin.HydrateFunc {
		return func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
			d.StreamListItem(ctx, &item{ID: 1})
			<-stream.entered // execute is now busy sending the row
			close(listDone)
			return nil, errList{"all"}
		}
	})
}
