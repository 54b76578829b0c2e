package sdkfix

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"
)

// wideColumns is how many columns of wide_item one shared hydrate function returns, as the
// plugin's tables give every column but a call's identity one shared hydrate function.
const wideColumns = 500

// A scan's setup in v5.14.1 made a QueryColumn for every column of every hydrate call it ran,
// named or not, and a map of the table's reserved columns sized to all its columns; since 0208
// a row carries only the columns the query names, so the rest was built for nothing, once a
// scan: newQueryData was 15% of the bytes the PostgreSQL backend allocated in the FDW's inner
// scans of a join. A scan naming one column of a table of 500 must now allocate about what the
// same scan of a table of two does (within 8 KiB); v5.14.1 allocated about 110 KiB more.
func TestAScanAllocatesForTheColumnsItNamesNotTheTables(t *testing.T) {
	if raceDetector {
		t.Skip("under the race detector a scan's allocations vary by a few KiB from one scan to the next")
	}
	const scans, bound = 50, 8 << 10
	server := wideServer(t)
	narrow := bytesAScan(t, server, "narrow_item", scans)
	wide := bytesAScan(t, server, "wide_item", scans)
	t.Logf("a scan naming one column allocates %d bytes of a table of 2 columns, %d of %d", narrow, wide, wideColumns)
	if wide > narrow+bound {
		t.Errorf("a scan naming one column of %d allocated %d bytes more than of 2, want at most %d: its setup builds the columns it does not name",
			wideColumns, wide-narrow, bound)
	}
}

// What a scan of a wide table returns is the columns it names with their values: those of the
// shared hydrate function, the list call's id, a column of a hydrate function of its own, and
// for count(*) (no column) the list call's first column.
func TestAScanOfAWideTableReturnsTheColumnsItNames(t *testing.T) {
	server := wideServer(t)
	for _, c := range []struct {
		name    string
		columns []string
		want    map[string]string
	}{
		{"one shared column", []string{"c250"}, map[string]string{"c250": "v250"}},
		{"the id and shared columns", []string{"id", "c000", "c499"}, map[string]string{"id": "1", "c000": "v000", "c499": "v499"}},
		{"the column of its own hydrate", []string{"solo"}, map[string]string{"solo": "own"}},
		{"own and shared", []string{"c007", "solo"}, map[string]string{"c007": "v007", "solo": "own"}},
		{"none, as count(*): the list call's first column", nil, map[string]string{"id": "1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows := localScan(t, server, wideRequest("wide_item", c.columns))
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1", len(rows))
			}
			got := map[string]string{}
			for name, value := range rows[0].Columns {
				if name != "sp_connection_name" {
					got[name] = columnText(value)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("the row is %v, want %v", got, c.want)
			}
		})
	}
}

// bytesAScan is the bytes allocated by a scan naming c000 of table, on average over scans
// after a first (which starts what the connection keeps).
func bytesAScan(t *testing.T, server *grpc.PluginServer, table string, scans int) uint64 {
	t.Helper()
	localScan(t, server, wideRequest(table, []string{"c000"}))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range scans {
		if rows := localScan(t, server, wideRequest(table, []string{"c000"})); len(rows) != 1 {
			t.Fatalf("%s: %d rows, want 1", table, len(rows))
		}
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(scans)
}

// wideServer serves wide_item (an id from the list call, wideColumns columns c000... from one
// shared hydrate function, valued v000..., and solo from a hydrate function of its own) and
// narrow_item (the same with two shared columns), with the query cache off.
func wideServer(t *testing.T) *grpc.PluginServer {
	t.Helper()
	server := plugin.Server(&plugin.ServeOpts{PluginFunc: func(context.Context) *plugin.Plugin {
		return &plugin.Plugin{
			Name: "wide",
			TableMap: map[string]*plugin.Table{
				"wide_item":   wideTable("wide_item", wideColumns),
				"narrow_item": wideTable("narrow_item", 2),
			},
		}
	}})
	loadConnection(t, server, -1)
	if _, err := server.SetCacheOptions(&proto.SetCacheOptionsRequest{Ttl: 300}); err != nil {
		t.Fatal(err)
	}
	return server
}

func wideTable(name string, shared int) *plugin.Table {
	row := map[string]string{} // made once: what a scan allocates must be the SDK's
	for i := range shared {
		row[fmt.Sprintf("c%03d", i)] = fmt.Sprintf("v%03d", i)
	}
	values := func(context.Context, *plugin.QueryData, *plugin.HydrateData) (any, error) {
		return row, nil
	}
	own := func(context.Context, *plugin.QueryData, *plugin.HydrateData) (any, error) {
		return map[string]string{"solo": "own"}, nil
	}
	columns := []*plugin.Column{
		{Name: "id", Type: proto.ColumnType_INT, Transform: transform.FromField("ID")},
		{Name: "solo", Type: proto.ColumnType_STRING, Hydrate: own, Transform: transform.FromField("solo")},
	}
	for i := range shared {
		column := fmt.Sprintf("c%03d", i)
		columns = append(columns, &plugin.Column{Name: column, Type: proto.ColumnType_STRING, Hydrate: values, Transform: transform.FromField(column)})
	}
	return &plugin.Table{
		Name: name,
		List: &plugin.ListConfig{Hydrate: func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
			d.StreamListItem(ctx, &item{ID: 1})
			return nil, nil
		}},
		Columns: columns,
	}
}

// scanSeq numbers wideRequest's scans: each is a call of its own.
var scanSeq atomic.Int64

// wideRequest is `select columns from table` on the connection, with the query cache off.
func wideRequest(table string, columns []string) *proto.ExecuteRequest {
	return &proto.ExecuteRequest{
		Table: table, QueryContext: &proto.QueryContext{Columns: columns}, Connection: connection,
		CallId:                fmt.Sprintf("%s-%d", table, scanSeq.Add(1)),
		ExecuteConnectionData: map[string]*proto.ExecuteConnectionData{connection: {CacheTtl: 300}},
	}
}

// columnText is a column's value as text: its string, or its int in decimal.
func columnText(c *proto.Column) string {
	if s, ok := c.GetValue().(*proto.Column_StringValue); ok {
		return s.StringValue
	}
	return fmt.Sprint(c.GetIntValue())
}
