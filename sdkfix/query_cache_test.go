package sdkfix

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// cacheRows is how many rows a cache scan streams: more than two of the cache's 1,000-row pages,
// so that the writer fills and reuses its page buffer while the reader is still on it.
const cacheRows = 2500

// With the query cache on, v5.14.1 handed a reader the rows of the page being filled as a slice
// of the writer's page buffer (query_cache/set_request.go, getRowsSince), which the writer
// refills after every 1,000 rows: a reader slower than the plugin got some rows twice and lost
// others (36 of 50 fresh scans of the miniplugin). Each of six fresh miniplugins below, which
// have no Bluejay code, streams 2,500 rows with the cache on to a reader taking 100µs a row, as
// the FDW converting a row does, and must return each row once: at v5.14.1's rate all six came
// back right about twice in a thousand runs.
func TestQueryCacheGivesEveryRowOnce(t *testing.T) {
	bin := miniplugin(t)
	for i := range 6 {
		if rows, distinct := miniCacheScan(t, bin); rows != cacheRows || distinct != cacheRows {
			t.Fatalf("scan %d: %d rows, %d distinct; want %d of each", i+1, rows, distinct, cacheRows)
		}
	}
}

// BenchmarkQueryCacheFreshScans counts the wrong scans of TestQueryCacheGivesEveryRowOnce over
// b.N fresh plugins: run with -benchtime=200x (third_party/README.md, docs/reliability.md).
func BenchmarkQueryCacheFreshScans(b *testing.B) {
	bin := miniplugin(b)
	wrong, fewest := 0, cacheRows
	for range b.N {
		if rows, distinct := miniCacheScan(b, bin); rows != cacheRows || distinct != cacheRows {
			wrong++
			fewest = min(fewest, distinct)
		}
	}
	b.ReportMetric(float64(wrong), "wrong-scans")
	b.Logf("%d of %d scans wrong, fewest distinct rows %d of %d", wrong, b.N, fewest, cacheRows)
}

// miniplugin builds the harness's SDK-only plugin.
func miniplugin(tb testing.TB) string {
	tb.Helper()
	bin, err := harness.BuildPackage("./harness/testdata/miniplugin")
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

// miniCacheScan scans cacheRows rows of mini_item with the cache on through a fresh plugin,
// reading each row in 100µs, and returns how many rows and distinct ids it got.
func miniCacheScan(tb testing.TB, bin string) (rows, distinct int) {
	tb.Helper()
	p, err := harness.Start(harness.Options{Binary: bin, CacheEnabled: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer p.Close()
	if _, err := p.SetConnections(harness.Connection{Name: "mini", Config: harness.Config(map[string]any{"api_key": "k"})}); err != nil {
		tb.Fatal(err)
	}
	seen := map[string]bool{}
	q := harness.Query{Connection: "mini", Table: "mini_item", Columns: []string{"id"}, Cache: true,
		Quals: []harness.Qual{{Column: "n", Operator: "=", Value: int64(cacheRows)}}}
	err = p.QueryRows(context.Background(), q, func(row map[string]any) bool {
		rows++
		seen[fmt.Sprint(row["id"])] = true
		time.Sleep(100 * time.Microsecond)
		return true
	})
	if err != nil {
		tb.Fatal(err)
	}
	return rows, len(seen)
}
