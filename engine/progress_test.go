package engine

import (
	"context"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// A query's Progress counts the call-log pages the plugin read from the API and the rows it
// returned, as the fake saw them.
func TestProgressCountsPagesAndRows(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "max_concurrency = 2\n")
	want := f.srv.Expected("42", "", "30days")
	f.srv.ResetRequests()
	var p Progress
	res, err := f.db.Query(WithProgress(context.Background(), &p), `select id from bluejay_call where agent_id = '42' and last = '30days'`)
	if err != nil {
		t.Fatal(err)
	}
	pages := len(f.callLogRequests())
	if pages < 2 {
		t.Fatalf("the scan read %d pages; the test needs a scan of several", pages)
	}
	if got := p.Pages.Load(); got != int64(pages) {
		t.Errorf("Progress.Pages = %d, the fake answered %d page requests", got, pages)
	}
	if got := p.Rows.Load(); got != int64(len(want)) || len(res.Rows) != len(want) {
		t.Errorf("Progress.Rows = %d, result %d rows, want %d", got, len(res.Rows), len(want))
	}
	// A query without WithProgress counts nothing into it.
	f.query(`select id from bluejay_call where agent_id = '7' and last = '30days'`)
	if p.Pages.Load() != int64(pages) || p.Rows.Load() != int64(len(want)) {
		t.Errorf("a query without the progress changed it to %d pages, %d rows", p.Pages.Load(), p.Rows.Load())
	}
}
