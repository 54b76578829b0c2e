package sdkfix

import (
	"context"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/anywhere"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// v5.14.1 builds every column of every hydrate call a row ran, whether or not the query named
// it, and the FDW converts every column a row carries into a datum (JSON parsed, encoded and
// parsed again): `select id, hallucination` over bluejay_call_evaluation carried all 30 of its
// columns. A row now carries the columns the query names, and sp_connection_name.
func TestARowCarriesOnlyTheColumnsTheQueryNames(t *testing.T) {
	h := newHost(t, false)
	list := func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
		d.StreamListItem(ctx, &item{ID: 1, K: "a"})
		return nil, nil
	}
	for _, c := range []struct {
		name    string
		columns []string
		want    []string
	}{
		{"id", []string{"id"}, []string{"id", "sp_connection_name"}},
		{"k", []string{"k"}, []string{"k", "sp_connection_name"}},
		{"both", []string{"id", "k"}, []string{"id", "k", "sp_connection_name"}},
		{"none, as count(*): the SDK asks for the first column of the list call", nil, []string{"id", "sp_connection_name"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := h.request(list, false, 0)
			req.QueryContext.Columns = c.columns
			stream := anywhere.NewLocalPluginStream(context.Background())
			h.server.CallExecuteAsync(req, stream)
			rows := readRows(t, stream)
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1", len(rows))
			}
			if got := columnNames(rows[0]); !equalStrings(got, c.want) {
				t.Fatalf("the row's columns are %v, want %v", got, c.want)
			}
		})
	}
}
