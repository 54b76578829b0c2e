package sdkfix

import (
	"context"
	"fmt"
	"runtime/debug"
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

// The last row a LIMIT allows reaches the row builder before the end of the stream, whichever
// list call of an IN list counts it. A list call that counts the last row and one that then
// finds the limit met race to the row channel: v5.14.1 (and 0106) sent the end of the stream (a
// nil row) at once, and the row builder stops at it, so the counted row could come after it and
// be dropped: one row short of the LIMIT, silently. Many list calls make the race likely: when
// they contend for the query's status, its mutex hands the processor from the one that counted
// the last row straight to a waiting one.
func TestInListSendsTheLastRowBeforeTheEnd(t *testing.T) {
	const limit, runs = 200, 300
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	values := make([]string, 32)
	for i := range values {
		values[i] = fmt.Sprint("v", i)
	}
	h := newHost(t, false)
	list := func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
		for i := int64(0); i < limit && d.RowsRemaining(ctx) > 0; i++ {
			d.StreamListItem(ctx, &item{ID: i, K: d.EqualsQualString("k")})
		}
		return nil, nil
	}
	short := 0
	for range runs {
		stream := newGatedStream(context.Background())
		stream.open()
		if err := h.server.Execute(h.request(list, false, limit, values...), stream); err != nil {
			t.Fatal(err)
		}
		if stream.rowCount() != limit {
			short++
		}
	}
	if short > 0 {
		t.Errorf("%d of %d scans of a 32-value IN list with LIMIT %d sent fewer rows: the end of the stream overtook the last row", short, runs, limit)
	}
}
