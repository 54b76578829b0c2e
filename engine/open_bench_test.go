package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/query_cache"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// BenchmarkOpen is what bluejay-sql pays before its first query, and a Postgres backend before
// its first foreign-table statement (BenchmarkFDWSessionStart): starting the plugin. Its
// query-cache case is the SDK creating its query cache alone, as it does when Steampipe, the
// FDW or this engine hands it cache options, even with the cache off: until SDK fix 0205
// bigcache preallocated 600,000 entries there (docs/performance.md).
func BenchmarkOpen(b *testing.B) {
	srv := fakeapi.NewServer(fakeapi.Options{})
	defer srv.Close()
	b.Run("engine", func(b *testing.B) {
		for range b.N {
			db, err := engine.Open(context.Background(), engine.Config{HCL: engine.FakeHCL(srv, fakeapi.DefaultAPIKey)})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			_ = db.Close()
			b.StartTimer()
		}
	})
	b.Run("query-cache", func(b *testing.B) {
		for range b.N {
			c, err := query_cache.NewQueryCache("bluejay", nil, &query_cache.QueryCacheOptions{Enabled: false, Ttl: 300 * time.Second, MaxSizeMb: 1})
			if err != nil || c == nil {
				b.Fatal(err)
			}
		}
	})
}
