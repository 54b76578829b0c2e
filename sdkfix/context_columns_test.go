package sdkfix

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/anywhere"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// Every row of v5.14.1 carries the row's context as JSON in two columns, sp_ctx and _ctx, and
// the connection's name in sp_connection_name, whatever the query asked for. The FDW converts
// every column a row carries into a PostgreSQL datum (fdw.go goFdwIterateForeignScan, through
// its populateRow's json.Unmarshal and jsonb's input function), for two columns the query never
// named. A row now carries the JSON context only when the query names one of its
// columns; sp_connection_name, a short string, stays: a row with no column is the end of the scan
// to the FDW.
func TestARowCarriesTheContextColumnsOnlyWhenAsked(t *testing.T) {
	h := newHost(t, false)
	for _, c := range []struct {
		name    string
		columns []string
		want    []string // with fix 0208, the columns the query names
	}{
		{"the table's columns", []string{"id", "k"}, []string{"id", "k", "sp_connection_name"}},
		{"no column, as count(*): the SDK asks for the first column of the list call", nil, []string{"id", "sp_connection_name"}},
		{"sp_ctx", []string{"id", "sp_ctx"}, []string{"_ctx", "id", "sp_connection_name", "sp_ctx"}},
		{"_ctx", []string{"id", "_ctx"}, []string{"_ctx", "id", "sp_connection_name", "sp_ctx"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			row := oneRowNaming(t, h, c.columns)
			if got := columnNames(row); !slices.Equal(got, c.want) {
				t.Fatalf("the row's columns are %v, want %v", got, c.want)
			}
			if ctxJSON := row.Columns["sp_ctx"].GetJsonValue(); ctxJSON != nil {
				var ctx struct {
					Connection string `json:"connection_name"`
				}
				if err := json.Unmarshal(ctxJSON, &ctx); err != nil || ctx.Connection != connection {
					t.Fatalf("sp_ctx %s: %v, want the connection %q", ctxJSON, err, connection)
				}
			}
		})
	}
}

// oneRowNaming runs a scan of the fix table whose list call streams one item, asking for columns
// as the FDW does (localScan), and returns its one row.
func oneRowNaming(t *testing.T, h *host, columns []string) *proto.Row {
	t.Helper()
	list := func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
		d.StreamListItem(ctx, &item{ID: 1, K: "a"})
		return nil, nil
	}
	req := h.request(list, false, 0)
	req.QueryContext.Columns = columns
	rows := localScan(t, h.server, req)
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1", len(rows))
	}
	return rows[0]
}

// localScan runs req on server as the FDW runs a scan (through CallExecuteAsync and a
// LocalPluginStream) and returns its rows.
func localScan(t *testing.T, server *grpc.PluginServer, req *proto.ExecuteRequest) []*proto.Row {
	t.Helper()
	stream := anywhere.NewLocalPluginStream(context.Background())
	server.CallExecuteAsync(req, stream)
	var rows []*proto.Row
	for {
		resp, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if resp == nil {
			return rows
		}
		rows = append(rows, resp.Row)
	}
}

// columnNames are a row's column names, sorted.
func columnNames(row *proto.Row) []string {
	var names []string
	for name := range row.Columns {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
