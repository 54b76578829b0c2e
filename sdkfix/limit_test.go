package sdkfix

import (
	"context"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// The list calls of an IN list count the rows they stream in the query's one queryStatus, which
// v5.14.1 updates and reads without a lock: increments are lost and two calls both stream the
// last row a LIMIT allows, so more rows than the LIMIT are built and sent. Here four list calls
// stream as fast as they can until RowsRemaining says the LIMIT is met; the query must send
// exactly the LIMIT. (The race detector reports the same race at once:
// go test -race -run TestInListStreamsExactlyTheLimit ./sdkfix.)
func TestInListStreamsExactlyTheLimit(t *testing.T) {
	const limit, runs = 20000, 8
	h := newHost(t, false)
	list := func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
		for i := int64(0); i < 2*limit && d.RowsRemaining(ctx) > 0; i++ {
			d.StreamListItem(ctx, &item{ID: i, K: d.EqualsQualString("k")})
		}
		return nil, nil
	}
	for run := range runs {
		stream := newGatedStream(context.Background())
		stream.open()
		if err := h.server.Execute(h.request(list, false, limit, "a", "b", "c", "d"), stream); err != nil {
			t.Fatal(err)
		}
		if got := stream.rowCount(); got != limit {
			t.Errorf("run %d: limit %d, %d rows sent", run, limit, got)
		}
	}
}
