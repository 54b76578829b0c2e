package bluejay_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// Fault injection through the built plugin binary: whatever the fake API does to a full scan,
// the query returns the exact, complete, duplicate-free row set or fails with an error that says
// why. A short result reported as success fails these tests.

const faultAgent = "fault-agent"

// faultEnv is an env whose agent has calls calls (calls/100 pages of a full scan), and as many
// again of the same size named scanAgent(i) for i < more. A connection keeps the pages it read
// for 30 seconds (page_memo.go), so a test that repeats a scan to meet faults reads another
// agent each time.
func faultEnv(t *testing.T, calls, more int, faults fakeapi.Faults, extra map[string]any) *env {
	t.Helper()
	agents := []fakeapi.AgentSpec{{ID: faultAgent, Calls: calls}}
	for i := range more {
		agents = append(agents, fakeapi.AgentSpec{ID: scanAgent(i), Calls: calls})
	}
	return newEnv(t, fakeapi.Options{Agents: agents, Faults: faults}, extra)
}

func scanAgent(i int) string { return "scan-agent-" + strconv.Itoa(i) }

func fullScanOf(agent string) []harness.Qual {
	return []harness.Qual{eq("agent_id", agent), eq("last", "all")}
}

var fullScan = fullScanOf(faultAgent)

// scanOutcome checks one full scan: the exact set of want, once each, or an error that names
// what failed. It reports whether the scan succeeded.
func (e *env) scanOutcome(r harness.Result, want []string) bool {
	e.t.Helper()
	if r.Err != nil {
		if !clearError(r.Err) {
			e.t.Errorf("the scan failed with an unclear error: %v", r.Err)
		}
		return false
	}
	got := ids(r.Rows, "id")
	if strings.Join(got, ",") != strings.Join(want, ",") {
		e.t.Errorf("a scan reported success with %d rows (%d distinct calls), want exactly the %d calls", len(got), len(distinct(got)), len(want))
	}
	return true
}

// clearError is an error that says it comes from the plugin, which request failed and how.
var clearErrorRe = regexp.MustCompile(`^bluejay: GET /v1/[^ ]+( page \d+)?: (HTTP \d{3}|request failed|the response does not match the API's schema)`)

func clearError(err error) bool { return clearErrorRe.MatchString(err.Error()) }

func distinct(s []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return m
}

func faultCount(reqs []fakeapi.Request) int {
	n := 0
	for _, r := range reqs {
		if r.Fault != "" {
			n++
		}
	}
	return n
}

// runScans runs a full scan of each of scanAgent(0..n-1), conc at a time, and returns how many
// succeeded.
func (e *env) runScans(n, conc int) int {
	e.t.Helper()
	var ok atomic.Int64
	var wg sync.WaitGroup
	work := make(chan string)
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for agent := range work {
				want := callIDs(e.srv.Expected(agent, "", "all"))
				if e.scanOutcome(e.query("bluejay_call", fullScanOf(agent), 0, "id"), want) {
					ok.Add(1)
				}
			}
		}()
	}
	for i := range n {
		work <- scanAgent(i)
	}
	close(work)
	wg.Wait()
	return int(ok.Load())
}

// Each fault kind on its own, at a rate that hits most scans: retries turn every scan into the
// exact row set (or, rarely, a clear error).
func TestFullScanUnderEachFaultKind(t *testing.T) {
	for i, kind := range []string{fakeapi.Fault500, fakeapi.Fault502, fakeapi.Fault503, fakeapi.Fault429,
		fakeapi.Fault429RetryAfter, fakeapi.FaultReset, fakeapi.FaultTruncate, fakeapi.FaultTimeout} {
		t.Run(kind, func(t *testing.T) {
			faults := fakeapi.Faults{Rate: 0.3, FaultSeed: int64(i + 1), Kinds: []string{kind}, RetryAfter: "0", Hold: 10 * time.Second, OnlyPaths: "/v1/retrieve-call-logs/"}
			e := faultEnv(t, 400, 4, faults, map[string]any{"request_timeout": "300ms"})
			ok := e.runScans(4, 4)
			if faultCount(e.srv.Requests()) == 0 {
				t.Fatal("no fault was injected; the test proves nothing")
			}
			if ok == 0 {
				t.Fatalf("no scan survived a 30%% rate of %s faults with 5 retries", kind)
			}
		})
	}
}

// The bar: under a 20% rate of every fault kind, 200 repeated full scans all return the
// exact row set or a clear error.
func TestTwoHundredScansUnderTwentyPercentFaults(t *testing.T) {
	faults := fakeapi.Faults{Rate: 0.2, FaultSeed: 20, RetryAfter: "0", Hold: 10 * time.Second, OnlyPaths: "/v1/retrieve-call-logs/",
		Kinds: []string{fakeapi.Fault500, fakeapi.Fault502, fakeapi.Fault503, fakeapi.Fault429, fakeapi.Fault429RetryAfter, fakeapi.FaultReset, fakeapi.FaultTruncate, fakeapi.FaultTimeout}}
	e := faultEnv(t, 300, 200, faults, map[string]any{"request_timeout": "250ms"})
	ok := e.runScans(200, 4)
	faulted := map[string]int{}
	for _, r := range e.srv.Requests() {
		if r.Fault != "" {
			faulted[r.Fault]++
		}
	}
	t.Logf("200 scans: %d exact, %d failed with a clear error; faults injected: %v", ok, 200-ok, faulted)
	if len(faulted) != len(faults.Kinds) {
		t.Fatalf("only %d of the %d fault kinds were injected: %v", len(faulted), len(faults.Kinds), faulted)
	}
	// A page fails for good only when all six of its attempts meet a fault (0.2^6), so nearly
	// every scan must come back whole: failing clearly is no excuse for not retrying.
	if ok < 190 {
		t.Fatalf("only %d of 200 scans succeeded", ok)
	}
}

// max_retries and max_retry_time bound a failing scan, and its error says which bound ended it.
func TestRetriesAreBoundedInCountAndTime(t *testing.T) {
	e := faultEnv(t, 100, 0, fakeapi.Faults{Func: func(fakeapi.Request) string { return fakeapi.Fault503 }, OnlyPaths: "/v1/retrieve-call-logs/"}, map[string]any{"max_retries": 2})
	r := e.query("bluejay_call", fullScan, 0, "id")
	if r.Err == nil || !clearError(r.Err) || !strings.Contains(r.Err.Error(), "HTTP 503 after 3 attempts") || len(r.Rows) != 0 {
		t.Fatalf("got %d rows, %v", len(r.Rows), r.Err)
	}
	if n := len(e.callLogRequests()); n != 3 {
		t.Fatalf("max_retries 2 sent %d requests, want 3", n)
	}

	held := fakeapi.Faults{Func: func(fakeapi.Request) string { return fakeapi.FaultTimeout }, Hold: time.Minute, OnlyPaths: "/v1/retrieve-call-logs/"}
	e = faultEnv(t, 100, 0, held, map[string]any{"max_retry_time": "400ms", "request_timeout": "1m"})
	r = e.query("bluejay_call", fullScan, 0, "id")
	if r.Err == nil || !clearError(r.Err) || !strings.Contains(r.Err.Error(), "retries took longer than max_retry_time (400ms)") {
		t.Fatalf("got %v", r.Err)
	}
	if n := len(e.callLogRequests()); n != 1 {
		t.Fatalf("max_retry_time cut a held request, yet %d requests were sent", n)
	}

	e = faultEnv(t, 100, 0, held, map[string]any{"request_timeout": "200ms", "max_retries": 1})
	r = e.query("bluejay_call", fullScan, 0, "id")
	if r.Err == nil || !clearError(r.Err) || !strings.Contains(r.Err.Error(), "request_timeout (200ms)") {
		t.Fatalf("got %v", r.Err)
	}
}

// Calls that arrive while a scan pages shift every page under it. Every call that existed when
// the scan began is returned exactly once; calls that arrived during it may or may not be.
func TestFullScanWhileCallsArrive(t *testing.T) {
	for _, every := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("every %d requests", every), func(t *testing.T) {
			var srv atomic.Pointer[fakeapi.Server]
			var n atomic.Int64
			arrive := func(r fakeapi.Request) string {
				if r.AgentID != "" && n.Add(1)%int64(every) == 0 {
					srv.Load().AddCalls(r.AgentID, 7)
				}
				return ""
			}
			e := faultEnv(t, 600, 3, fakeapi.Faults{Func: arrive}, map[string]any{"max_concurrency": 4})
			srv.Store(e.srv)
			for i := range 3 {
				agent := scanAgent(i)
				before := callIDs(e.srv.Expected(agent, "", "all"))
				got := ids(e.mustQuery("bluejay_call", fullScanOf(agent), 0, "id"), "id")
				after := callIDs(e.srv.Expected(agent, "", "all"))
				checkArrivals(t, got, before, after)
			}
		})
	}
}

// checkArrivals: no duplicates, every call of before, nothing outside after, and calls did arrive.
func checkArrivals(t *testing.T, got, before, after []string) {
	t.Helper()
	gotSet, afterSet := distinct(got), distinct(after)
	if len(gotSet) != len(got) {
		t.Fatalf("%d rows but %d distinct calls: duplicates", len(got), len(gotSet))
	}
	for _, id := range before {
		if !gotSet[id] {
			t.Fatalf("call %s existed before the scan and is missing (%d rows, %d calls before)", id, len(got), len(before))
		}
	}
	for _, id := range got {
		if !afterSet[id] {
			t.Fatalf("call %s is not the fake's", id)
		}
	}
	if len(after) == len(before) {
		t.Fatal("no call arrived during the scan; the test proves nothing")
	}
}

// handlerSwap lets a test put a wrapper around the fake's handler after newEnv made the fake.
type handlerSwap struct{ h atomic.Pointer[http.Handler] }

func (s *handlerSwap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}

// behind makes the plugin reach the fake through wrap.
func behind(t *testing.T, opts fakeapi.Options, extra map[string]any, wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	swap := &handlerSwap{}
	ts := httptest.NewServer(swap)
	t.Cleanup(ts.Close)
	if extra == nil {
		extra = map[string]any{}
	}
	extra["base_url"] = ts.URL
	e := newEnv(t, opts, extra)
	h := wrap(e.srv.Handler())
	swap.h.Store(&h)
	return e
}

// rewritePages rewrites total_pages and total_count of call-log pages as change says.
func rewritePages(change func(page int, total, pages *int)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			var p map[string]json.RawMessage
			if rec.Code == 200 && strings.HasPrefix(r.URL.Path, "/v1/retrieve-call-logs/") && json.Unmarshal(body, &p) == nil {
				var total, pages int
				_ = json.Unmarshal(p["total_count"], &total)
				_ = json.Unmarshal(p["total_pages"], &pages)
				page, _ := strconv.Atoi(r.URL.Query().Get("page"))
				change(page, &total, &pages)
				p["total_count"], _ = json.Marshal(total)
				p["total_pages"], _ = json.Marshal(pages)
				body, _ = json.Marshal(p)
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body)
		})
	}
}

// A total_pages that changes between requests, or disagrees with total_count, never ends a scan
// before its last call.
func TestFullScanWhenTotalPagesChanges(t *testing.T) {
	for name, change := range map[string]func(page int, total, pages *int){
		"page 1 says 2 pages":                 func(page int, _, pages *int) { *pages = map[bool]int{true: 2, false: *pages}[page == 1] },
		"every page says 2 pages":             func(_ int, _, pages *int) { *pages = 2 },
		"later pages say more than there are": func(page int, _, pages *int) { *pages += map[bool]int{true: 3, false: 0}[page >= 3] },
		"page 1 undercounts, later pages not": func(page int, total, pages *int) {
			if page == 1 {
				*total, *pages = 150, 2
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := behind(t, fakeapi.Options{Agents: []fakeapi.AgentSpec{{ID: faultAgent, Calls: 1000}}}, nil, rewritePages(change))
			rows := e.mustQuery("bluejay_call", fullScan, 0, "id")
			want := callIDs(e.srv.Expected(faultAgent, "", "all"))
			if strings.Join(ids(rows, "id"), ",") != strings.Join(want, ",") {
				t.Fatalf("got %d rows, want exactly the %d calls", len(rows), len(want))
			}
		})
	}
}

// inFlight counts the requests the fake is serving.
type inFlight struct {
	mu   sync.Mutex
	n    int
	zero *sync.Cond
}

func newInFlight() *inFlight {
	f := &inFlight{}
	f.zero = sync.NewCond(&f.mu)
	return f
}

func (f *inFlight) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.n++
		f.mu.Unlock()
		defer func() {
			f.mu.Lock()
			f.n--
			f.zero.Broadcast()
			f.mu.Unlock()
		}()
		next.ServeHTTP(w, r)
	})
}

// waitIdle waits until no request is being served, or fails after limit (the requests it waits
// for are held for a minute unless the plugin gives them up).
func (f *inFlight) waitIdle(t *testing.T, limit time.Duration) {
	t.Helper()
	timer := time.AfterFunc(limit, func() { f.mu.Lock(); f.zero.Broadcast(); f.mu.Unlock() })
	defer timer.Stop()
	deadline := time.Now().Add(limit)
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.n > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests still in flight: the plugin did not give them up", f.n)
		}
		f.zero.Wait()
	}
}

// A query that stops early (Postgres reading no more rows, or the query cancelled) stops every
// request of its scan at once: the ones in flight end without an answer (the fake logs status 0)
// and no new one starts.
func TestStoppedQueryStopsItsRequests(t *testing.T) {
	held := func(r fakeapi.Request) string {
		if r.AgentID == faultAgent && r.Page >= 2 {
			return fakeapi.FaultTimeout
		}
		return ""
	}
	for _, how := range []string{"reader stops", "context cancelled"} {
		t.Run(how, func(t *testing.T) {
			flights := newInFlight()
			opts := fakeapi.Options{Agents: []fakeapi.AgentSpec{{ID: faultAgent, Calls: 2000}, {ID: "other", Calls: 5}}, Faults: fakeapi.Faults{Func: held, Hold: time.Minute}}
			e := behind(t, opts, map[string]any{"request_timeout": "2m", "max_concurrency": 4}, flights.wrap)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			q := harness.Query{Connection: "bluejay", Table: "bluejay_call", Quals: fullScan, Columns: []string{"id"}}
			err := e.plugin.QueryRows(ctx, q, func(map[string]any) bool {
				for pagesHeld(e.srv.Requests()) < 4 {
					time.Sleep(time.Millisecond) // wait until pages 2-5 are in flight
				}
				if how == "context cancelled" {
					cancel()
					return true
				}
				return false
			})
			if err != nil && ctx.Err() == nil {
				t.Fatalf("query: %v", err)
			}
			flights.waitIdle(t, 20*time.Second)
			before := e.srv.Requests()
			for _, r := range before {
				if r.Page >= 2 && r.Status != 0 {
					t.Errorf("page %d was answered (%d) after the query stopped", r.Page, r.Status)
				}
			}
			// Another query on the same plugin: every request from now on is its own.
			e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "other"), eq("last", "all")}, 0, "id")
			for _, r := range e.srv.Requests()[len(before):] {
				if r.AgentID == faultAgent {
					t.Errorf("page %d of the stopped scan was requested after it stopped", r.Page)
				}
			}
		})
	}
}

func pagesHeld(reqs []fakeapi.Request) int {
	n := 0
	for _, r := range reqs {
		if r.AgentID == faultAgent && r.Page >= 2 {
			n++
		}
	}
	return n
}

// An API that caps page_size lower than asked (100 asked, 40 served) still has every call read,
// also by the in-order pass that calls arriving during the scan set off: the scan pages by the
// size the API applied.
func TestFullScanWhenTheAPICapsThePageSize(t *testing.T) {
	capSize := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if n, _ := strconv.Atoi(q.Get("page_size")); n > 40 {
				q.Set("page_size", "40")
				r.URL.RawQuery = q.Encode()
			}
			next.ServeHTTP(w, r)
		})
	}
	var srv atomic.Pointer[fakeapi.Server]
	var arrived atomic.Bool
	arrive := func(r fakeapi.Request) string {
		if r.Page == 3 && !arrived.Swap(true) {
			srv.Load().AddCalls(r.AgentID, 5)
		}
		return ""
	}
	opts := fakeapi.Options{Agents: []fakeapi.AgentSpec{{ID: faultAgent, Calls: 1000}}, Faults: fakeapi.Faults{Func: arrive}}
	e := behind(t, opts, nil, capSize)
	srv.Store(e.srv)
	before := callIDs(e.srv.Expected(faultAgent, "", "all"))
	got := ids(e.mustQuery("bluejay_call", fullScan, 0, "id"), "id")
	checkArrivals(t, got, before, callIDs(e.srv.Expected(faultAgent, "", "all")))
}
