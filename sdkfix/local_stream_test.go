package sdkfix

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/anywhere"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
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

// The FDW (v2.2.2) keeps every scan's iterator, and with it the scan's LocalPluginStream, until
// the session ends: a rescan (one per outer row of a nested loop join) saves a new execution
// state and never clears the one before (fdw.go goFdwReScanForeignScan, exec.go sess). Here the
// streams are kept as the FDW keeps them, each read to its end as the FDW reads it. v5.14.1 gives
// each a 1,024-slot row channel, 8 KiB, 118 MB of a backend's heap after the inner-scan benchmark;
// the stream is now as deep as the FDW's own row channel behind it, 100 rows.
func TestAFinishedLocalStreamKeepsLittle(t *testing.T) {
	const scans = 2000
	kept := make([]*anywhere.LocalPluginStream, scans)
	before := heapAfterGC()
	for i := range kept {
		stream := anywhere.NewLocalPluginStream(context.Background())
		if err := stream.Send(&proto.ExecuteResponse{Row: &proto.Row{}}); err != nil {
			t.Fatal(err)
		}
		if err := stream.Send(nil); err != nil {
			t.Fatal(err)
		}
		if rows, err := readAll(stream, func() {}); rows != 1 || err != nil {
			t.Fatalf("scan %d: %d rows, %v; want 1 row and the end", i, rows, err)
		}
		kept[i] = stream
	}
	perScan := (int64(heapAfterGC()) - int64(before)) / scans
	runtime.KeepAlive(kept)
	t.Logf("a finished stream keeps %d bytes of heap", perScan)
	if perScan > 2048 {
		t.Fatalf("a finished stream keeps %d bytes of heap; the FDW keeps one per inner scan for the session", perScan)
	}
}

// heapAfterGC is the heap in use once a collection has run.
func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
