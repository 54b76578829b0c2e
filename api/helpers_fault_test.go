package api

import (
	"bytes"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// testKey is distinctive, so tests can grep errors and logs for it.
const testKey = "bj-api-test-key-NEVER-LOGGED-41c7"

const testAgent = "agent-42"

// newFake starts a fake API with one agent of 250 calls (three pages of 100).
func newFake(t *testing.T, faults fakeapi.Faults) *fakeapi.Server {
	t.Helper()
	srv := fakeapi.NewServer(fakeapi.Options{APIKey: testKey, Agents: []fakeapi.AgentSpec{{ID: testAgent, Calls: 250}}, Faults: faults})
	t.Cleanup(srv.Close)
	return srv
}

// logSink collects a client's log at trace level, to grep it for the key.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// newClient builds a client for base with fast retries, logging at trace level into a sink that
// is checked for the key when the test ends. cfg's non-zero fields win.
func newClient(t *testing.T, base string, cfg Config) *Client {
	t.Helper()
	sink := &logSink{}
	cfg.BaseURL = base
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = time.Millisecond
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = 5 * time.Millisecond
	}
	cfg.Logger = hclog.New(&hclog.LoggerOptions{Output: sink, Level: hclog.Trace})
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if strings.Contains(sink.String(), cfg.APIKey) {
			t.Errorf("the API key appears in the client's log")
		}
	})
	return c
}

// noKey fails the test when err's message holds the key.
func noKey(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), testKey) {
		t.Errorf("the API key appears in the error %q", err)
	}
}

// firstN returns a Faults.Func that injects kind into the first n requests and none after.
func firstN(kind string, n int) func(fakeapi.Request) string {
	var seen atomic.Int64
	return func(fakeapi.Request) string {
		if seen.Add(1) <= int64(n) {
			return kind
		}
		return ""
	}
}

func always(kind string) func(fakeapi.Request) string {
	return func(fakeapi.Request) string { return kind }
}

func sortedIDs(calls []CallLog) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.ID
	}
	sort.Strings(out)
	return out
}

func fakeIDs(calls []fakeapi.Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.ID
	}
	sort.Strings(out)
	return out
}
