package bluejay

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// These benchmarks measure what the plugin itself does per row, apart from the SDK's row
// machinery (BenchmarkExecute has that): turn each call of a decoded 100-call page into the
// table's row item, run every column's getter, and convert the value to the protobuf column the
// way the SDK does (Column.ToColumnValue).
//
//	go test -run '^$' -bench Columns -benchmem ./bluejay

func BenchmarkCallColumns(b *testing.B) {
	page := benchPage(b)
	ctx := context.Background()
	t := target{AgentID: "bench", Last: "all"}
	cols := callColumns()
	benchRows(b, func() int {
		for i := range page.CallLogs {
			convertRow(b, ctx, cols, newCallRow(ctx, &page.CallLogs[i], t))
		}
		return len(page.CallLogs)
	})
}

func BenchmarkEvaluationColumns(b *testing.B) {
	page := benchPage(b)
	ctx := context.Background()
	t := target{AgentID: "bench", Last: "all"}
	cols := evaluationColumns()
	benchRows(b, func() int {
		rows := 0
		for i := range page.CallLogs {
			call := &page.CallLogs[i]
			items, err := evaluationsOf(ctx, call, newCallRef(ctx, call, t))
			if err != nil {
				b.Fatal(err)
			}
			for _, item := range items {
				convertRow(b, ctx, cols, item)
			}
			rows += len(items)
		}
		return rows
	})
}

// benchRows runs one page's rows per iteration and reports the cost per row.
func benchRows(b *testing.B, page func() int) {
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		rows += page()
	}
	if rows > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
	}
}

// convertRow is the SDK's work for one column of one row, less its bookkeeping: the column's
// transform on the row item, then the conversion to a protobuf value.
func convertRow(b *testing.B, ctx context.Context, cols []*plugin.Column, item any) {
	for _, c := range cols {
		v, err := c.Transform.Execute(ctx, &transform.TransformData{HydrateItem: item, ColumnName: c.Name})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.ToColumnValue(v); err != nil {
			b.Fatal(err)
		}
	}
}

// benchPage is one full page of the fake API's default payload, decoded.
func benchPage(b *testing.B) *api.CallLogsPage {
	b.Helper()
	srv := fakeapi.New(fakeapi.Options{Agents: []fakeapi.AgentSpec{{ID: "bench", Calls: 10 * api.MaxPageSize}}})
	req := httptest.NewRequest(http.MethodGet, "/v1/retrieve-call-logs/bench?last=all&page=1&page_size=100", nil)
	req.Header.Set("X-API-Key", fakeapi.DefaultAPIKey)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	var page api.CallLogsPage
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || len(page.CallLogs) != api.MaxPageSize {
		b.Fatalf("page of %d calls: %v", len(page.CallLogs), err)
	}
	return &page
}
