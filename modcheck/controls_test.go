package modcheck

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

func openFake(t *testing.T) (*engine.DB, *fakeapi.Server) {
	t.Helper()
	db, srv, err := engine.OpenWithFake(context.Background(), fakeapi.Options{Now: fakeapi.FrozenNow()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(); srv.Close() })
	return db, srv
}

// seeded are the statuses each control gives each agent of the default fake account, with the
// mod's default variables (window 7days). Every control has an ok and an alarm.
var seeded = map[string]map[string]string{
	"hallucination_rate":             {"42": "alarm", "7": "ok", "empty": "skip", "sales team ☎": "alarm", "support-bot": "alarm"},
	"redundancy_rate":                {"42": "ok", "7": "alarm", "empty": "skip", "sales team ☎": "alarm", "support-bot": "alarm"},
	"goal_success_rate":              {"42": "alarm", "7": "ok", "empty": "skip", "sales team ☎": "ok", "support-bot": "ok"},
	"custom_eval_success_rate":       {"42": "ok", "7": "alarm", "empty": "skip", "sales team ☎": "ok", "support-bot": "ok"},
	"negative_sentiment_rate":        {"42": "ok", "7": "ok", "empty": "skip", "sales team ☎": "alarm", "support-bot": "alarm"},
	"latency_p95":                    {"42": "ok", "7": "ok", "empty": "skip", "sales team ☎": "ok", "support-bot": "alarm"},
	"latency_p99":                    {"42": "ok", "7": "ok", "empty": "skip", "sales team ☎": "ok", "support-bot": "alarm"},
	"filler_ignored_latency_p95":     {"42": "ok", "7": "ok", "empty": "skip", "sales team ☎": "ok", "support-bot": "alarm"},
	"filler_ignored_latency_p99":     {"42": "ok", "7": "ok", "empty": "skip", "sales team ☎": "ok", "support-bot": "alarm"},
	"stuck_evaluating_calls":         {"42": "alarm", "7": "alarm", "empty": "skip", "sales team ☎": "alarm", "support-bot": "ok"},
	"incomplete_calls":               {"42": "ok", "7": "ok", "empty": "skip", "sales team ☎": "ok", "support-bot": "alarm"},
	"pii_redaction_enabled":          {"42": "ok", "7": "ok", "empty": "ok", "sales team ☎": "alarm", "support-bot": "ok"},
	"calls_without_recording":        {"42": "alarm", "7": "alarm", "empty": "skip", "sales team ☎": "ok", "support-bot": "skip"},
	"calls_without_transcript":       {"42": "alarm", "7": "ok", "empty": "skip", "sales team ☎": "alarm", "support-bot": "alarm"},
	"identity_verification_failures": {"42": "alarm", "7": "ok", "empty": "skip", "sales team ☎": "alarm", "support-bot": "alarm"},
	"tool_call_failures":             {"42": "ok", "7": "ok", "empty": "skip", "sales team ☎": "ok", "support-bot": "alarm"},
	"agent_ended_before_user_spoke":  {"42": "ok", "7": "alarm", "empty": "skip", "sales team ☎": "ok", "support-bot": "ok"},
	// Release readiness: per agent, or per simulation (1001 and 1002 are 42's, 2001 is 7's,
	// 4001 is sales team ☎'s).
	"recent_simulation_run":             {"42": "ok", "7": "ok", "empty": "skip", "sales team ☎": "alarm", "support-bot": "alarm"},
	"latest_run_pass_rate":              {"1001": "ok", "1002": "ok", "2001": "alarm", "4001": "ok"},
	"latest_run_hallucinations":         {"1001": "alarm", "1002": "ok", "2001": "ok", "4001": "alarm"},
	"test_production_hallucination_gap": {"42": "ok", "7": "alarm", "empty": "skip", "sales team ☎": "skip", "support-bot": "skip"},
}

func runAll(t *testing.T, db *engine.DB, m *Mod, where string) map[string]*ControlResult {
	t.Helper()
	out := map[string]*ControlResult{}
	for _, c := range m.Controls {
		r := RunControl(context.Background(), db, c, where)
		if r.Err != nil {
			t.Fatalf("%s: %v", c.Name, r.Err)
		}
		out[c.Name] = r
	}
	return out
}

func rowOf(r *ControlResult, resource string) Row {
	for _, row := range r.Rows {
		if row.Resource == resource {
			return row
		}
	}
	return Row{}
}

func TestEveryControlOnTheFake(t *testing.T) {
	m := loadRepoMod(t, nil)
	db, srv := openFake(t)
	results := runAll(t, db, m, "")
	if got, want := slices.Sorted(maps.Keys(results)), slices.Sorted(maps.Keys(seeded)); !slices.Equal(got, want) {
		t.Fatalf("controls %v, the test knows %v", got, want)
	}
	// A row's resource is an agent, or a simulation of the agent its agent_id names.
	agentOf := map[string]string{}
	for _, a := range srv.AgentsData() {
		agentOf[a.ID.Value] = a.ID.Value
		for _, sim := range srv.Simulations(a.ID.Value) {
			agentOf[sim.ID] = a.ID.Value
		}
	}
	for name, want := range seeded {
		r := results[name]
		got := map[string]string{}
		for _, row := range r.Rows {
			got[row.Resource] = row.Status
			agent := agentOf[row.Resource]
			if !strings.Contains(row.Reason, "(fake agent "+agent+")") && !strings.Contains(row.Reason, "(agent "+agent+")") {
				t.Errorf("%s %s: the reason does not name the agent: %q", name, row.Resource, row.Reason)
			}
			if len(row.Dimensions) != 1 || row.Dimensions[0] != (Dimension{"agent_id", agent}) {
				t.Errorf("%s %s: dimensions %v", name, row.Resource, row.Dimensions)
			}
			if row.Status == StatusAlarm && !strings.Contains(row.Reason, "; ") {
				t.Errorf("%s %s: an alarm's reason says what to do after \"; \": %q", name, row.Resource, row.Reason)
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s: statuses %v, want %v", name, got, want)
		}
		c := r.Counts()
		if c[StatusOK] == 0 || c[StatusAlarm] == 0 {
			t.Errorf("%s: %v; the fake should give an ok and an alarm", name, c)
		}
	}
	checkReasonsAgainstTheFake(t, srv, results)
}

// checkReasonsAgainstTheFake recounts, from the fake's own calls, what some reasons say.
func checkReasonsAgainstTheFake(t *testing.T, srv *fakeapi.Server, results map[string]*ControlResult) {
	for _, agent := range []string{"42", "7", "support-bot", "sales team ☎"} {
		calls := srv.Expected(agent, "", "7days")
		recent := map[string]bool{}
		for _, c := range srv.Expected(agent, "", "1day") {
			recent[c.ID] = true
		}
		var judged, hallucinated, tools, failedTools, early, stuck int
		for _, c := range calls {
			for _, e := range c.Evaluations {
				if e.Hallucination != nil {
					judged++
					if *e.Hallucination {
						hallucinated++
					}
				}
			}
			for _, tc := range c.ToolCalls {
				tools++
				if strings.Contains(string(tc.Output), `"error"`) {
					failedTools++
				}
			}
			if c.ConversationEndedBy != nil && *c.ConversationEndedBy == "AGENT" && slices.ContainsFunc(c.Evaluations, func(e fakeapi.Evaluation) bool { return e.NumTurns != nil && *e.NumTurns <= 1 }) {
				early++
			}
			if c.Status == "EVALUATING" && !recent[c.ID] {
				stuck++
			}
		}
		for control, want := range map[string]string{
			"hallucination_rate":            fmt.Sprintf(" hallucinated in %d of %d evaluated calls (", hallucinated, judged),
			"tool_call_failures":            fmt.Sprintf(" had %d of %d tool calls fail (", failedTools, tools),
			"agent_ended_before_user_spoke": fmt.Sprintf(" ended %d of %d calls before the caller spoke", early, len(calls)),
			"stuck_evaluating_calls":        fmt.Sprintf(" has %d of %d calls still EVALUATING after 1day", stuck, len(calls)),
		} {
			if got := rowOf(results[control], agent).Reason; !strings.Contains(got, want) {
				t.Errorf("%s %s: reason %q lacks %q", control, agent, got, want)
			}
		}
	}
}

// TestThresholdsComeFromVariables: raising every limit clears the alarms.
func TestThresholdsComeFromVariables(t *testing.T) {
	m := loadRepoMod(t, map[string]string{"max_hallucination_pct": "25", "max_early_agent_hangups": "3", "max_tool_failure_pct": "30"})
	db, _ := openFake(t)
	for _, name := range []string{"hallucination_rate", "agent_ended_before_user_spoke", "tool_call_failures"} {
		r := RunControl(context.Background(), db, m.Control(name), "")
		if r.Err != nil || r.Counts()[StatusAlarm] != 0 {
			t.Errorf("%s with raised limits: %v %v", name, r.Counts(), r.Err)
		}
	}
}

func TestWhereFiltersRowsAndBadSQLIsAnError(t *testing.T) {
	m := loadRepoMod(t, nil)
	db, _ := openFake(t)
	r := RunControl(context.Background(), db, m.Control("hallucination_rate"), "status = 'alarm' and agent_id <> '42'")
	if r.Err != nil || len(r.Rows) != 2 || r.Rows[0].Resource != "sales team ☎" || r.Rows[1].Resource != "support-bot" {
		t.Errorf("rows %+v, err %v", r.Rows, r.Err)
	}
	if r := RunControl(context.Background(), db, m.Control("latency_p95"), "nosuchcol = 1"); r.Err == nil || !strings.Contains(r.Err.Error(), `no such column: nosuchcol (its rows were filtered by the condition "nosuchcol = 1")`) {
		t.Errorf("a bad condition: %v", r.Err)
	}
	bad := &Control{Name: "bad", SQL: "select id as resource from bluejay_agent", Range: m.Control("hallucination_rate").Range}
	if r := RunControl(context.Background(), db, bad, ""); r.Err == nil || !strings.Contains(r.Err.Error(), `mod/quality.pp:16: control "bad": its query returns no "status" column`) {
		t.Errorf("err %v", r.Err)
	}
	badStatus := &Control{Name: "odd", SQL: "select id as resource, 'warn' as status, 'x' as reason from bluejay_agent"}
	if r := RunControl(context.Background(), db, badStatus, ""); r.Err == nil || !strings.Contains(r.Err.Error(), `status "warn"`) {
		t.Errorf("err %v", r.Err)
	}
}

// TestDashboardQueriesRun: every named query runs on SQLite over the fake and returns rows;
// the agent detail queries for agent 42.
func TestDashboardQueriesRun(t *testing.T) {
	m := loadRepoMod(t, nil)
	db, _ := openFake(t)
	queries, err := m.AllQueries(map[string]any{"agent_id": "42"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, q := range queries {
		if !strings.HasPrefix(q.Name, "query.") {
			continue
		}
		n++
		res, err := db.Query(context.Background(), SQLiteSQL(q.SQL), q.Args...)
		if err != nil {
			t.Errorf("%s: %v", q.Name, err)
			continue
		}
		if len(res.Rows) == 0 {
			t.Errorf("%s: no rows", q.Name)
		}
	}
	if n != len(m.Queries) || n == 0 {
		t.Errorf("ran %d of %d queries", n, len(m.Queries))
	}
	if _, err := m.AllQueries(nil); err == nil || !strings.Contains(err.Error(), `param "agent_id" ($1) has no default`) {
		t.Errorf("no agent_id: %v", err)
	}
}
