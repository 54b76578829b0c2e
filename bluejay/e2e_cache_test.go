package bluejay_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// With Steampipe's query cache on, SDK v5.14.1 hands a reader a slice that shares the cache's
// page buffer, which the writer resets after every 1,000 rows (query_cache/set_request.go): a
// reader slower than the plugin got some rows twice and lost as many. The call-log tables turn
// the cache off; every fresh plugin below scans 2,500 calls with the cache on and a reader
// that takes 100µs a row, as the FDW converting JSON does, and must see each call once.
func TestCacheOnFullScanReturnsEveryCallOnce(t *testing.T) {
	srv := fakeapi.NewServer(fakeapi.Options{APIKey: testKey, Now: time.Now})
	t.Cleanup(srv.Close)
	want := len(srv.Expected("42", "", "all"))
	if want <= 1000 {
		t.Fatalf("agent 42 has %d calls; the defect needs more than 1,000", want)
	}
	bin, err := harness.Build()
	if err != nil {
		t.Fatal(err)
	}
	cfg := harness.Config(map[string]any{"api_key": testKey, "base_url": srv.URL})
	q := harness.Query{Connection: "bluejay", Table: "bluejay_call", Columns: []string{"id"}, Quals: []harness.Qual{eq("agent_id", "42"), eq("last", "all")}}
	for i := range 3 {
		if rows, distinct := cacheScan(t, bin, cfg, q, "id"); rows != want || distinct != want {
			t.Fatalf("plugin %d: %d rows, %d distinct calls; want %d of each", i+1, rows, distinct, want)
		}
	}
}

// cacheScan scans with the cache on through a fresh plugin built from bin, reading each row
// in 100µs, and returns how many rows and distinct values of column it got.
func cacheScan(b testing.TB, bin, cfg string, q harness.Query, column string) (rows, distinct int) {
	p, err := harness.Start(harness.Options{Binary: bin, CacheEnabled: true})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if _, err := p.SetConnections(harness.Connection{Name: q.Connection, Config: cfg}); err != nil {
		b.Fatal(err)
	}
	seen := map[string]bool{}
	q.Cache = true
	err = p.QueryRows(context.Background(), q, func(row map[string]any) bool {
		rows++
		seen[fmt.Sprint(row[column])] = true
		time.Sleep(100 * time.Microsecond)
		return true
	})
	if err != nil {
		b.Fatal(err)
	}
	return rows, len(seen)
}

// BenchmarkCacheOnFreshScans measures, over fresh plugin processes with the query cache on and a
// reader at 100µs a row, how many 2,500-row scans of bluejay_call come back wrong. Run with
// -benchtime=200x (docs/reliability.md). The SDK alone is sdkfix's BenchmarkQueryCacheFreshScans.
func BenchmarkCacheOnFreshScans(b *testing.B) {
	srv := fakeapi.NewServer(fakeapi.Options{APIKey: testKey, Now: time.Now})
	defer srv.Close()
	want := len(srv.Expected("42", "", "all"))
	ours, err := harness.Build()
	if err != nil {
		b.Fatal(err)
	}
	cfg := harness.Config(map[string]any{"api_key": testKey, "base_url": srv.URL})
	q := harness.Query{Connection: "bluejay", Table: "bluejay_call", Columns: []string{"id"}, Quals: []harness.Qual{eq("agent_id", "42"), eq("last", "all")}}
	b.Run("bluejay_call", func(b *testing.B) {
		wrong, worst := 0, want
		for range b.N {
			rows, distinct := cacheScan(b, ours, cfg, q, "id")
			if rows != want || distinct != want {
				wrong++
				worst = min(worst, distinct)
			}
		}
		b.ReportMetric(float64(wrong)*100/float64(b.N), "%wrong")
		b.Logf("%d of %d scans wrong, fewest distinct %d of %d", wrong, b.N, worst, want)
	})
}
