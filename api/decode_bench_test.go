package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// These benchmarks measure the client's cost per page of call logs, apart from the network: the
// page is the fake API's default payload (calls with evaluations, tool calls, events), served
// from memory. Run them with
//
//	go test -run '^$' -bench . -benchmem ./api
//
// and read calls/s: the plugin needs decoding to keep up with at least 20,000 calls/s on one
// core, so that a full scan waits on the API, not on JSON. cpu-calls/s counts the process's CPU
// time instead of the wall clock (garbage collection included), which a busy machine hardly
// moves; add -cpu 1 to keep it to one core.

const benchPageSize = 100

// benchPageBody is one full page as the fake API serves it.
func benchPageBody(b *testing.B) []byte {
	b.Helper()
	srv := fakeapi.New(fakeapi.Options{Agents: []fakeapi.AgentSpec{{ID: "bench", Calls: 10 * benchPageSize}}})
	req := httptest.NewRequest(http.MethodGet, "/v1/retrieve-call-logs/bench?last=all&page=1&page_size=100", nil)
	req.Header.Set("X-API-Key", fakeapi.DefaultAPIKey)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("fake API answered %d: %s", rec.Code, rec.Body.Bytes())
	}
	return rec.Body.Bytes()
}

// BenchmarkDecodePage is the JSON decoding of one page into the client's wire type and its
// checks, the part of ListCallLogs that grows with the page: with the client's decoder
// (decodeJSON), and with encoding/json for comparison.
func BenchmarkDecodePage(b *testing.B) {
	for _, dec := range []struct {
		name   string
		decode func([]byte, any) error
	}{{"client", decodeJSON}, {"encoding_json", json.Unmarshal}} {
		b.Run(dec.name, func(b *testing.B) {
			body := benchPageBody(b)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			cpu := processCPU(b)
			for b.Loop() {
				var w wirePage
				if err := dec.decode(body, &w); err != nil {
					b.Fatal(err)
				}
				page, err := w.page("bench")
				if err != nil || len(page.CallLogs) != benchPageSize {
					b.Fatalf("page of %d calls, err %v", len(page.CallLogs), err)
				}
			}
			reportCallsPerSecond(b, processCPU(b)-cpu)
		})
	}
}

// BenchmarkListCallLogsPage is one ListCallLogs call end to end through the retrying HTTP
// client, with a transport that answers from memory: request building, retries machinery,
// body reading and decoding.
func BenchmarkListCallLogsPage(b *testing.B) {
	body := benchPageBody(b)
	c, err := New(Config{BaseURL: "http://127.0.0.1:1", APIKey: "k", Transport: fakeapi.MemoryTransport(body)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	q := CallLogsQuery{AgentID: "bench", Last: "all", Page: 1, PageSize: benchPageSize}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	cpu := processCPU(b)
	for b.Loop() {
		page, err := c.ListCallLogs(ctx, q)
		if err != nil || len(page.CallLogs) != benchPageSize {
			b.Fatalf("page of %v, err %v", page, err)
		}
	}
	reportCallsPerSecond(b, processCPU(b)-cpu)
}

// reportCallsPerSecond turns the time for b.N pages into calls per second, by the wall clock
// and by the CPU time the process used meanwhile.
func reportCallsPerSecond(b *testing.B, cpu time.Duration) {
	calls := float64(b.N * benchPageSize)
	if b.Elapsed() > 0 {
		b.ReportMetric(calls/b.Elapsed().Seconds(), "calls/s")
	}
	if cpu > 0 {
		b.ReportMetric(calls/cpu.Seconds(), "cpu-calls/s")
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
