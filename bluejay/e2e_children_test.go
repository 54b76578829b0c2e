package bluejay_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

func TestEvaluationRowsMatchTheFakesEvaluations(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	rows := e.mustQuery("bluejay_call_evaluation", []harness.Qual{eq("agent_id", "42"), eq("last", "30days")}, 0)
	calls := e.srv.Expected("42", "", "30days")
	byID := map[string]map[string]any{}
	for _, r := range rows {
		byID[r["id"].(string)] = r
	}
	n := 0
	for _, c := range calls {
		for _, ev := range c.Evaluations {
			n++
			r, ok := byID[ev.ID]
			if !ok {
				t.Fatalf("evaluation %s of call %s missing", ev.ID, c.ID)
			}
			checkEvaluationRow(t, r, c, ev)
		}
	}
	if n == 0 || len(rows) != n {
		t.Fatalf("got %d evaluation rows, want %d (non-zero)", len(rows), n)
	}
}

func checkEvaluationRow(t *testing.T, r map[string]any, c fakeapi.Call, ev fakeapi.Evaluation) {
	t.Helper()
	p := "evaluation " + ev.ID + " "
	sameValue(t, p+"call_id", r["call_id"], c.ID)
	sameValue(t, p+"agent_id", r["agent_id"], c.AgentID)
	sameValue(t, p+"last", r["last"], "30days")
	sameValue(t, p+"label", r["label"], nil)
	sameTime(t, p+"call_start_time_utc", r["call_start_time_utc"], c.StartTimeUTC)
	sameTime(t, p+"created_at", r["created_at"], ev.CreatedAt)
	sameValue(t, p+"hallucination", r["hallucination"], ev.Hallucination)
	sameValue(t, p+"hallucination_reasoning", r["hallucination_reasoning"], ev.HallucinationReasoning)
	sameValue(t, p+"redundancy", r["redundancy"], ev.Redundancy)
	sameValue(t, p+"agent_speak_percentage", r["agent_speak_percentage"], ev.AgentSpeakPercentage)
	sameValue(t, p+"avg_agent_latency", r["avg_agent_latency"], ev.AvgAgentLatency)
	sameValue(t, p+"num_turns", r["num_turns"], ev.NumTurns)
	sameValue(t, p+"call_summary", r["call_summary"], ev.CallSummary)
	sameValue(t, p+"custom_evals_success_rate", r["custom_evals_success_rate"], ev.CustomEvalsSuccessRate)
	sameValue(t, p+"goal_success", r["goal_success"], ev.GoalSuccess)
	sameValue(t, p+"goal_reasoning", r["goal_reasoning"], ev.GoalReasoning)
	sameValue(t, p+"pronunciation_score", r["pronunciation_score"], ev.PronunciationScore)
	sameValue(t, p+"sentiment_label", r["sentiment_label"], ev.SentimentLabel)
	sameValue(t, p+"sentiment_score", r["sentiment_score"], ev.SentimentScore)
	sameJSON(t, p+"sentiment_scores", r["sentiment_scores"], ev.SentimentScores)
	sameJSON(t, p+"custom_evals", r["custom_evals"], ev.CustomEvals)
	sameJSON(t, p+"custom_metrics", r["custom_metrics"], ev.CustomMetrics)
	sameJSON(t, p+"latency", r["latency"], ev.Latency)
	sameJSON(t, p+"filler_ignored_latency", r["filler_ignored_latency"], ev.FillerIgnoredLatency)
	lat, fil := ev.Latency, ev.FillerIgnoredLatency
	if lat == nil {
		lat = &fakeapi.Latency{}
	}
	if fil == nil {
		fil = &fakeapi.FillerIgnoredLatency{}
	}
	sameValue(t, p+"latency_avg", r["latency_avg"], lat.Avg)
	sameValue(t, p+"latency_max", r["latency_max"], lat.Max)
	sameValue(t, p+"latency_p50", r["latency_p50"], lat.P50)
	sameValue(t, p+"latency_p90", r["latency_p90"], lat.P90)
	sameValue(t, p+"latency_p95", r["latency_p95"], lat.P95)
	sameValue(t, p+"latency_p99", r["latency_p99"], lat.P99)
	sameValue(t, p+"filler_ignored_latency_avg", r["filler_ignored_latency_avg"], fil.Avg)
	sameValue(t, p+"filler_ignored_latency_p50", r["filler_ignored_latency_p50"], fil.P50)
	sameValue(t, p+"filler_ignored_latency_p90", r["filler_ignored_latency_p90"], fil.P90)
	sameValue(t, p+"filler_ignored_latency_p95", r["filler_ignored_latency_p95"], fil.P95)
	sameValue(t, p+"filler_ignored_latency_p99", r["filler_ignored_latency_p99"], fil.P99)
}

// Each child table has exactly one row per embedded element, with the element's fields.
func TestChildTablesHaveOneRowPerElement(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	quals := []harness.Qual{eq("agent_id", "7"), eq("last", "all")}
	calls := e.srv.Expected("7", "", "all")
	var metrics, tools, events, parts int
	for _, c := range calls {
		for _, ev := range c.Evaluations {
			metrics += len(ev.CustomMetrics)
		}
		tools += len(c.ToolCalls)
		events += len(c.Events)
		parts += len(c.Participants)
	}
	for table, want := range map[string]int{"bluejay_call_custom_metric": metrics, "bluejay_call_tool_call": tools, "bluejay_call_event": events, "bluejay_call_participant": parts} {
		rows := e.mustQuery(table, quals, 0)
		if want == 0 || len(rows) != want {
			t.Errorf("%s: %d rows, want %d (non-zero)", table, len(rows), want)
		}
	}
	// Spot-check the typed columns of one call's elements.
	var c fakeapi.Call
	for _, cand := range calls {
		if len(cand.ToolCalls) > 0 && len(cand.Events) > 0 && len(cand.Evaluations) > 0 && len(cand.Evaluations[0].CustomMetrics) > 0 {
			c = cand
			break
		}
	}
	if c.ID == "" {
		t.Fatal("fake data has no call with tool calls, events and custom metrics")
	}
	one := []harness.Qual{eq("call_id", c.ID)}
	tc := e.mustQuery("bluejay_call_tool_call", one, 0)
	if len(tc) != len(c.ToolCalls) {
		t.Fatalf("tool calls of %s: %d rows, want %d", c.ID, len(tc), len(c.ToolCalls))
	}
	for _, r := range tc {
		want := c.ToolCalls[r["position"].(int64)]
		sameValue(t, "tool name", r["name"], want.Name)
		sameValue(t, "tool start_offset_ms", r["start_offset_ms"], want.StartOffsetMS)
		sameValue(t, "tool description", r["description"], want.Description)
		sameJSON(t, "tool parameters", r["parameters"], want.Parameters)
		sameJSON(t, "tool output", r["output"], want.Output)
	}
	ev := e.mustQuery("bluejay_call_event", one, 0)
	for _, r := range ev {
		want := c.Events[r["position"].(int64)]
		sameValue(t, "event title", r["title"], want.Title)
		sameValue(t, "event end_offset_ms", r["end_offset_ms"], want.EndOffsetMS)
		sameJSON(t, "event tags", r["tags"], want.Tags)
		sameJSON(t, "event metadata", r["metadata"], want.Metadata)
	}
	cm := e.mustQuery("bluejay_call_custom_metric", one, 0)
	wantMetrics := map[string]fakeapi.CustomMetric{}
	for _, evl := range c.Evaluations {
		for i, m := range evl.CustomMetrics {
			wantMetrics[evl.ID+"/"+strconv.Itoa(i)] = m
		}
	}
	if len(cm) != len(wantMetrics) {
		t.Fatalf("custom metrics of %s: %d rows, want %d", c.ID, len(cm), len(wantMetrics))
	}
	for _, r := range cm {
		m := wantMetrics[r["evaluation_id"].(string)+"/"+strconv.FormatInt(r["position"].(int64), 10)]
		sameValue(t, "metric name", r["name"], m.Name)
		sameValue(t, "metric response_value", r["response_value"], m.ResponseValue)
		sameValue(t, "metric min_value", r["min_value"], m.MinValue)
		if f, err := strconv.ParseFloat(m.ResponseValue, 64); err == nil {
			sameValue(t, "metric response_value_number", r["response_value_number"], f)
		} else if r["response_value_number"] != nil {
			t.Errorf("metric value %q is not a number but response_value_number = %v", m.ResponseValue, r["response_value_number"])
		}
	}
	pr := e.mustQuery("bluejay_call_participant", one, 0)
	for _, r := range pr {
		want := c.Participants[r["position"].(int64)]
		sameValue(t, "participant role", r["role"], want.Role)
		sameValue(t, "participant name", r["name"], want.Name)
		sameValue(t, "participant phone_number", r["phone_number"], want.PhoneNumber)
		sameValue(t, "participant spoke_first", r["spoke_first"], want.SpokeFirst)
	}
}

// bluejay_call and bluejay_call_evaluation scanned together (as a join does, at once) cost the
// requests of one scan.
func TestJoinCostsTheRequestsOfOneScan(t *testing.T) {
	e := newEnv(t, fakeapi.Options{Latency: 20 * time.Millisecond}, nil)
	quals := []harness.Qual{eq("agent_id", "42"), eq("last", "all")}
	e.mustQuery("bluejay_call", quals, 0)
	single := len(e.callLogRequests())

	j := newEnv(t, fakeapi.Options{Latency: 20 * time.Millisecond}, nil)
	var wg sync.WaitGroup
	for _, table := range []string{"bluejay_call", "bluejay_call_evaluation", "bluejay_call_tool_call"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j.mustQuery(table, quals, 0)
		}()
	}
	wg.Wait()
	// Postgres may also run the join's sides one after the other.
	j.mustQuery("bluejay_call_participant", quals, 0)
	if joined := len(j.callLogRequests()); joined != single {
		t.Fatalf("four tables for one agent and window sent %d requests; one table sends %d", joined, single)
	}
}

// A lower bound on a time column, with no last, reads the narrowest window that covers it.
func TestTimeBoundChoosesTheWindow(t *testing.T) {
	now := time.Now()
	cases := []struct {
		table, column string
		ago           time.Duration
		want          string
	}{
		{"bluejay_call", "created_at", 2 * 24 * time.Hour, "3days"},
		{"bluejay_call", "start_time_utc", time.Hour, "1day"},
		{"bluejay_call", "created_at", 6 * 24 * time.Hour, "7days"},
		{"bluejay_call", "created_at", 20 * 24 * time.Hour, "30days"},
		{"bluejay_call", "start_time_utc", 60 * 24 * time.Hour, "90days"},
		{"bluejay_call", "created_at", 365 * 24 * time.Hour, "all"},
		{"bluejay_call_evaluation", "call_start_time_utc", 2 * 24 * time.Hour, "3days"},
		{"bluejay_call_tool_call", "call_created_at", 5 * 24 * time.Hour, "7days"},
	}
	for _, c := range cases {
		// A plugin per case: pages of an earlier case with the same window would come from
		// the connection's page memo and send nothing.
		e := newEnv(t, fakeapi.Options{}, nil)
		from := now.Add(-c.ago)
		rows := e.mustQuery(c.table, []harness.Qual{eq("agent_id", "42"), {Column: c.column, Operator: ">", Value: from}}, 0)
		reqs := e.callLogRequests()
		if len(reqs) == 0 || reqs[0].Last != c.want {
			t.Errorf("%s.%s > now-%s: sent last=%v, want %s", c.table, c.column, c.ago, lastsOf(reqs), c.want)
		}
		if c.table == "bluejay_call" {
			// The plugin returns the window's rows; Postgres filters exactly. Every call in the
			// bound must be among them.
			got := map[string]bool{}
			for _, r := range rows {
				got[r["id"].(string)] = true
			}
			for _, call := range e.srv.Expected("42", "", "all") {
				created, _ := parseAPITime(call.CreatedAt)
				if created.After(from) && !got[call.ID] {
					t.Fatalf("%s > now-%s: call %s (created %s) missing", c.column, c.ago, call.ID, created)
				}
			}
		}
	}
	// An explicit last wins over the bound.
	e := newEnv(t, fakeapi.Options{}, nil)
	e.mustQuery("bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "90days"), {Column: "created_at", Operator: ">", Value: now.Add(-time.Hour)}}, 0)
	if reqs := e.callLogRequests(); len(reqs) == 0 || reqs[0].Last != "90days" {
		t.Fatalf("explicit last = 90days lost to the bound: %v", lastsOf(reqs))
	}
}

func lastsOf(reqs []fakeapi.Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Last)
	}
	return out
}

func TestAgentsAreListedWithoutTheirSecrets(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	rows := e.mustQuery("bluejay_agent", nil, 0)
	agents := e.srv.AgentsData()
	if len(rows) != len(agents) {
		t.Fatalf("%d agent rows, want %d", len(rows), len(agents))
	}
	byID := map[string]map[string]any{}
	for _, r := range rows {
		byID[r["id"].(string)] = r
	}
	for _, spec := range fakeapi.DefaultAgents() {
		if _, ok := byID[spec.ID]; !ok {
			t.Errorf("agent %q missing (ids given as numbers must come back as text)", spec.ID)
		}
	}
	for _, r := range rows {
		for col, v := range r {
			if strings.Contains(strings.ToLower(col), "password") || strings.Contains(col, "webhook_key") || strings.Contains(col, "sip_headers") {
				t.Errorf("credential column %s exposed", col)
			}
			_ = v // the env's leak check greps every row for the fake's secret marker
		}
	}
	one := e.mustQuery("bluejay_agent", []harness.Qual{eq("id", "42")}, 0)
	if len(one) != 1 || one[0]["id"] != "42" {
		t.Fatalf("id = '42': %v", one)
	}
	if !strings.Contains(e.logs.String(), "all-agents") {
		t.Log("note: the plugin did not log the all-agents request (trace logs may be off)")
	}
}
