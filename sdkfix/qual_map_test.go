package sdkfix

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"
)

// Every column's transform is given the query's key column quals (TransformData.KeyColumnQuals).
// v5.14.1 copied them into a new map for each column of each row (Table.getColumnValue calling
// KeyColumnQualMap.ToQualMap): a 20-column row made 20 maps of the same quals (issue 19 measured 14% of the
// plugin's CPU a row in a profile of a full scan). Here a row of eight columns, with a qual on its
// key column, must give every column's transform the same map.
func TestRowCopiesItsQualsOnce(t *testing.T) {
	const columns = 8
	var mu sync.Mutex
	maps := map[uintptr]bool{}
	seen := func(_ context.Context, d *transform.TransformData) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		if len(d.KeyColumnQuals["k"]) != 1 {
			return nil, fmt.Errorf("column %s got quals %v, want the query's k qual", d.ColumnName, d.KeyColumnQuals)
		}
		maps[reflect.ValueOf(d.KeyColumnQuals).Pointer()] = true
		return "v", nil
	}
	var cols []*plugin.Column
	var names []string
	for i := range columns {
		name := fmt.Sprintf("c%d", i)
		names = append(names, name)
		cols = append(cols, &plugin.Column{Name: name, Type: proto.ColumnType_STRING, Transform: transform.From(seen)})
	}
	server := plugin.Server(&plugin.ServeOpts{PluginFunc: func(context.Context) *plugin.Plugin {
		return &plugin.Plugin{
			Name: "quals",
			TableMap: map[string]*plugin.Table{"quals_item": {
				Name: "quals_item",
				List: &plugin.ListConfig{
					KeyColumns: plugin.OptionalColumns([]string{"k"}),
					Hydrate: func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
						d.StreamListItem(ctx, map[string]any{})
						return nil, nil
					},
				},
				Columns: append(cols, &plugin.Column{Name: "k", Type: proto.ColumnType_STRING}),
			}},
		}
	}})
	if _, err := server.SetAllConnectionConfigs(&proto.SetAllConnectionConfigsRequest{MaxCacheSizeMb: -1, Configs: []*proto.ConnectionConfig{{
		Connection: "q", Plugin: "quals", PluginShortName: "quals", PluginInstance: "quals",
	}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := server.SetCacheOptions(&proto.SetCacheOptionsRequest{Ttl: 300}); err != nil {
		t.Fatal(err)
	}
	qual := &proto.Quals{Quals: []*proto.Qual{{
		FieldName: "k", Operator: &proto.Qual_StringValue{StringValue: "="},
		Value: &proto.QualValue{Value: &proto.QualValue_StringValue{StringValue: "a"}},
	}}}
	rows := &rowStream{ctx: context.Background()}
	if err := server.Execute(&proto.ExecuteRequest{
		Table:                 "quals_item",
		QueryContext:          proto.NewQueryContext(names, map[string]*proto.Quals{"k": qual}, -1, nil),
		Connection:            "q",
		CallId:                "quals",
		ExecuteConnectionData: map[string]*proto.ExecuteConnectionData{"q": {CacheTtl: 300}},
	}, rows); err != nil {
		t.Fatal(err)
	}
	if rows.rows != 1 {
		t.Fatalf("%d rows, want 1", rows.rows)
	}
	if len(maps) != 1 {
		t.Errorf("the %d columns of one row got %d copies of its quals, want one shared by all", columns, len(maps))
	}
}
