package bluejay_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// Bad and odd input through the built plugin binary: each is either answered exactly or refused
// with an error that says what to fix, never a panic and never a silent empty result.

// handCall is a minimal hand-made call of agent created at t.
func handCall(id, agent string, t time.Time) fakeapi.Call {
	return fakeapi.Call{ID: id, AgentID: agent, StartTimeUTC: t.Format("2006-01-02T15:04:05"), CreatedAt: t.Format(time.RFC3339Nano),
		Status: "COMPLETED", CallDirection: "INBOUND", Interface: "PHONE", Participants: []fakeapi.Participant{}}
}

// An agent id is one path segment whatever it holds: the fake receives exactly that id on the
// call-logs route, and the query returns exactly that agent's calls.
func TestAgentIDsReachTheAPIExactly(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	now := time.Now()
	weird := []string{"..", ".", "x?page=2&last=1day", "frag#ment", " spaced out ", "sales team ☎", "ünïcødé-🚀", "%2F"}
	for i, id := range weird {
		e.srv.SetCalls(id, []fakeapi.Call{handCall(fmt.Sprintf("weird-%d-a", i), id, now.Add(-time.Hour)), handCall(fmt.Sprintf("weird-%d-b", i), id, now.Add(-2*time.Hour))})
	}
	for i, id := range weird {
		e.srv.ResetRequests()
		rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", id), eq("last", "all")}, 0, "id", "agent_id")
		if got := ids(rows, "id"); len(got) != 2 || got[0] != fmt.Sprintf("weird-%d-a", i) || got[1] != fmt.Sprintf("weird-%d-b", i) {
			t.Errorf("agent %q: rows %v", id, got)
		}
		for _, r := range e.srv.Requests() {
			if r.AgentID != id || r.Path != "/v1/retrieve-call-logs/"+id {
				t.Errorf("agent %q reached the fake as agent %q on path %q", id, r.AgentID, r.Path)
			}
		}
	}
	// An id with a slash cannot be an agent's (it would not route); it still goes out as one
	// segment and reads no calls rather than another route's.
	e.srv.ResetRequests()
	if rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "42/../7"), eq("last", "all")}, 0, "id"); len(rows) != 0 {
		t.Fatalf("agent 42/../7: %d rows", len(rows))
	}
	if reqs := e.callLogRequests(); len(reqs) != 1 || reqs[0].AgentID != "42/../7" {
		t.Fatalf("agent 42/../7 went out as %+v", reqs)
	}
}

// A label is one query value: & and = in it add no parameter, unicode arrives intact.
func TestLabelsReachTheAPIExactly(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	now := time.Now()
	labels := []string{"a&last=1day", "k=v", "ünï ☎", "50%+off"}
	var calls []fakeapi.Call
	for i, l := range labels {
		c := handCall(fmt.Sprintf("labelled-%d", i), "lab", now.Add(-time.Duration(i+1)*time.Hour))
		c.Label, c.Tags = l, []string{l}
		calls = append(calls, c)
	}
	e.srv.SetCalls("lab", calls)
	for i, l := range labels {
		e.srv.ResetRequests()
		rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "lab"), eq("label", l), eq("last", "all")}, 0, "id", "label")
		if len(rows) != 1 || rows[0]["id"] != fmt.Sprintf("labelled-%d", i) || rows[0]["label"] != l {
			t.Errorf("label %q: rows %v", l, rows)
		}
		for _, r := range e.srv.Requests() {
			if r.Label != l || r.Last != "all" || len(r.Query) != 4 {
				t.Errorf("label %q reached the fake as label %q, query %v", l, r.Label, r.Query)
			}
		}
	}
}

// Empty ids and labels, and windows the API does not have, are refused before any request with
// a message that says what to give instead.
func TestEmptyAndInvalidQualsAreRefused(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	for _, tc := range []struct {
		table string
		quals []harness.Qual
		want  string
	}{
		{"bluejay_call", []harness.Qual{eq("agent_id", "")}, "agent_id = '' matches no call; give an agent id such as '42'"},
		{"bluejay_call", []harness.Qual{eq("agent_id", []string{"42", ""})}, "agent_id = '' matches no call"},
		{"bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("label", "")}, "label = '' matches no call; give a label such as 'production', or leave label out"},
		{"bluejay_call", []harness.Qual{eq("id", "")}, "a call id of '' matches no call"},
		{"bluejay_call_evaluation", []harness.Qual{eq("call_id", "")}, "a call id of '' matches no call"},
		{"bluejay_call_event", []harness.Qual{eq("agent_id", "")}, "agent_id = '' matches no call"},
		{"bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "")}, `last = "" is not a window the API accepts; use one of '1day'`},
		{"bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "7 days")}, `last = "7 days" is not a window`},
		{"bluejay_call_evaluation", []harness.Qual{eq("agent_id", "42"), eq("last", "forever")}, `last = "forever" is not a window`},
	} {
		r := e.query(tc.table, tc.quals, 0, "agent_id")
		if r.Err == nil || !strings.Contains(r.Err.Error(), tc.want) || len(r.Rows) != 0 {
			t.Errorf("%s %v: %d rows, error %v; want %q", tc.table, tc.quals, len(r.Rows), r.Err, tc.want)
		}
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent for refused quals", n)
	}
}

// A base_url with a path (an API behind a gateway path) keeps it in front of every route.
func TestBaseURLWithAPathPrefix(t *testing.T) {
	swap := &handlerSwap{}
	ts := httptest.NewServer(swap)
	defer ts.Close()
	e := newEnv(t, fakeapi.Options{}, map[string]any{"base_url": ts.URL + "/gateway/bluejay/"})
	h := http.StripPrefix("/gateway/bluejay", e.srv.Handler())
	swap.h.Store(&h)
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "support-bot"), eq("last", "all")}, 0, "id")
	if want := e.srv.Expected("support-bot", "", "all"); len(rows) != len(want) || len(want) == 0 {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	if agents := e.mustQuery("bluejay_agent", nil, 0, "id"); len(agents) != len(fakeapi.DefaultAgents()) {
		t.Fatalf("%d agents", len(agents))
	}
	for _, r := range e.srv.Requests() {
		if r.Status != 200 {
			t.Fatalf("request %s answered %d", r.Path, r.Status)
		}
	}
}

// A 200 body that is not the schema's, decided field by field (see docs/reliability.md): a call
// without its id fails the query naming the endpoint and page; a field of the wrong type fails it
// naming the field; a null array is a NULL column.
func TestBodyThatDoesNotMatchTheSchema(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, map[string]any{"max_retries": 0})
	serve := func(calls string) {
		e.srv.SetRawResponse(func(r *http.Request) (int, http.Header, []byte, bool) {
			if !strings.HasPrefix(r.URL.Path, "/v1/retrieve-call-logs/") {
				return 0, nil, nil, false
			}
			body := `{"call_logs":[` + calls + `],"total_count":2,"page":1,"page_size":100,"total_pages":1}`
			return 200, http.Header{"Content-Type": {"application/json"}}, []byte(body), true
		})
	}
	good := `{"id":"c1","agent_id":"42","start_time_utc":"2026-11-25T10:00:00","participants":[],"status":"COMPLETED"}`
	for _, tc := range []struct{ calls, want string }{
		{good + `,{"agent_id":"42","status":"COMPLETED"}`, `GET /v1/retrieve-call-logs/42 page 1: the response does not match the API's schema: call_logs[1]: required field "id" is missing or empty`},
		{good + `,{"id":"c2","agent_id":"42","duration_ms":"long"}`, "field call_logs.duration_ms is a JSON string where the schema has a number"},
	} {
		serve(tc.calls)
		r := e.query("bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "all")}, 0, "id")
		if r.Err == nil || !strings.Contains(r.Err.Error(), tc.want) || len(r.Rows) != 0 {
			t.Errorf("%d rows, error %v; want %q", len(r.Rows), r.Err, tc.want)
		}
	}
	serve(good + `,{"id":"c2","agent_id":"42","participants":null,"events":null,"tool_calls":null,"evaluations":null,"metadata":null,"status":"QUEUED"}`)
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "all")}, 0, "id", "participants", "events", "metadata", "status")
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		if r["id"] == "c2" && (r["participants"] != nil || r["events"] != nil || r["metadata"] != nil || r["status"] != "QUEUED") {
			t.Errorf("null arrays should be NULL columns: participants %#v, events %#v, metadata %#v, status %#v", r["participants"], r["events"], r["metadata"], r["status"])
		}
	}
	if evs := e.mustQuery("bluejay_call_participant", []harness.Qual{eq("agent_id", "42"), eq("last", "all")}, 0, "call_id"); len(evs) != 0 {
		t.Errorf("%d participant rows from empty and null lists", len(evs))
	}

	// JSON columns pass through as the API sent them; a child table whose array is not one fails
	// naming the call and the field. (Another agent: the page of agent 42 is remembered.)
	serve(good + `,{"id":"c2","agent_id":"43","tags":"vip","events":{"title":"x"}}`)
	q := []harness.Qual{eq("agent_id", "43"), eq("last", "all")}
	rows = e.mustQuery("bluejay_call", q, 0, "id", "tags")
	for _, r := range rows {
		if r["id"] == "c2" && string(r["tags"].(json.RawMessage)) != `"vip"` {
			t.Errorf("tags = %s, want the API's \"vip\" as is", r["tags"])
		}
	}
	r := e.query("bluejay_call_event", q, 0, "call_id")
	if r.Err == nil || !strings.HasPrefix(r.Err.Error(), "bluejay: call c2: events does not match the API's schema") {
		t.Errorf("events of the wrong shape: %d rows, %v", len(r.Rows), r.Err)
	}
}

// A full page of calls with very large metadata and events (a body of about 20 MB) comes through
// whole.
func TestHugePageComesThroughWhole(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	big := strings.Repeat("lorem ipsum ", 16_000) // ~190 KB
	meta, _ := json.Marshal(map[string]string{"transcript": big})
	now := time.Now()
	calls := make([]fakeapi.Call, 100)
	for i := range calls {
		calls[i] = handCall(fmt.Sprintf("huge-%03d", i), "huge", now.Add(-time.Duration(i+1)*time.Minute))
		calls[i].Metadata = meta
		calls[i].Events = []fakeapi.Event{{Title: "transcript", Description: &big}}
	}
	e.srv.SetCalls("huge", calls)
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "huge"), eq("last", "all")}, 0, "id", "metadata")
	if len(rows) != 100 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		var m map[string]string
		if err := harness.UnmarshalJSON(r["metadata"], &m); err != nil || m["transcript"] != big {
			t.Fatalf("call %v: metadata did not survive: %v", r["id"], err)
		}
	}
	events := e.mustQuery("bluejay_call_event", []harness.Qual{eq("agent_id", "huge"), eq("last", "all")}, 0, "description")
	if len(events) != 100 || events[99]["description"] != big {
		t.Fatalf("%d event rows", len(events))
	}
}

// Timestamps in every form the API might write become the right instant; one that is none of
// them is NULL, with a warning in the plugin log, and the query still succeeds.
func TestTimestampFormats(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	want := time.Date(2026, 11, 20, 10, 4, 5, 0, time.UTC)
	forms := map[string]time.Duration{
		"2026-11-20T10:04:05":                 0,
		"2026-11-20T10:04:05Z":                0,
		"2026-11-20T12:04:05+02:00":           0,
		"2026-11-20 10:04:05":                 0,
		"2026-11-20 10:04:05+00:00":           0,
		"2026-11-20T10:04:05.1":               100 * time.Millisecond,
		"2026-11-20T10:04:05.123456":          123456 * time.Microsecond,
		"2026-11-20T10:04:05.123456789Z":      123456789,
		"2026-11-20T05:04:05.5-0500":          500 * time.Millisecond,
		"not a time":                          -1,
		"20/11/2026":                          -1,
		"2026-11-20T10:04:05.000000000+00:00": 0,
	}
	var calls []fakeapi.Call
	i := 0
	for form := range forms {
		c := handCall(fmt.Sprintf("ts-%02d", i), "clock", want)
		c.StartTimeUTC = form
		c.CreatedAt = form
		calls = append(calls, c)
		i++
	}
	e.srv.SetCalls("clock", calls)
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "clock"), eq("last", "all")}, 0, "id", "start_time_utc", "created_at")
	if len(rows) != len(forms) {
		t.Fatalf("%d rows, want %d", len(rows), len(forms))
	}
	byID := map[string]map[string]any{}
	for _, r := range rows {
		byID[r["id"].(string)] = r
	}
	for _, c := range calls {
		r := byID[c.ID]
		add := forms[c.StartTimeUTC]
		for _, col := range []string{"start_time_utc", "created_at"} {
			got, isTime := r[col].(time.Time)
			switch {
			case add < 0 && r[col] != nil:
				t.Errorf("%q: %s = %v, want NULL", c.StartTimeUTC, col, r[col])
			case add >= 0 && (!isTime || !got.Equal(want.Add(add))):
				t.Errorf("%q: %s = %v, want %v", c.StartTimeUTC, col, r[col], want.Add(add))
			}
		}
		if add < 0 && !e.logEventually(`unparseable timestamp, column set to NULL: field=start_time_utc id=`+c.ID) {
			t.Errorf("no warning in the plugin log for call %s's timestamp %q", c.ID, c.StartTimeUTC)
		}
	}
}

// logEventually reports whether the plugin log holds s within a few seconds: the plugin's
// stderr reaches the test asynchronously.
func (e *env) logEventually(s string) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if e.logs.Contains(s) {
			return true
		}
	}
	return false
}

// A lower time bound centuries back (created_at >= '0001-01-01') reads every window, not the
// narrowest: the window arithmetic saturates instead of wrapping round.
func TestAncientLowerBoundReadsEveryWindow(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	for agent, bound := range map[string]time.Time{"support-bot": time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "7": time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC)} {
		e.srv.ResetRequests()
		q := []harness.Qual{eq("agent_id", agent), {Column: "created_at", Operator: ">=", Value: bound}}
		rows := e.mustQuery("bluejay_call", q, 0, "id")
		if want := e.srv.Expected(agent, "", "all"); len(rows) != len(want) {
			t.Errorf("bound %v: %d rows, want all %d", bound, len(rows), len(want))
		}
		lasts := lastsOf(e.callLogRequests())
		for _, l := range lasts {
			if l != "all" {
				t.Errorf("bound %v read windows %v, want all", bound, lasts)
				break
			}
		}
	}
}
