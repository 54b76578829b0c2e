package sdkfix

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// execute's first line is `[INFO] Plugin execute table name: ... quals: ...`, whose argument is
// every qual of the request in protobuf's text format. v5.14.1 built it for every scan, and
// formatted execute's and streamRows' other lines, whatever the log level: for a join's inner
// scan, one scan per outer row, that text was the largest cost the SDK had left (in process,
// 7%). Here the scan's one qual is on a column that is no key column (the SDK passes it on,
// unused) and holds 4 MiB: at ERROR (TestMain's level, below INFO), the scan must allocate less
// than that value's size, as it does when nothing formats it. v5.14.1 allocates it twice over.
func TestExecuteFormatsItsQualsOnlyWhenItLogsThem(t *testing.T) {
	const size = 4 << 20
	h := newHost(t, false)
	req := h.request(func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
		d.StreamListItem(ctx, &item{ID: 1})
		return nil, nil
	}, false, 0)
	req.QueryContext.Quals["id"] = &proto.Quals{Quals: []*proto.Qual{{
		FieldName: "id",
		Operator:  &proto.Qual_StringValue{StringValue: "="},
		Value:     &proto.QualValue{Value: &proto.QualValue_StringValue{StringValue: strings.Repeat("q", size)}},
	}}}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rows := &rowStream{ctx: context.Background()}
	if err := h.server.Execute(req, rows); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if rows.rows != 1 {
		t.Fatalf("%d rows, want 1", rows.rows)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated >= size {
		t.Errorf("the scan allocated %d bytes at ERROR, more than its 4 MiB qual: a log line below the level formatted it", allocated)
	}
}
