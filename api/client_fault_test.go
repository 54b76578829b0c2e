package api

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// The client against each fault the fake API injects: a transient fault is retried into the
// exact page, a lasting one ends in a typed error that says what happened, and retries are
// bounded in count and in time.

var page2 = CallLogsQuery{AgentID: testAgent, Last: "all", Page: 2, PageSize: 100}

func TestEachTransientFaultIsRetriedIntoTheExactPage(t *testing.T) {
	for _, kind := range []string{fakeapi.Fault500, fakeapi.Fault502, fakeapi.Fault503, fakeapi.Fault429,
		fakeapi.Fault429RetryAfter, fakeapi.FaultReset, fakeapi.FaultTruncate, fakeapi.FaultTimeout} {
		t.Run(kind, func(t *testing.T) {
			srv := newFake(t, fakeapi.Faults{Func: firstN(kind, 1), RetryAfter: "0", Hold: 5 * time.Second})
			c := newClient(t, srv.URL, Config{Timeout: 300 * time.Millisecond})
			page, err := c.ListCallLogs(context.Background(), page2)
			if err != nil {
				t.Fatalf("one %s then success: %v", kind, err)
			}
			want := srv.Expected(testAgent, "", "all")[100:200]
			if strings.Join(sortedIDs(page.CallLogs), ",") != strings.Join(fakeIDs(want), ",") {
				t.Fatalf("page 2 after a %s is not the exact page 2", kind)
			}
			waitUntilSettled(t, srv)
			reqs := srv.Requests()
			if len(reqs) != 2 || reqs[0].Fault != kind || reqs[1].Fault != "" || reqs[1].Status != 200 {
				t.Fatalf("want the faulted request and one retry, got %+v", reqs)
			}
		})
	}
}

func TestLastingFaultsEndInErrorsThatSayWhat(t *testing.T) {
	for _, tc := range []struct {
		kind string
		as   func(error) bool
		says string
	}{
		{fakeapi.Fault500, isStatus(500), "HTTP 500 after 3 attempts: Internal Server Error"},
		{fakeapi.Fault502, isStatus(502), "HTTP 502 after 3 attempts: 502 Bad Gateway"},
		{fakeapi.Fault503, isStatus(503), "HTTP 503 after 3 attempts: 503 Service Temporarily Unavailable"},
		{fakeapi.Fault429, isStatus(429), "HTTP 429 after 3 attempts: Too Many Requests"},
		{fakeapi.FaultReset, isRequestError, "gave up after 3 attempts"},
		{fakeapi.FaultTruncate, isDecodeError, "the response body is not valid JSON"},
		{fakeapi.FaultTimeout, isRequestError, "request_timeout (200ms)"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			srv := newFake(t, fakeapi.Faults{Func: always(tc.kind), Hold: 5 * time.Second})
			c := newClient(t, srv.URL, Config{MaxRetries: 2, Timeout: 200 * time.Millisecond})
			_, err := c.ListCallLogs(context.Background(), page2)
			noKey(t, err)
			if err == nil || !tc.as(err) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("got %v (%T), want one saying %q", err, err, tc.says)
			}
			if !strings.Contains(err.Error(), "GET /v1/retrieve-call-logs/agent-42 page 2") {
				t.Errorf("error %q does not name the endpoint and page", err)
			}
			if n := len(srv.Requests()); n != 3 {
				t.Errorf("max_retries 2 sent %d requests, want 3", n)
			}
		})
	}
}

func isStatus(code int) func(error) bool {
	return func(err error) bool {
		var se *StatusError
		return errors.As(err, &se) && se.StatusCode == code
	}
}

func isRequestError(err error) bool {
	var re *RequestError
	return errors.As(err, &re)
}

func isDecodeError(err error) bool {
	var de *DecodeError
	return errors.As(err, &de)
}

func TestNoRetriesSendsOneRequest(t *testing.T) {
	srv := newFake(t, fakeapi.Faults{Func: always(fakeapi.Fault503)})
	c := newClient(t, srv.URL, Config{MaxRetries: NoRetries})
	_, err := c.ListCallLogs(context.Background(), page2)
	if !isStatus(503)(err) || strings.Contains(err.Error(), "attempts") {
		t.Fatalf("got %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("%d requests with retries off", n)
	}
}

// max_retry_time bounds a call whatever its attempts are doing: here the first attempt is held
// by the server far longer than the budget.
func TestMaxRetryTimeCutsAHeldAttempt(t *testing.T) {
	srv := newFake(t, fakeapi.Faults{Func: always(fakeapi.FaultTimeout), Hold: time.Minute})
	c := newClient(t, srv.URL, Config{Timeout: time.Minute, MaxRetryTime: 200 * time.Millisecond})
	_, err := c.ListCallLogs(context.Background(), page2)
	if !isRequestError(err) || !strings.Contains(err.Error(), "retries took longer than max_retry_time (200ms)") {
		t.Fatalf("got %v", err)
	}
	waitUntilSettled(t, srv)
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Status != 0 {
		t.Fatalf("want one request abandoned by the client (status 0), got %+v", reqs)
	}
}

// A Retry-After longer than the time left is not slept into: the call fails at once.
func TestRetryAfterBeyondTheBudgetIsNotWaitedFor(t *testing.T) {
	srv := newFake(t, fakeapi.Faults{Func: always(fakeapi.Fault429RetryAfter), RetryAfter: "3600"})
	c := newClient(t, srv.URL, Config{MaxRetryTime: 10 * time.Second})
	_, err := c.ListCallLogs(context.Background(), page2)
	if !isStatus(429)(err) {
		t.Fatalf("got %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("%d requests; a Retry-After beyond max_retry_time must end the call", n)
	}
}

// A cancelled call stops its request at once: the server sees the client go away.
func TestCancelEndsTheRequestInFlight(t *testing.T) {
	srv := newFake(t, fakeapi.Faults{Func: always(fakeapi.FaultTimeout), Hold: time.Minute})
	c := newClient(t, srv.URL, Config{Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.ListCallLogs(ctx, page2)
		done <- err
	}()
	for len(srv.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled call returned %v, want context.Canceled", err)
	}
	waitUntilSettled(t, srv)
	if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Status != 0 {
		t.Fatalf("want the one request abandoned (status 0) and no retry, got %+v", reqs)
	}
}

// waitUntilSettled gives the fake's handlers a moment to notice a client that went away; the
// assertions after it are about what the log holds, not about how long that took.
func waitUntilSettled(t *testing.T, srv *fakeapi.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}
