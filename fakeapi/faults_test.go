package fakeapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestStatusFaultsOnTheWire(t *testing.T) {
	s := New(Options{})
	for _, tc := range []struct {
		kind, contentType, bodyPart string
		status                      int
	}{
		{Fault500, "text/plain; charset=utf-8", "Internal Server Error", 500},
		{Fault502, "text/html", "<title>502 Bad Gateway</title>", 502},
		{Fault503, "text/html", "503 Service Temporarily Unavailable", 503},
		{Fault429, "application/json", `{"detail":"Too Many Requests"}`, 429},
		{Fault429RetryAfter, "application/json", `{"detail":"Too Many Requests"}`, 429},
		{"504", "application/json", `{"detail":"Gateway Timeout"}`, 504},
	} {
		s.SetFaults(Faults{Func: func(Request) string { return tc.kind }, RetryAfter: "7"})
		r := get(t, s, "/v1/all-agents")
		if r.status != tc.status || r.header.Get("Content-Type") != tc.contentType || !strings.Contains(string(r.body), tc.bodyPart) {
			t.Errorf("%s: %d %q %s", tc.kind, r.status, r.header.Get("Content-Type"), r.body)
		}
		if ra := r.header.Get("Retry-After"); (tc.kind == Fault429RetryAfter) != (ra == "7") {
			t.Errorf("%s: Retry-After %q", tc.kind, ra)
		}
	}
	s.SetFaults(Faults{Rate: 1, Kinds: []string{Fault429RetryAfter}})
	if r := get(t, s, "/v1/all-agents"); r.header.Get("Retry-After") != "1" {
		t.Errorf("default Retry-After %q", r.header.Get("Retry-After"))
	}
}

func TestTruncateFault(t *testing.T) {
	s := NewServer(Options{Faults: Faults{Rate: 1, Kinds: []string{FaultTruncate}}})
	defer s.Close()
	resp, body, err := httpGet(t, s.URL, "/v1/retrieve-call-logs/42?last=all&page_size=5")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) || len(body) < 100 {
		t.Fatalf("%d, Content-Length %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Length"), len(body))
	}
	if json.Valid(body) {
		t.Fatal("truncated body is valid JSON")
	}
	full := get(t, New(Options{}), "/v1/retrieve-call-logs/42?last=all&page_size=5")
	if string(full.body[:len(body)]) != string(body) {
		t.Fatal("truncated body is not a prefix of the real one")
	}
}

func TestResetFault(t *testing.T) {
	s := NewServer(Options{Faults: Faults{Rate: 1, Kinds: []string{FaultReset}}})
	defer s.Close()
	resp, body, err := httpGet(t, s.URL, "/v1/retrieve-call-logs/42?last=all&page_size=50")
	if err == nil {
		t.Fatalf("read of a reset response succeeded: %d bytes", len(body))
	}
	if resp == nil || resp.StatusCode != 200 || resp.ContentLength <= int64(len(body)) {
		t.Fatalf("want a 200 promising more than it sent; got %v, %d bytes, err %v", resp, len(body), err)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "reset") {
		t.Fatalf("reset surfaced as %v", err)
	}
	t.Logf("client saw: %v", err)
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Fault != FaultReset || reqs[0].Status != 200 {
		t.Fatalf("log %+v", reqs)
	}
}

func TestTimeoutFault(t *testing.T) {
	s := NewServer(Options{Faults: Faults{Rate: 1, Kinds: []string{FaultTimeout}, Hold: 150 * time.Millisecond}})
	defer s.Close()
	start := time.Now()
	resp, _, err := httpGet(t, s.URL, "/v1/all-agents")
	if err != nil || resp.StatusCode != 200 || time.Since(start) < 150*time.Millisecond {
		t.Fatalf("held answer: %v %v after %v", resp, err, time.Since(start))
	}
	client := &http.Client{Timeout: 50 * time.Millisecond}
	req, _ := http.NewRequest("GET", s.URL+"/v1/all-agents", nil)
	req.Header.Set("X-API-Key", DefaultAPIKey)
	if _, err := client.Do(req); err == nil {
		t.Fatal("a client with a shorter timeout got an answer")
	}
}

func TestLatency(t *testing.T) {
	s := New(Options{Latency: 30 * time.Millisecond})
	start := time.Now()
	get(t, s, "/v1/all-agents")
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("answered in %v", d)
	}
	s.SetLatency(0)
	start = time.Now()
	get(t, s, "/v1/all-agents")
	if d := time.Since(start); d > 25*time.Millisecond {
		t.Fatalf("answered in %v with no latency", d)
	}
}

// The rate is honoured and the sequence of faults is a function of the seed alone.
func TestFaultRateDeterministic(t *testing.T) {
	kinds := []string{Fault500, Fault502, Fault503, Fault429}
	run := func(seed int64) []string {
		s := New(Options{Faults: Faults{Rate: 0.2, FaultSeed: seed, Kinds: kinds}})
		for range 1000 {
			get(t, s, "/v1/all-agents")
		}
		var out []string
		for _, r := range s.Requests() {
			out = append(out, r.Fault)
			if r.Fault != "" && strconv.Itoa(r.Status) != r.Fault[:3] {
				t.Fatalf("fault %s logged with status %d", r.Fault, r.Status)
			}
		}
		return out
	}
	a, b, c := run(1), run(1), run(2)
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Fatal("same FaultSeed, different faults")
	}
	if strings.Join(a, ",") == strings.Join(c, ",") {
		t.Fatal("different FaultSeed, same faults")
	}
	count := map[string]int{}
	for _, f := range a {
		count[f]++
	}
	failed := 1000 - count[""]
	if failed < 150 || failed > 250 {
		t.Fatalf("%d of 1000 failed at rate 0.2", failed)
	}
	for _, k := range kinds {
		if count[k] < 20 {
			t.Fatalf("kind %s drawn %d times: %v", k, count[k], count)
		}
	}
}

func TestFaultOnlyPathsAndFunc(t *testing.T) {
	s := New(Options{Faults: Faults{Rate: 1, OnlyPaths: "/v1/retrieve-call-logs/"}})
	if r := get(t, s, "/v1/all-agents"); r.status != 200 {
		t.Fatalf("all-agents hit by a fault limited to call logs: %d", r.status)
	}
	if r := get(t, s, "/v1/retrieve-call-logs/42"); r.status != 500 {
		t.Fatalf("call logs not faulted: %d", r.status)
	}
	// Every second page fails once: the shape of a retry test.
	seen := map[int]bool{}
	s.SetFaults(Faults{Func: func(r Request) string {
		if r.Page%2 == 0 && !seen[r.Page] {
			seen[r.Page] = true
			return Fault503
		}
		return ""
	}})
	var statuses []int
	for _, p := range []string{"1", "2", "2", "3"} {
		statuses = append(statuses, get(t, s, "/v1/retrieve-call-logs/42?page="+p).status)
	}
	if want := []int{200, 503, 200, 200}; !equalInts(statuses, want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRawResponseHook(t *testing.T) {
	s := New(Options{})
	s.SetRawResponse(func(r *http.Request) (int, http.Header, []byte, bool) {
		if r.URL.Query().Get("page") != "2" {
			return 0, nil, nil, false
		}
		return 200, http.Header{"Content-Type": {"application/json"}}, []byte(`{"call_logs":[{"id":1}]`), true
	})
	if r := get(t, s, "/v1/retrieve-call-logs/42?page=2"); r.status != 200 || string(r.body) != `{"call_logs":[{"id":1}]` {
		t.Fatalf("hook: %d %s", r.status, r.body)
	}
	if r := get(t, s, "/v1/retrieve-call-logs/42?page=1"); !json.Valid(r.body) {
		t.Fatal("hook did not fall through")
	}
	s.SetRawResponse(nil)
	if r := get(t, s, "/v1/retrieve-call-logs/42?page=2"); !json.Valid(r.body) {
		t.Fatal("hook not removed")
	}
}
