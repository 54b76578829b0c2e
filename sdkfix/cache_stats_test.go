package sdkfix

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/query_cache"
)

// Every query with the cache on that finds nothing cached counts a miss in the cache's
// statistics (query_cache.go, getCachedIndexBucket and getCachedQueryResult), and every query
// answered from it a hit (cacher_result_subscriber.go). v5.14.1 counts with `Stats.Misses++`
// and `Stats.Hits++` from each query's goroutine, without a lock: concurrent queries lose counts,
// and the race detector reports the first two that overlap. Here 16 queries on connections of
// their own miss at the same time. The defect is the race itself, so the test means something
// only under -race (make test runs it so); the race detector fails it on v5.14.1.
func TestQueryCacheCountsMissesWithoutARace(t *testing.T) {
	if !raceDetector {
		t.Skip("the defect is a data race: run with -race, as make test does")
	}
	const queries = 16
	qc := quietQueryCache(t)
	ctx := context.Background()
	ignoreRow := func(*proto.Row) {}
	var wg sync.WaitGroup
	for i := range queries {
		wg.Go(func() {
			id := fmt.Sprintf("miss-%d", i)
			req := &query_cache.CacheRequest{
				CallId: id, Table: table, QualMap: map[string]*proto.Quals{}, Columns: []string{"id"},
				ConnectionName: fmt.Sprintf("%s-%d", connection, i), TtlSeconds: 60, StreamContext: ctx,
			}
			if err := qc.Get(ctx, req, ignoreRow, ignoreRow); !query_cache.IsCacheMiss(err) {
				t.Errorf("query %d on an empty cache got %v, want a cache miss", i, err)
			}
			qc.AbortSet(ctx, id, errFill) // the miss started a fill: end it
		})
	}
	wg.Wait()
}
