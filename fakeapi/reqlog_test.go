package fakeapi

import (
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestRequestLog(t *testing.T) {
	const key = "sk-live-SUPERSECRET"
	s := New(Options{APIKey: key})
	do(t, s, "GET", "/v1/retrieve-call-logs/sales%20team%20%E2%98%8E?page=3&page_size=7&last=7days&label=canary", key)
	do(t, s, "GET", "/v1/retrieve-call-logs/42?page=x&last=bogus", key)
	do(t, s, "GET", "/v1/retrieve-call-log/abc", "")
	do(t, s, "DELETE", "/v1/all-agents", "wrong")
	do(t, s, "GET", "/v1/retrieve-call-logs/42?api_key="+key+"&last="+key, key)
	reqs := s.Requests()
	if len(reqs) != 5 {
		t.Fatalf("%d requests logged", len(reqs))
	}
	r := reqs[0]
	if r.AgentID != "sales team ☎" || r.Page != 3 || r.PageSize != 7 || r.Last != "7days" || r.Label != "canary" ||
		!r.KeyPresent || !r.KeyValid || r.Status != 200 || r.Method != "GET" || r.Path != "/v1/retrieve-call-logs/sales team ☎" || r.At.IsZero() {
		t.Errorf("first: %+v", r)
	}
	if r := reqs[1]; r.Page != 0 || r.PageSize != 20 || r.Last != "bogus" || r.Status != 422 {
		t.Errorf("second: %+v", r)
	}
	if r := reqs[2]; r.CallID != "abc" || r.KeyPresent || r.Status != 422 {
		t.Errorf("third: %+v", r)
	}
	if r := reqs[3]; !r.KeyPresent || r.KeyValid || r.Status != 405 || r.Method != "DELETE" {
		t.Errorf("fourth: %+v", r)
	}
	dump := fmt.Sprintf("%+v", reqs)
	if strings.Contains(dump, key) || strings.Contains(dump, "SUPERSECRET") {
		t.Fatalf("the key is in the request log: %s", dump)
	}
	if body := do(t, s, "GET", "/v1/retrieve-call-logs/42?last="+key, key).body; strings.Contains(string(body), key) {
		t.Fatalf("the key is echoed in a 422: %s", body)
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Fatal("ResetRequests left entries")
	}
}

// The plugin fetches pages concurrently; every request must be logged and answered right.
func TestConcurrentPaging(t *testing.T) {
	s := NewServer(Options{CacheBytes: 1 << 20})
	defer s.Close()
	want := s.Expected("42", "", "all")
	pages := make([][]Call, 25)
	var wg sync.WaitGroup
	for p := range pages {
		wg.Go(func() {
			resp, body, err := httpGet(t, s.URL, fmt.Sprintf("/v1/retrieve-call-logs/42?last=all&page_size=100&page=%d", p+1))
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("page %d: %v %v", p+1, resp, err)
				return
			}
			var pb pageBody
			mustJSON(t, body, &pb)
			pages[p] = pb.CallLogs
		})
	}
	wg.Wait()
	var got []Call
	for _, p := range pages {
		got = append(got, p...)
	}
	sameCalls(t, got, want)
	if n := len(s.Requests()); n != 25 {
		t.Fatalf("%d requests logged", n)
	}
}

func TestLogLimit(t *testing.T) {
	s := New(Options{LogLimit: 3})
	for p := 1; p <= 10; p++ {
		get(t, s, fmt.Sprintf("/v1/retrieve-call-logs/42?page=%d", p))
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[0].Page != 8 || reqs[2].Page != 10 {
		t.Fatalf("%+v", reqs)
	}
}

// Requests held open at once are counted in flight until they are answered; one sent after
// they are answered is alone.
func TestRequestLogCountsRequestsInFlight(t *testing.T) {
	s := NewServer(Options{})
	defer s.Close()
	const held = 5
	release := make(chan struct{})
	s.SetRawResponse(func(*http.Request) (int, http.Header, []byte, bool) {
		<-release
		return 0, nil, nil, false
	})
	var wg sync.WaitGroup
	for range held {
		wg.Go(func() {
			if resp, _, err := httpGet(t, s.URL, "/v1/retrieve-call-logs/42?last=all"); err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("held request: %v %v", resp, err)
			}
		})
	}
	for len(s.Requests()) < held {
		runtime.Gosched()
	}
	inFlight := make([]int, 0, held)
	for _, r := range s.Requests() {
		inFlight = append(inFlight, r.InFlight)
	}
	slices.Sort(inFlight)
	if !slices.Equal(inFlight, []int{1, 2, 3, 4, 5}) || s.PeakInFlight() != held {
		t.Fatalf("in flight at arrival %v, peak %d; want 1..5, peak 5", inFlight, s.PeakInFlight())
	}
	close(release)
	wg.Wait()
	s.ResetRequests()
	if resp, _, err := httpGet(t, s.URL, "/v1/retrieve-call-logs/42?last=all"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("request after: %v %v", resp, err)
	}
	if s.PeakInFlight() != 1 {
		t.Fatalf("a request sent after the others were answered: peak %d, want 1", s.PeakInFlight())
	}
}
