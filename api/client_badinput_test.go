package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// rawPaths records the escaped path of every request the fake receives.
type rawPaths struct {
	mu    sync.Mutex
	paths []string
}

func (r *rawPaths) hook(req *http.Request) (int, http.Header, []byte, bool) {
	r.mu.Lock()
	r.paths = append(r.paths, req.URL.EscapedPath())
	r.mu.Unlock()
	return 0, nil, nil, false
}

func (r *rawPaths) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.paths[len(r.paths)-1]
}

// An agent id is one path segment whatever it holds: the fake receives exactly that id on the
// call-logs route, and the escaped path has no separator, query, fragment or dot segment that a
// server or proxy could resolve into another route.
func TestAgentIDsStayOnePathSegment(t *testing.T) {
	srv := newFake(t, fakeapi.Faults{})
	raw := &rawPaths{}
	srv.SetRawResponse(raw.hook)
	c := newClient(t, srv.URL, Config{})
	for _, id := range []string{"a/b", "../all-agents", "..", ".", "a?page=9", "x#frag", "sales team ☎", "ünï", "%2F", "a%20b", "  ", "42;drop"} {
		if _, err := c.ListCallLogs(context.Background(), CallLogsQuery{AgentID: id, Last: "all", Page: 1, PageSize: 10}); err != nil {
			t.Errorf("agent %q: %v", id, err)
			continue
		}
		got := srv.Requests()
		req := got[len(got)-1]
		if req.AgentID != id || req.Path != "/v1/retrieve-call-logs/"+id || req.Page != 1 || req.PageSize != 10 || req.Last != "all" {
			t.Errorf("agent %q reached the fake as agent %q path %q page %d size %d last %q", id, req.AgentID, req.Path, req.Page, req.PageSize, req.Last)
		}
		seg := strings.TrimPrefix(raw.last(), "/v1/retrieve-call-logs/")
		if strings.ContainsAny(seg, "/?#") || seg == "." || seg == ".." || seg == "" {
			t.Errorf("agent %q went out as the segment %q", id, seg)
		}
	}
}

func TestCallIDsStayOnePathSegment(t *testing.T) {
	srv := newFake(t, fakeapi.Faults{})
	c := newClient(t, srv.URL, Config{})
	for _, id := range []string{"../all-agents", "a/b?c#d", ".."} {
		_, err := c.GetCallLog(context.Background(), id)
		if !IsNotFound(err) {
			t.Errorf("call %q: %v, want not found", id, err)
		}
		got := srv.Requests()
		if req := got[len(got)-1]; req.CallID != id {
			t.Errorf("call %q reached the fake as %q (%s)", id, req.CallID, req.Path)
		}
	}
}

// A label is one query value: & and = in it do not add parameters.
func TestLabelsAreOneQueryValue(t *testing.T) {
	srv := newFake(t, fakeapi.Faults{})
	c := newClient(t, srv.URL, Config{})
	for _, label := range []string{"a&page=7", "k=v", "ünïcødé ☎", "50%+off", "#tag"} {
		if _, err := c.ListCallLogs(context.Background(), CallLogsQuery{AgentID: testAgent, Label: label, Last: "7days", Page: 2, PageSize: 5}); err != nil {
			t.Fatalf("label %q: %v", label, err)
		}
		got := srv.Requests()
		req := got[len(got)-1]
		if req.Label != label || req.Page != 2 || req.PageSize != 5 || req.Last != "7days" || len(req.Query) != 4 {
			t.Errorf("label %q reached the fake as label %q, page %d, query %v", label, req.Label, req.Page, req.Query)
		}
	}
}

// A base URL's path prefix (an API behind a gateway path) is kept in front of every route.
func TestBaseURLPathPrefixIsKept(t *testing.T) {
	fake := fakeapi.New(fakeapi.Options{APIKey: testKey, Agents: []fakeapi.AgentSpec{{ID: testAgent, Calls: 30}}})
	mux := http.NewServeMux()
	mux.Handle("/gateway/bluejay/", http.StripPrefix("/gateway/bluejay", fake.Handler()))
	ts := httptest.NewServer(mux)
	defer ts.Close()
	for _, base := range []string{ts.URL + "/gateway/bluejay", ts.URL + "/gateway/bluejay/"} {
		c := newClient(t, base, Config{})
		page, err := c.ListCallLogs(context.Background(), CallLogsQuery{AgentID: "a/b", Last: "all", Page: 1, PageSize: 100})
		if err != nil || len(page.CallLogs) != 0 {
			t.Fatalf("base %s, agent a/b: %v", base, err)
		}
		page, err = c.ListCallLogs(context.Background(), CallLogsQuery{AgentID: testAgent, Last: "all", Page: 1, PageSize: 100})
		if err != nil || len(page.CallLogs) != 30 {
			t.Fatalf("base %s: %v, %d calls", base, err, len(page.CallLogs))
		}
		if _, err := c.ListAgents(context.Background()); err != nil {
			t.Fatalf("base %s: agents: %v", base, err)
		}
	}
	for _, r := range fake.Requests() {
		if !strings.HasPrefix(r.Path, "/v1/") || r.Status != 200 {
			t.Errorf("request %s answered %d", r.Path, r.Status)
		}
	}
}

func TestParseBaseURLSaysWhatToFix(t *testing.T) {
	for raw, want := range map[string]string{
		"api.getbluejay.ai":                 "must be an absolute URL",
		"localhost:8080":                    "must be an absolute URL",
		"ftp://api.getbluejay.ai":           "must be an absolute URL",
		"http://api.getbluejay.ai":          "plain http to a host that is not loopback",
		"http://127.0.0.1.example.com":      "plain http to a host that is not loopback",
		"http://10.0.0.8:8000":              "plain http to a host that is not loopback",
		"https://api.getbluejay.ai?x=1":     "must not carry a query",
		"https://user:pw@api.getbluejay.ai": "must not carry a query, fragment or user info",
		"https://api.getbluejay.ai/#top":    "must not carry a query",
		"https://":                          "must be an absolute URL",
	} {
		_, err := ParseBaseURL(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", raw, err, want)
		}
	}
	for raw, want := range map[string]string{
		"":                               "https://api.getbluejay.ai",
		"https://api.getbluejay.ai/":     "https://api.getbluejay.ai",
		"https://gw.example.com/bluejay": "https://gw.example.com/bluejay",
		"http://localhost:8000":          "http://localhost:8000",
		"http://[::1]:8000/":             "http://[::1]:8000",
		"http://127.0.0.1:9/x/":          "http://127.0.0.1:9/x",
	} {
		u, err := ParseBaseURL(raw)
		if err != nil || u.String() != want {
			t.Errorf("%q: %v, %v; want %s", raw, u, err, want)
		}
	}
}

// pageBody is a call-logs page around the given call objects (raw JSON).
func pageBody(total int, calls ...string) []byte {
	return []byte(fmt.Sprintf(`{"call_logs":[%s],"total_count":%d,"page":1,"page_size":100,"total_pages":1}`, strings.Join(calls, ","), total))
}

const goodCall = `{"id":"c1","agent_id":"agent-42","recording_url":null,"start_time_utc":"2026-11-25T10:00:00","participants":[],"status":"COMPLETED"}`

// serveBody answers every request with status and body.
func serveBody(t *testing.T, status int, body []byte) *Client {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(ts.Close)
	return newClient(t, ts.URL, Config{MaxRetries: 1})
}

// What the client makes of 200 bodies that do not match the schema, decided field by field: the
// id that keys every row is required; a missing page field is an error; nulls where the schema
// wants an array stay null (NULL columns); a wrong type is an error naming the field.
func TestBodiesThatDoNotMatchTheSchema(t *testing.T) {
	for _, tc := range []struct {
		name string
		body []byte
		want string // "" = decodes
	}{
		{"missing id", pageBody(1, `{"agent_id":"agent-42","status":"COMPLETED"}`), `page 1: the response does not match the API's schema: call_logs[0]: required field "id" is missing or empty`},
		{"missing agent_id", pageBody(1, `{"id":"c9","status":"COMPLETED"}`), `call c9: required field "agent_id" is missing or empty`},
		{"id of the wrong type", pageBody(1, `{"id":7,"agent_id":"a"}`), "field call_logs.id is a JSON number where the schema has a string"},
		{"duration of the wrong type", pageBody(1, `{"id":"c1","agent_id":"a","duration_ms":"12s"}`), "field call_logs.duration_ms is a JSON string where the schema has a number"},
		{"call_logs not an array", []byte(`{"call_logs":{},"total_count":1,"page":1,"page_size":100,"total_pages":1}`), "field call_logs is a JSON object where the schema has an array"},
		{"missing total_count", []byte(`{"call_logs":[],"page":1,"page_size":100,"total_pages":0}`), `required field "total_count" is missing`},
		{"call_logs null on a page that has calls", []byte(`{"call_logs":null,"total_count":5,"page":1,"page_size":100,"total_pages":1}`), "call_logs is missing or null, but total_count 5 says page 1 holds calls"},
		{"body is an array", []byte(`[]`), "field the body is a JSON array where the schema has an object"},
		{"null arrays stay null", pageBody(1, `{"id":"c1","agent_id":"a","participants":null,"tool_calls":null,"events":null,"tags":null,"evaluations":null,"metadata":null}`), ""},
		{"call_logs missing on an empty page", []byte(`{"total_count":0,"page":1,"page_size":100,"total_pages":0}`), ""},
		{"unknown fields are ignored", pageBody(1, strings.Replace(goodCall, `"id"`, `"new_field":{"x":[1]},"id"`, 1)), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := serveBody(t, 200, tc.body)
			page, err := c.ListCallLogs(context.Background(), CallLogsQuery{AgentID: "agent-42", Page: 1, PageSize: 100})
			noKey(t, err)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("want it decoded, got %v", err)
				}
				return
			}
			var de *DecodeError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET /v1/retrieve-call-logs/agent-42 page 1") {
				t.Fatalf("got %v (%T, page %v), want a DecodeError naming the endpoint and saying %q", err, err, page, tc.want)
			}
		})
	}
}

func TestNullArraysStayNull(t *testing.T) {
	c := serveBody(t, 200, pageBody(1, `{"id":"c1","agent_id":"a","participants":null,"events":[]}`))
	page, err := c.ListCallLogs(context.Background(), CallLogsQuery{AgentID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	call := page.CallLogs[0]
	if string(call.Participants) != "null" || string(call.Events) != "[]" || call.ToolCalls != nil {
		t.Fatalf("participants %s, events %s, tool_calls %s", call.Participants, call.Events, call.ToolCalls)
	}
}

// A 422 shows each of FastAPI's detail entries as loc: msg; one about the key header is an
// auth error.
func TestUnprocessableShowsLocAndMsg(t *testing.T) {
	c := serveBody(t, 422, []byte(`{"detail":[{"type":"literal_error","loc":["query","last"],"msg":"Input should be '1day' or 'all'","input":"2days"},{"type":"less_than_equal","loc":["query","page_size"],"msg":"Input should be less than or equal to 100"}]}`))
	_, err := c.ListCallLogs(context.Background(), CallLogsQuery{AgentID: "a", Last: "2days"})
	var ue *UnprocessableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "HTTP 422: query.last: Input should be '1day' or 'all'; query.page_size: Input should be less than or equal to 100") {
		t.Fatalf("got %v", err)
	}
	c = serveBody(t, 422, []byte(`{"detail":[{"type":"missing","loc":["header","x-api-key"],"msg":"Field required"}]}`))
	_, err = c.ListAgents(context.Background())
	var ae *AuthError
	if !errors.As(err, &ae) || err.Error() != "GET /v1/all-agents: the API rejected the API key (HTTP 422: the X-API-Key header was missing or empty)" {
		t.Fatalf("got %v", err)
	}
}

// An auth error ends with the caller's hint, where its user sets the key.
func TestAuthErrorEndsWithTheKeyHint(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"detail":"Invalid API key"}`))
	}))
	t.Cleanup(ts.Close)
	c := newClient(t, ts.URL, Config{KeyHint: "set the key there"})
	_, err := c.ListAgents(context.Background())
	if err == nil || err.Error() != "GET /v1/all-agents: the API rejected the API key (HTTP 401: Invalid API key); set the key there" {
		t.Fatalf("got %v", err)
	}
}

// A full page of calls with very large transcripts and metadata (a body of tens of MB) decodes
// whole.
func TestHugePageDecodesWhole(t *testing.T) {
	big := strings.Repeat("word ", 40_000) // 200 KB of text per call
	calls := make([]string, 100)
	for i := range calls {
		meta, _ := json.Marshal(map[string]any{"transcript": big, "n": i, "nested": map[string]any{"list": []int{1, 2, 3}}})
		calls[i] = fmt.Sprintf(`{"id":"c%d","agent_id":"a","status":"COMPLETED","metadata":%s,"events":[{"title":"t","start_offset_ms":1,"description":%q}]}`, i, meta, big)
	}
	body := pageBody(100, calls...)
	if len(body) < 20<<20 {
		t.Fatalf("the body is only %d bytes", len(body))
	}
	c := serveBody(t, 200, body)
	page, err := c.ListCallLogs(context.Background(), CallLogsQuery{AgentID: "a", PageSize: 100})
	if err != nil || len(page.CallLogs) != 100 {
		t.Fatalf("%v, %d calls", err, len(page.CallLogs))
	}
	var m struct{ Transcript string }
	if err := json.Unmarshal(page.CallLogs[99].Metadata, &m); err != nil || m.Transcript != big {
		t.Fatalf("the last call's metadata did not survive: %v", err)
	}
}

// Timestamps as the API may write them; a value that is none of these is an error for the
// caller to turn into NULL.
func TestParseTimeFormats(t *testing.T) {
	want := time.Date(2026, 11, 25, 10, 4, 5, 0, time.UTC)
	for s, add := range map[string]time.Duration{
		"2026-11-25T10:04:05":                 0,
		"2026-11-25T10:04:05Z":                0,
		"2026-11-25T10:04:05+00:00":           0,
		"2026-11-25T12:04:05+02:00":           0,
		"2026-11-25T05:04:05-0500":            0,
		"2026-11-25 10:04:05":                 0,
		"2026-11-25 10:04:05Z":                0,
		"2026-11-25 10:04:05+00:00":           0,
		" 2026-11-25T10:04:05 ":               0,
		"2026-11-25T10:04:05.":                -1, // a bare dot is not a fraction
		"2026-11-25T10:04:05.1":               100 * time.Millisecond,
		"2026-11-25T10:04:05.12":              120 * time.Millisecond,
		"2026-11-25T10:04:05.123":             123 * time.Millisecond,
		"2026-11-25T10:04:05.123456":          123456 * time.Microsecond,
		"2026-11-25T10:04:05.123456789":       123456789,
		"2026-11-25T10:04:05.000000000Z":      0,
		"2026-11-25 10:04:05.5+00:00":         500 * time.Millisecond,
		"2026-11-25T10:04:05.999999999-00:00": 999999999,
	} {
		got, err := ParseTime(s)
		if add < 0 {
			if err == nil {
				t.Errorf("%q parsed as %v", s, got)
			}
			continue
		}
		if err != nil || !got.Equal(want.Add(add)) || got.Location() != time.UTC {
			t.Errorf("%q: %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "yesterday", "2026-13-01T00:00:00", "2026-11-25T25:00:00", "1732528800", "25/11/2026 10:04"} {
		if got, err := ParseTime(s); err == nil {
			t.Errorf("%q parsed as %v", s, got)
		}
	}
}
