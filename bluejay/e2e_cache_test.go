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
	for i := range 3 {
		p, err := harness.Start(harness.Options{Binary: bin, CacheEnabled: true})
		if err != nil {
			t.Fatal(err)
		}
		cfg := harness.Config(map[string]any{"api_key": testKey, "base_url": srv.URL})
		if _, err := p.SetConnections(harness.Connection{Name: "bluejay", Config: cfg}); err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		q := harness.Query{Connection: "bluejay", Table: "bluejay_call", Columns: []string{"id"}, Cache: true,
			Quals: []harness.Qual{eq("agent_id", "42"), eq("last", "all")}}
		err = p.QueryRows(context.Background(), q, func(row map[string]any) bool {
			seen[fmt.Sprint(row["id"])]++
			time.Sleep(100 * time.Microsecond)
			return true
		})
		p.Close()
		if err != nil {
			t.Fatal(err)
		}
		rows := 0
		for _, n := range seen {
			rows += n
		}
		if rows != want || len(seen) != want {
			t.Fatalf("plugin %d: %d rows, %d distinct calls; want %d of each", i+1, rows, len(seen), want)
		}
	}
}
