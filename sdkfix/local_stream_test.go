package sdkfix

import (
	"context"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/anywhere"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// readAll reads a local stream as the FDW does (hub/scan_iterator_base.go readPluginResult):
// rows until a nil response, which ends the scan cleanly, or an error.
func readAll(stream *anywhere.LocalPluginStream, afterFirstRow func()) (rows int, err error) {
	for {
		resp, err := stream.Recv()
		if err != nil || resp == nil {
			return rows, err
		}
		if rows++; rows == 1 {
			afterFirstRow()
		}
	}
}

// The FDW runs the plugin in its backend and reads it through anywhere.LocalPluginStream. Here
// the list function fails once the reader has taken its one row and waits for more. v5.14.1 ends
// such a scan cleanly every time: execute sends the nil end row to a local stream before it
// returns the error, and Recv, woken by Error closing the stream, reports the end without
// looking at the error Error has just set.
func TestLocalStreamKeepsAnErrorAfterRows(t *testing.T) {
	const runs = 5
	lost := 0
	h := newHost(t, false)
	for i := range runs {
		readerWaits := make(chan struct{})
		list := func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
			d.StreamListItem(ctx, &item{ID: 1})
			<-readerWaits
			return nil, errList{"all"}
		}
		stream := anywhere.NewLocalPluginStream(context.Background())
		h.server.CallExecuteAsync(h.request(list, false, 0), stream)
		rows, err := readAll(stream, func() {
			// the reader is back in Recv, waiting for a row, when the list call fails
			time.AfterFunc(settle, func() { close(readerWaits) })
		})
		if !wantListError(t, err) {
			lost++
			t.Logf("run %d: the scan ended with %v after %d rows", i, err, rows)
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d failing scans ended without their error", lost, runs)
	}
}
