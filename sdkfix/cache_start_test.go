package sdkfix

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// The standalone FDW starts a plugin in every PostgreSQL backend, and each start creates the
// query cache (SetAllConnectionConfigs with no size limit). v5.14.1's bigcache sized every shard
// up front for 600,000 entries of 500 bytes: about 300 MiB allocated, and 0.12 s, at every start,
// before any query and whether or not a table uses the cache. Started as the FDW starts it, the
// plugin must allocate less than 16 MiB, and the cache must still keep a scan's rows and serve
// them to the same query again.
func TestFDWStartCreatesNoCacheBuffersUpFront(t *testing.T) {
	const maxStartAlloc = 16 << 20
	var lists atomic.Int64
	list := func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
		lists.Add(1)
		for i := range 2500 {
			d.StreamListItem(ctx, &item{ID: int64(i), K: "k"})
		}
		return nil, nil
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	server := fixServer(list)
	loadConnection(t, server, 0)
	runtime.ReadMemStats(&after)
	got := after.TotalAlloc - before.TotalAlloc
	t.Logf("starting the plugin allocated %.1f MiB", float64(got)/(1<<20))
	if got > maxStartAlloc {
		t.Errorf("starting the plugin allocated %.1f MiB, want under %d MiB", float64(got)/(1<<20), maxStartAlloc>>20)
	}
	for run := 1; run <= 2; run++ {
		rows := &rowStream{ctx: context.Background()}
		if err := server.Execute(scanRequest("cached", true, 0), rows); err != nil {
			t.Fatal(err)
		}
		if rows.rows != 2500 {
			t.Fatalf("scan %d: %d rows, want 2500", run, rows.rows)
		}
	}
	if n := lists.Load(); n != 1 {
		t.Fatalf("the list function ran %d times for two identical scans with the cache on, want 1 (the second from the cache)", n)
	}
}
