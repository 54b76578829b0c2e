package bluejay_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// An agent the account does not have (its call-log list answers 404) is no rows and a warning in
// the plugin log, whether the query names it alone, in an IN list with existing agents, or not
// at all; the other agents' rows are exact.
func TestMissingAgentIsNoRowsWithAWarning(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	e.srv.DeleteAgent("7")
	e.srv.DeleteAgent("a-999") // never there: the API answers it the same way

	r := e.query("bluejay_call", []harness.Qual{eq("agent_id", "a-999"), eq("last", "all")}, 0, "id")
	if r.Err != nil || len(r.Rows) != 0 {
		t.Fatalf("agent_id = 'a-999': %d rows, error %v; want no rows and no error", len(r.Rows), r.Err)
	}
	if reqs := e.callLogRequests(); len(reqs) != 1 || reqs[0].AgentID != "a-999" || reqs[0].Status != 404 {
		t.Fatalf("agent_id = 'a-999' sent %+v; want one request, answered 404", reqs)
	}
	waitForWarning(t, e, "a-999")

	e.srv.ResetRequests()
	in := eq("agent_id", []string{"42", "7", "support-bot"})
	rows := e.mustQuery("bluejay_call", []harness.Qual{in, eq("last", "all")}, 0, "id", "agent_id")
	want := callIDs(append(e.srv.Expected("42", "", "all"), e.srv.Expected("support-bot", "", "all")...))
	if got := ids(rows, "id"); !slices.Equal(got, want) {
		t.Fatalf("agent_id in ('42', '7', 'support-bot'): %d rows, want the %d calls of 42 and support-bot", len(got), len(want))
	}
	if n := countStatus(e.callLogRequests(), "7", 404); n != 1 {
		t.Fatalf("agent 7 was asked %d times with a 404 answer, want once", n)
	}
	waitForWarning(t, e, "7")

	// Without agent_id the agent list says which agents there are; 7 is no longer among them.
	rows = e.mustQuery("bluejay_call", []harness.Qual{eq("last", "7days")}, 0, "id")
	want = nil
	for _, a := range e.srv.AgentsData() {
		want = append(want, callIDs(e.srv.Expected(a.ID.Value, "", "7days"))...)
	}
	slices.Sort(want)
	if got := ids(rows, "id"); !slices.Equal(got, want) {
		t.Fatalf("every agent, 7 days: %d rows, want %d", len(got), len(want))
	}
}

// A 404 is no rows only for page 1 of an agent's call-log list. The agent list's 404, a 404 on
// a later page (the agent went away mid-read, its first rows already out), a 401, a 403, a 422
// and a 5xx still fail the query.
func TestFailuresOtherThanAMissingAgentStillFailTheQuery(t *testing.T) {
	cases := []struct {
		name, fault, path string
		page              int
		quals             []harness.Qual
		want              string
	}{
		{"the agent list's 404", "404", "/v1/all-agents", 0, []harness.Qual{eq("last", "all")}, "GET /v1/all-agents: not found (HTTP 404)"},
		{"a 404 on page 2", "404", "/v1/retrieve-call-logs/", 2, []harness.Qual{eq("agent_id", "42"), eq("last", "all")}, "page 2: not found (HTTP 404)"},
		{"401", "401", "/v1/retrieve-call-logs/", 0, []harness.Qual{eq("agent_id", "42")}, "HTTP 401"},
		{"403", "403", "/v1/retrieve-call-logs/", 0, []harness.Qual{eq("agent_id", "42")}, "HTTP 403"},
		{"422", "422", "/v1/retrieve-call-logs/", 0, []harness.Qual{eq("agent_id", "42")}, "HTTP 422"},
		{"500", "500", "/v1/retrieve-call-logs/", 0, []harness.Qual{eq("agent_id", "42")}, "HTTP 500"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, fakeapi.Options{Faults: fakeapi.Faults{OnlyPaths: c.path, Func: func(r fakeapi.Request) string {
				if c.page == 0 || r.Page == c.page {
					return c.fault
				}
				return ""
			}}}, map[string]any{"max_retries": 0})
			r := e.query("bluejay_call", c.quals, 0, "id")
			if r.Err == nil || !strings.Contains(r.Err.Error(), c.want) {
				t.Fatalf("got %d rows and error %v; want an error with %q", len(r.Rows), r.Err, c.want)
			}
		})
	}
}

func countStatus(reqs []fakeapi.Request, agent string, status int) int {
	n := 0
	for _, r := range reqs {
		if r.AgentID == agent && r.Status == status {
			n++
		}
	}
	return n
}

// waitForWarning fails unless the plugin log gets the missing agent's warning.
func waitForWarning(t *testing.T, e *env, agent string) {
	t.Helper()
	want := "bluejay: agent not found, its calls are left out: agent_id=" + agent
	if !e.logEventually(want) {
		t.Fatalf("the plugin log has no %q", want)
	}
}
