package fdwtest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// joinCase is a join of our tables and the direct scan whose rows it must return.
type joinCase struct {
	name, join, direct string
	// maxPages bounds the join's page requests; 0 means the direct scan's own.
	maxPages int
}

// ownPages is maxPages for a join that must read only the pages its direct scan reads.
const ownPages = -1

var joinCases = []joinCase{
	{
		name:   "call with tool call, quals on the call only",
		join:   "select t.call_id, t.position, t.name from bluejay_call c join bluejay_call_tool_call t on t.call_id = c.id where c.agent_id = '42' and c.last = '7days'",
		direct: "select call_id, position, name from bluejay_call_tool_call where agent_id = '42' and last = '7days'",
		// Each side reads three columns, so the FDW prices the two orders alike and PostgreSQL
		// keeps the first it built: the calls first, read once, then the tool calls by call_id.
		maxPages: ownPages,
	},
	{
		name:   "call with evaluation, quals on both",
		join:   "select e.id, e.call_id, e.hallucination from bluejay_call c join bluejay_call_evaluation e on e.call_id = c.id where c.agent_id = '42' and c.last = '30days' and e.agent_id = '42' and e.last = '30days'",
		direct: "select id, call_id, hallucination from bluejay_call_evaluation where agent_id = '42' and last = '30days'",
	},
	{
		name:     "call with evaluation, quals on the call only",
		join:     "select e.id, e.call_id from bluejay_call c join bluejay_call_evaluation e on e.call_id = c.id where c.agent_id = '42' and c.last = '7days'",
		direct:   "select id, call_id from bluejay_call_evaluation where agent_id = '42' and last = '7days'",
		maxPages: 40,
	},
	{
		name:     "call with evaluation, quals on the evaluation only",
		join:     "select c.id, c.status, e.goal_success from bluejay_call c join bluejay_call_evaluation e on e.call_id = c.id where e.agent_id = '42' and e.last = '7days'",
		direct:   "select call_id, (select status from bluejay_call where id = e.call_id), goal_success from bluejay_call_evaluation e where agent_id = '42' and last = '7days'",
		maxPages: 40,
	},
	{
		// docs/tables/bluejay_call_evaluation.md: joined on id, agent_id and last. The FDW gives a
		// parameterized path only its own column's clauses, and PostgreSQL leaves the join's
		// other clauses to that path: read by agent_id, bluejay_call returned the whole window
		// for each evaluation (2,190 rows for 15).
		name:     "evaluation with call on id, agent and window, quals on the evaluation",
		join:     "select e.call_id, c.start_time_utc, c.recording_url from bluejay_call_evaluation e join bluejay_call c on c.id = e.call_id and c.agent_id = e.agent_id and c.last = e.last where e.agent_id = '42' and e.last = '7days' and e.hallucination",
		direct:   "select call_id, (select start_time_utc from bluejay_call where id = e.call_id), (select recording_url from bluejay_call where id = e.call_id) from bluejay_call_evaluation e where agent_id = '42' and last = '7days' and hallucination",
		maxPages: ownPages,
	},
	{
		name:   "call with participant, quals on both",
		join:   "select p.call_id, p.position, p.role from bluejay_call c join bluejay_call_participant p on p.call_id = c.id where c.agent_id = '42' and c.last = '7days' and p.agent_id = '42' and p.last = '7days'",
		direct: "select call_id, position, role from bluejay_call_participant where agent_id = '42' and last = '7days'",
	},
	{
		name:   "call with event, quals on both",
		join:   "select v.call_id, v.position, v.title from bluejay_call c join bluejay_call_event v on v.call_id = c.id where c.agent_id = '42' and c.last = '7days' and v.agent_id = '42' and v.last = '7days'",
		direct: "select call_id, position, title from bluejay_call_event where agent_id = '42' and last = '7days'",
	},
	{
		name:   "call with custom metric, quals on both",
		join:   "select m.call_id, m.evaluation_id, m.position, m.name from bluejay_call c join bluejay_call_custom_metric m on m.call_id = c.id where c.agent_id = '42' and c.last = '7days' and m.agent_id = '42' and m.last = '7days'",
		direct: "select call_id, evaluation_id, position, name from bluejay_call_custom_metric where agent_id = '42' and last = '7days'",
	},
	{
		name:   "evaluation with custom metric, quals on both",
		join:   "select m.evaluation_id, m.position, m.name from bluejay_call_evaluation e join bluejay_call_custom_metric m on m.call_id = e.call_id and m.evaluation_id = e.id where e.agent_id = '42' and e.last = '7days' and m.agent_id = '42' and m.last = '7days'",
		direct: "select evaluation_id, position, name from bluejay_call_custom_metric where agent_id = '42' and last = '7days'",
	},
	{
		name:   "tool call with agent",
		join:   "select t.call_id, t.position, a.name from bluejay_call_tool_call t join bluejay_agent a on a.id = t.agent_id where t.agent_id = '42' and t.last = '7days'",
		direct: "select t.call_id, t.position, (select name from bluejay_agent where id = '42') from bluejay_call_tool_call t where t.agent_id = '42' and t.last = '7days'",
	},
}

// TestFDWJoinsReturnTheRowsOfTheDirectScan: whatever plan PostgreSQL picks for a join of our
// tables, it returns the rows the constrained side reads directly, and never asks the API for
// a call a scan of the same query has read.
func TestFDWJoinsReturnTheRowsOfTheDirectScan(t *testing.T) {
	env := sharedEnv(t)
	for _, c := range joinCases {
		t.Run(c.name, func(t *testing.T) {
			direct := mark(env)
			want := sortedRows(query(t, session(t, env, false), c.direct).Rows)
			directPages := requestsSince(env, direct).pages()
			s := session(t, env, false)
			m := mark(env)
			start := time.Now()
			got := sortedRows(query(t, s, c.join).Rows)
			took := time.Since(start)
			l := requestsSince(env, m)
			if len(want) == 0 {
				t.Fatal("the direct scan returned no rows: the case proves nothing")
			}
			if !slices.Equal(got, want) {
				t.Fatalf("the join returned %d rows, the direct scan %d\nplan:\n%s", len(got), len(want), explain(t, s, c.join))
			}
			if l.gets() != 0 {
				t.Errorf("the join sent %d gets for calls its scans had read", l.gets())
			}
			t.Logf("%d rows, %d page requests, %d requests in all, %s", len(got), l.pages(), len(l), took.Round(time.Millisecond))
			if c.maxPages > 0 && l.pages() > c.maxPages {
				t.Errorf("the join sent %d page requests, want at most %d", l.pages(), c.maxPages)
			}
			if c.maxPages == ownPages && l.pages() != directPages {
				t.Errorf("the join sent %d page requests, want the direct scan's %d\nplan:\n%s", l.pages(), directPages, explain(t, s, c.join))
			}
		})
	}
}

// TestFDWThirtyDayJoinCostsItsScansPages: the join the docs show, quals on both sides, reads
// each page once, sends no get, whichever side PostgreSQL scans first.
func TestFDWThirtyDayJoinCostsItsScansPages(t *testing.T) {
	env := sharedEnv(t)
	pages := pagesFor(len(env.API.Expected("42", "", "30days")))
	s := session(t, env, false)
	m := mark(env)
	query(t, s, joinCases[1].join)
	l := requestsSince(env, m)
	if l.pages() != pages || l.gets() != 0 || len(l) != pages {
		t.Fatalf("%d page requests and %d gets (%d in all), want the scan's own %d pages and no get", l.pages(), l.gets(), len(l), pages)
	}
}

func sortedRows(rows [][]string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.Join(r, "|")
	}
	slices.Sort(out)
	return out
}

// TestFDWOneSidedJoinReadsTheCallsFirst: the join of docs/joins.md with quals on the call only
// scans bluejay_call once, with its quals, and then the tool calls once per call, by call_id.
// On the FDW's prices both orders tie (three columns each side, 200 rows for either inner path)
// and PostgreSQL keeps the first table of the from list; with id not a key column of
// bluejay_call, the calls were the cheaper inner side and PostgreSQL scanned every tool call of
// the account first, then looked each up: 4,357 inner scans.
func TestFDWOneSidedJoinReadsTheCallsFirst(t *testing.T) {
	env := sharedEnv(t)
	calls := len(env.API.Expected("42", "", "7days"))
	plan := query(t, session(t, env, false), "explain (analyze, costs off, timing off, summary off) "+joinCases[0].join)
	var lines []string
	for _, row := range plan.Rows {
		lines = append(lines, strings.TrimSpace(row[0]))
	}
	t.Logf("plan:\n%s", strings.Join(lines, "\n"))
	var scans []string
	for _, l := range lines {
		if strings.HasPrefix(l, "->  Foreign Scan") {
			scans = append(scans, l)
		}
	}
	outer := fmt.Sprintf("->  Foreign Scan on bluejay_call c (actual rows=%d loops=1)", calls)
	inner := fmt.Sprintf("loops=%d)", calls)
	if len(scans) != 2 || scans[0] != outer || !strings.HasPrefix(scans[1], "->  Foreign Scan on bluejay_call_tool_call t ") || !strings.HasSuffix(scans[1], inner) {
		t.Fatalf("want %q, then the tool calls' scan with %s: the calls first, then the tool calls of each", outer, inner)
	}
}
