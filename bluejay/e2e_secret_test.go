package bluejay_test

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// The API key never leaves the plugin except in the X-API-Key header to the configured host:
// not in rows, errors or logs at TRACE level (every end-to-end test greps all three, see
// newEnv and env.query), not to another host, and not when the server echoes it back.

// An error page that echoes the request's headers (a debug page, a proxy) does not carry the key
// into the error the user sees.
func TestEchoedKeyIsRedactedFromErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
	}{
		{500, "debug: headers were X-API-Key: " + testKey},
		{401, `{"detail":"Invalid API key ` + testKey + `"}`},
		{422, `{"detail":[{"type":"x","loc":["header","authorization"],"msg":"bad value ` + testKey + `"}]}`},
		{404, `{"detail":"no agent for key ` + testKey + `"}`},
	} {
		e := newEnv(t, fakeapi.Options{}, map[string]any{"max_retries": 0})
		e.srv.SetRawResponse(func(*http.Request) (int, http.Header, []byte, bool) {
			return tc.status, http.Header{"Content-Type": {"application/json"}}, []byte(tc.body), true
		})
		// A 404 on an agent's call-log list is no rows (e2e_missing_agent_test.go); on the agent
		// list, an error.
		table, quals := "bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "all")}
		if tc.status == 404 {
			table, quals = "bluejay_agent", nil
		}
		r := e.query(table, quals, 0, "id")
		if r.Err == nil || !strings.Contains(r.Err.Error(), "[redacted]") {
			t.Errorf("HTTP %d echoing the key: got %v, want an error with the key [redacted]", tc.status, r.Err)
		}
	}
}

// A redirect to another host does not take the key along; the fake itself logs whether each
// request carried the right key.
func TestRedirectElsewhereDoesNotCarryTheKey(t *testing.T) {
	var keys atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-API-Key") != "" {
			keys.Add(1)
		}
		_, _ = w.Write([]byte(`[]`))
	}))
	defer other.Close()
	e := newEnv(t, fakeapi.Options{}, nil)
	e.srv.SetRawResponse(func(r *http.Request) (int, http.Header, []byte, bool) {
		return http.StatusTemporaryRedirect, http.Header{"Location": {other.URL + r.URL.RequestURI()}}, nil, true
	})
	if rows := e.mustQuery("bluejay_agent", nil, 0, "id"); len(rows) != 0 {
		t.Fatalf("%d agents from the other host's empty list", len(rows))
	}
	if keys.Load() != 0 {
		t.Fatal("the other host received the API key")
	}
	if reqs := e.srv.Requests(); len(reqs) != 1 || !reqs[0].KeyValid {
		t.Fatalf("the configured host did not get the key: %+v", reqs)
	}
}

// An https base_url whose certificate this machine does not trust fails the query with a message
// that says so, after one handshake: TLS verification is never turned off, and a certificate does
// not become trusted by retrying.
func TestUntrustedCertificateFailsTheQueryOnce(t *testing.T) {
	var conns, requests atomic.Int64
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is the point
	ts.StartTLS()
	defer ts.Close()
	e := newEnv(t, fakeapi.Options{}, map[string]any{"base_url": ts.URL})
	r := e.query("bluejay_call", []harness.Qual{eq("agent_id", "42")}, 0, "id")
	if r.Err == nil || !strings.Contains(r.Err.Error(), "certificate") || !strings.Contains(r.Err.Error(), "not trusted by this machine") {
		t.Fatalf("got %v", r.Err)
	}
	if conns.Load() != 1 || requests.Load() != 0 {
		t.Fatalf("%d connections and %d requests; want one refused handshake", conns.Load(), requests.Load())
	}
}

// A key pasted with a line break is refused with a message that says so and does not repeat it.
func TestKeyWithALineBreakIsRefusedWithoutEchoingIt(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, map[string]any{"api_key": testKey + "\nX-Other: 1"})
	r := e.query("bluejay_call", []harness.Qual{eq("agent_id", "42")}, 0, "id")
	if r.Err == nil || !strings.Contains(r.Err.Error(), "api_key contains a control character") {
		t.Fatalf("got %v", r.Err)
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent with a broken key", n)
	}
}
