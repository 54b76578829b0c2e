package fdwtest

import (
	"fmt"
	"testing"
	"time"
)

// Through the FDW with the query cache on (Steampipe's default), each fresh connection (a
// fresh plugin in its backend) scans 2,500 calls: every one comes back once (see
// bluejay/e2e_cache_test.go for the SDK defect behind this).
func TestFDWCacheOnFullScanReturnsEveryCallOnce(t *testing.T) {
	env := sharedEnv(t)
	want := len(env.API.Expected("42", "", "all"))
	for i := range 3 {
		s := session(t, env, true)
		r := query(t, s, "select count(*), count(distinct id) from bluejay_call where agent_id = '42' and last = 'all'")
		if r.Rows[0][0] != fmt.Sprint(want) || r.Rows[0][1] != fmt.Sprint(want) {
			t.Fatalf("connection %d: count, distinct = %v, want %d both", i+1, r.Rows[0], want)
		}
	}
}

// A dashboard of four queries over the same calls, run again within the cache TTL on the
// same connection, sends no request the second time: the memo stands in for the query cache.
func TestFDWRepeatedDashboardSendsNoRequest(t *testing.T) {
	env := sharedEnv(t)
	s := session(t, env, true)
	dashboard := []string{
		"select count(*) from bluejay_call where agent_id = '42' and last = '7days'",
		"select status, count(*) from bluejay_call where agent_id = '42' and last = '7days' group by status",
		"select count(*) filter (where hallucination) from bluejay_call_evaluation where agent_id = '42' and last = '7days'",
		"select name, count(*) from bluejay_call_tool_call where agent_id = '42' and last = '7days' group by name",
	}
	run := func() int {
		m := mark(env)
		for _, q := range dashboard {
			query(t, s, q)
		}
		return len(requestsSince(env, m))
	}
	first := run()
	time.Sleep(100 * time.Millisecond)
	if again := run(); first == 0 || again != 0 {
		t.Fatalf("the dashboard sent %d requests, then %d when repeated within the TTL; want some, then none", first, again)
	}
}

// BenchmarkFDWCacheOnFreshScans measures, over fresh connections with the cache on, how many
// 2,500-call scans come back with a call twice or missing. Run with -benchtime=200x.
func BenchmarkFDWCacheOnFreshScans(b *testing.B) {
	env := sharedEnv(b)
	want := fmt.Sprint(len(env.API.Expected("42", "", "all")))
	wrong := 0
	for range b.N {
		s := session(b, env, true)
		r := query(b, s, "select count(*), count(distinct id) from bluejay_call where agent_id = '42' and last = 'all'")
		if r.Rows[0][0] != want || r.Rows[0][1] != want {
			wrong++
		}
		s.Close()
	}
	b.ReportMetric(float64(wrong)*100/float64(b.N), "%wrong")
	b.Logf("%d of %d scans wrong", wrong, b.N)
}
