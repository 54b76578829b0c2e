package bluejay_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// An agent with thousands of calls, last = 'all': every call exactly once, every column right.
func TestCallFullScanReturnsEveryCallOnceWithEveryColumn(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "all")}, 0)
	want := e.srv.Expected("42", "", "all")
	if len(want) < 2000 {
		t.Fatalf("fake has only %d calls for agent 42; the test needs thousands", len(want))
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(rows), len(want))
	}
	byID := map[string]map[string]any{}
	for _, r := range rows {
		id := r["id"].(string)
		if _, dup := byID[id]; dup {
			t.Fatalf("call %s returned twice", id)
		}
		byID[id] = r
	}
	for _, c := range want {
		r, ok := byID[c.ID]
		if !ok {
			t.Fatalf("call %s missing", c.ID)
		}
		checkCallRow(t, r, c, "all")
	}
	pages := e.callLogRequests()
	if wantPages := (len(want) + 99) / 100; len(pages) != wantPages {
		t.Errorf("sent %d page requests, want exactly %d", len(pages), wantPages)
	}
	for _, p := range pages {
		if p.PageSize != 100 || p.Last != "all" || p.AgentID != "42" || p.Label != "" {
			t.Errorf("unexpected request %+v", p)
		}
	}
}

func checkCallRow(t *testing.T, r map[string]any, c fakeapi.Call, last any) {
	t.Helper()
	p := "call " + c.ID + " "
	sameValue(t, p+"agent_id", r["agent_id"], c.AgentID)
	sameValue(t, p+"external_agent_id", r["external_agent_id"], c.ExternalAgentID)
	sameValue(t, p+"status", r["status"], c.Status)
	sameValue(t, p+"call_direction", r["call_direction"], c.CallDirection)
	sameValue(t, p+"interface", r["interface"], c.Interface)
	sameValue(t, p+"duration_ms", r["duration_ms"], c.DurationMS)
	sameValue(t, p+"conversation_ended_by", r["conversation_ended_by"], c.ConversationEndedBy)
	sameValue(t, p+"recording_url", r["recording_url"], c.RecordingURL)
	sameValue(t, p+"transcript_url", r["transcript_url"], c.TranscriptURL)
	sameValue(t, p+"title", r["title"], c.ID)
	sameValue(t, p+"last", r["last"], last)
	sameTime(t, p+"start_time_utc", r["start_time_utc"], c.StartTimeUTC)
	sameTime(t, p+"created_at", r["created_at"], c.CreatedAt)
	sameJSON(t, p+"participants", r["participants"], c.Participants)
	sameJSON(t, p+"tool_calls", r["tool_calls"], c.ToolCalls)
	sameJSON(t, p+"events", r["events"], c.Events)
	sameJSON(t, p+"tags", r["tags"], c.Tags)
	sameJSON(t, p+"evaluations", r["evaluations"], c.Evaluations)
	sameJSON(t, p+"annotations", r["annotations"], c.Annotations)
	sameJSON(t, p+"metadata", r["metadata"], c.Metadata)
	sameJSON(t, p+"custom_metrics", r["custom_metrics"], c.CustomMetrics)
}

func TestCallLabelAndLastReachTheAPI(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("label", "canary"), eq("last", "30days")}, 0)
	want := e.srv.Expected("42", "canary", "30days")
	if len(want) == 0 || len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d (non-zero)", len(rows), len(want))
	}
	if got, w := ids(rows, "id"), callIDs(want); strings.Join(got, ",") != strings.Join(w, ",") {
		t.Fatal("row ids differ from the fake's canary/30days calls")
	}
	for _, r := range rows {
		if r["label"] != "canary" || r["last"] != "30days" {
			t.Fatalf("row label/last = %v/%v", r["label"], r["last"])
		}
	}
	for _, req := range e.callLogRequests() {
		if req.Label != "canary" || req.Last != "30days" {
			t.Fatalf("request without the filters: %+v", req)
		}
	}
}

func TestCallLimitSevenCostsOneRequestWithPageSizeSeven(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "all")}, 7)
	if len(rows) != 7 {
		t.Fatalf("got %d rows, want 7", len(rows))
	}
	reqs := e.callLogRequests()
	if len(reqs) != 1 || reqs[0].PageSize != 7 || reqs[0].Page != 1 {
		t.Fatalf("want exactly one request with page_size=7, got %+v", reqs)
	}
	// The newest seven, in the API's order.
	want := e.srv.Expected("42", "", "all")[:7]
	if strings.Join(ids(rows, "id"), ",") != strings.Join(callIDs(want), ",") {
		t.Fatal("limit 7 did not return the newest seven calls")
	}
}

func TestCallLimitOverAPageAsksOnlyForThePagesItNeeds(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "all")}, 250)
	if len(rows) != 250 {
		t.Fatalf("got %d rows, want 250", len(rows))
	}
	if n := len(e.callLogRequests()); n != 3 {
		t.Fatalf("limit 250 sent %d page requests, want 3", n)
	}
}

func TestCallDefaultWindowIsTheConnectionsLast(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, map[string]any{"last": "7days"})
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "7")}, 0)
	if want := e.srv.Expected("7", "", "7days"); len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(rows), len(want))
	}
	for _, req := range e.callLogRequests() {
		if req.Last != "7days" {
			t.Fatalf("request used last=%q, want the connection's 7days", req.Last)
		}
	}
	e2 := newEnv(t, fakeapi.Options{}, nil)
	e2.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "7")}, 0)
	for _, req := range e2.callLogRequests() {
		if req.Last != "all" {
			t.Fatalf("with no last anywhere the plugin sent last=%q, want all: a scan without a window reads every call", req.Last)
		}
	}
}

func TestCallAgentsComeFromTheQueryTheConnectionOrTheAPI(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, map[string]any{"agent_ids": []string{"7", "support-bot"}})
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", []string{"42", "sales team ☎"}), eq("last", "all")}, 0)
	if want := len(e.srv.Expected("42", "", "all")) + len(e.srv.Expected("sales team ☎", "", "all")); len(rows) != want {
		t.Fatalf("agent_id in (...): %d rows, want %d", len(rows), want)
	}
	agents := map[string]bool{}
	for _, r := range e.callLogRequests() {
		agents[r.AgentID] = true
	}
	if len(agents) != 2 || !agents["42"] || !agents["sales team ☎"] {
		t.Fatalf("requests went to agents %v", agents)
	}

	e.srv.ResetRequests()
	rows = e.mustQuery("bluejay_call", []harness.Qual{eq("last", "all")}, 0)
	if want := len(e.srv.Expected("7", "", "all")) + len(e.srv.Expected("support-bot", "", "all")); len(rows) != want {
		t.Fatalf("connection agent_ids: %d rows, want %d", len(rows), want)
	}

	all := newEnv(t, fakeapi.Options{}, nil)
	rows = all.mustQuery("bluejay_call", []harness.Qual{eq("last", "all")}, 0)
	total := 0
	for _, a := range fakeapi.DefaultAgents() {
		total += len(all.srv.Expected(a.ID, "", "all"))
	}
	if len(rows) != total {
		t.Fatalf("every agent: %d rows, want %d", len(rows), total)
	}
}

func TestCallGetByIDAndNotFound(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	want := e.srv.Expected("42", "", "all")[10]
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("id", want.ID)}, 0)
	if len(rows) != 1 {
		t.Fatalf("get by id: %d rows", len(rows))
	}
	checkCallRow(t, rows[0], want, nil)
	if rows[0]["last"] != nil {
		t.Errorf("a call read by id has last = %v, want NULL", rows[0]["last"])
	}
	if rows := e.mustQuery("bluejay_call", []harness.Qual{eq("id", "no-such-call")}, 0); len(rows) != 0 {
		t.Fatalf("unknown id: %d rows, want none", len(rows))
	}
	if rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "no-such-agent"), eq("last", "all")}, 0); len(rows) != 0 {
		t.Fatalf("unknown agent: %d rows, want none", len(rows))
	}
}

func TestCallBadLastFailsBeforeAnyRequest(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	r := e.query("bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "2days")}, 0)
	if r.Err == nil || !strings.Contains(r.Err.Error(), "'1day', '3days', '7days', '30days', '90days', 'all'") {
		t.Fatalf("want an error listing the windows, got %v", r.Err)
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent for an invalid last", n)
	}
}

func TestCallWrongKeyFailsClearlyWithoutTheKey(t *testing.T) {
	e := newEnv(t, fakeapi.Options{APIKey: "the-right-key"}, nil)
	r := e.query("bluejay_call", []harness.Qual{eq("agent_id", "42")}, 0)
	if r.Err == nil || !strings.Contains(r.Err.Error(), "api_key") || !strings.Contains(r.Err.Error(), "BLUEJAY_API_KEY") || !strings.Contains(r.Err.Error(), "401") {
		t.Fatalf("want an auth error naming api_key and BLUEJAY_API_KEY, got %v", r.Err)
	}
}

func TestCallMissingKeyNamesBothPlaces(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, map[string]any{"api_key": nil})
	r := e.query("bluejay_call", []harness.Qual{eq("agent_id", "42")}, 0)
	if r.Err == nil || !strings.Contains(r.Err.Error(), "api_key") || !strings.Contains(r.Err.Error(), "BLUEJAY_API_KEY") {
		t.Fatalf("want an error naming api_key and BLUEJAY_API_KEY, got %v", r.Err)
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent without a key", n)
	}
}

func TestCallAPI422ShowsItsDetail(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	e.srv.SetRawResponse(func(r *http.Request) (int, http.Header, []byte, bool) {
		body := `{"detail":[{"type":"value_error","loc":["query","label"],"msg":"Value error, label is too long","input":"x"}]}`
		return 422, http.Header{"Content-Type": {"application/json"}}, []byte(body), true
	})
	r := e.query("bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("label", "x")}, 0)
	if r.Err == nil || !strings.Contains(r.Err.Error(), "query.label: Value error, label is too long") {
		t.Fatalf("want the API's loc and msg in the error, got %v", r.Err)
	}
}

func TestCallBadConfigFailsWhenTheConnectionLoads(t *testing.T) {
	p := startPlugin(t, harness.NewLogBuffer())
	cases := map[string]string{
		`last = "2days"`:                  "last = \"2days\" is not a window the API accepts",
		`base_url = "api.getbluejay.ai"`:  "must be an absolute URL",
		`base_url = "http://example.com"`: "plain http to a host that is not loopback",
		`max_concurrency = 0`:             "max_concurrency = 0 is out of range",
		`request_timeout = "forever"`:     "request_timeout = \"forever\" is not a positive duration",
		`agent_ids = ["42", ""]`:          "agent_ids[1] is empty",
	}
	for cfg, want := range cases {
		_, err := p.SetConnections(harness.Connection{Name: "bad", Config: cfg})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config %s: error %v, want it to contain %q", cfg, err, want)
		}
	}
}

// A fifth of the requests fail with 5xx or 429: retries make the result complete, and
// deduplication keeps it exact.
func TestCallScanSurvivesAFifthOfRequestsFailing(t *testing.T) {
	e := newEnv(t, fakeapi.Options{Faults: fakeapi.Faults{Rate: 0.2, FaultSeed: 3, Kinds: []string{"500", "502", "503", "429"}}}, nil)
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "all")}, 0)
	want := e.srv.Expected("42", "", "all")
	if len(rows) != len(want) || strings.Join(ids(rows, "id"), ",") != strings.Join(callIDs(want), ",") {
		t.Fatalf("got %d rows, want exactly the %d calls", len(rows), len(want))
	}
	faulted := 0
	for _, r := range e.srv.Requests() {
		if r.Fault != "" {
			faulted++
		}
	}
	if faulted == 0 {
		t.Fatal("no fault was injected; the test proves nothing")
	}
}
