package engine

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// fixture is a database on a fresh fake API, recording the plugin calls each query makes.
type fixture struct {
	t   *testing.T
	db  *DB
	srv *fakeapi.Server

	mu    sync.Mutex
	scans []Scan
}

func newFixture(t *testing.T, opts fakeapi.Options, extraHCL string) *fixture {
	t.Helper()
	srv := fakeapi.NewServer(opts)
	t.Cleanup(srv.Close)
	f := &fixture{t: t, srv: srv}
	db, err := Open(context.Background(), Config{
		HCL:    FakeHCL(srv, fakeapi.DefaultAPIKey) + extraHCL,
		OnScan: f.record,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	return f
}

func (f *fixture) record(s Scan) {
	f.mu.Lock()
	f.scans = append(f.scans, s)
	f.mu.Unlock()
}

// query runs sql after clearing the scan and request logs, failing the test on error.
func (f *fixture) query(sql string, args ...any) *Result {
	f.t.Helper()
	res, err := f.try(sql, args...)
	if err != nil {
		f.t.Fatalf("%s\n-> %v", sql, err)
	}
	return res
}

func (f *fixture) try(sql string, args ...any) (*Result, error) {
	f.mu.Lock()
	f.scans = nil
	f.mu.Unlock()
	f.srv.ResetRequests()
	return f.db.Query(context.Background(), sql, args...)
}

func (f *fixture) scansOf(table string) []Scan {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Scan
	for _, s := range f.scans {
		if s.Table == table {
			out = append(out, s)
		}
	}
	return out
}

// onlyScan returns the query's one scan of table.
func (f *fixture) onlyScan(table string) Scan {
	f.t.Helper()
	scans := f.scansOf(table)
	if len(scans) != 1 {
		f.t.Fatalf("want one scan of %s, got %+v", table, scans)
	}
	return scans[0]
}

// requests returns the logged requests whose path starts with prefix.
func (f *fixture) requests(prefix string) []fakeapi.Request {
	var out []fakeapi.Request
	for _, r := range f.srv.Requests() {
		if strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func (f *fixture) callLogRequests() []fakeapi.Request {
	return f.requests("/v1/retrieve-call-logs/")
}

func hasQual(s Scan, qual string) bool {
	for _, q := range s.Quals {
		if q == qual {
			return true
		}
	}
	return false
}

func column(res *Result, name string) []any {
	i := -1
	for j, c := range res.Columns {
		if c == name {
			i = j
		}
	}
	out := make([]any, len(res.Rows))
	for r, row := range res.Rows {
		out[r] = row[i]
	}
	return out
}
