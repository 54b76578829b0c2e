package fdwtest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
)

// agent_id = any(array) in each form a user may write it, through the FDW. The FDW evaluates a
// qual's value when the scan begins; PostgreSQL computes an uncorrelated sub-select (an init
// plan) only when it is first read, later, so the FDW sends an array sub-select as an empty list
// (third_party/README.md, 0300), and a scalar one as '?'. Every form either returns exactly the
// named agents' rows, reading only their pages (or, for a join filter, every listed agent's), or
// fails before any request saying what to write instead: never no rows for a list that has
// agents in it.

// arrayCase is one form: its rows (agent and count, or an error) and the agents it may read.
type arrayCase struct {
	name, sql string
	// agents are the agents whose rows come back, and whose pages alone are read.
	agents []string
	// missing are agents read once, answered 404, and left out.
	missing []string
	// everyAgent says the scan reads every agent the account lists (PostgreSQL keeps the rows
	// of agents).
	everyAgent bool
	// err, when set, is what the error says; no request is sent.
	err string
}

const arrayCounts = `select agent_id, count(*) from bluejay_call c where c.last = '7days' and %s group by 1 order by 1`

func arrayCases() []arrayCase {
	form := func(cond string) string { return fmt.Sprintf(arrayCounts, cond) }
	const emptyList = "agent_id = any(...) was given an empty list"
	return []arrayCase{
		{name: "literal", sql: form(`agent_id = any('{42,support-bot}'::text[])`), agents: []string{"42", "support-bot"}},
		{name: "array constructor", sql: form(`agent_id = any(array['42', 'support-bot'])`), agents: []string{"42", "support-bot"}},
		{name: "with a NULL", sql: form(`agent_id = any('{42,NULL}'::text[])`), agents: []string{"42"}},
		{name: "with a duplicate", sql: form(`agent_id = any('{42,42,support-bot}'::text[])`), agents: []string{"42", "support-bot"}},
		{name: "prepared, custom plan", agents: []string{"42", "support-bot"},
			sql: "prepare by_custom(text[]) as " + form("agent_id = any($1)") + "; execute by_custom('{42,support-bot}')"},
		{name: "prepared, generic plan", agents: []string{"42", "support-bot"},
			sql: "set plan_cache_mode = force_generic_plan; prepare by_generic(text[]) as " + form("agent_id = any($1)") +
				"; execute by_generic('{42,support-bot}')"},
		// The FDW makes a parameterized path only for an equality join (an equivalence class), so
		// `= any(o.ids)` is a join filter over one scan without agent_id.
		{name: "joined with the owners' array", agents: []string{"42", "support-bot"}, everyAgent: true,
			sql: `select c.agent_id, count(*) from (select array_agg(agent_id) as ids from agent_owner) o
join bluejay_call c on c.agent_id = any(o.ids) where c.last = '7days' group by 1 order by 1`},
		{name: "sub-select", sql: form(`agent_id = any(array(select agent_id from agent_owner))`), err: emptyList},
		{name: "empty", sql: form(`agent_id = any('{}'::text[])`), err: emptyList},
		// A scalar sub-select reaches the plugin as '?' (the FDW's text of a zero datum).
		{name: "scalar sub-select", sql: form(`agent_id = (select agent_id from agent_owner where team = 'voice')`),
			err: "agent_id = '?' is what Steampipe's Postgres FDW sends for a value it has not computed yet"},
	}
}

// TestFDWAgentArrays runs each form on a fresh session (an empty memo) with the owners table.
func TestFDWAgentArrays(t *testing.T) {
	env := sharedEnv(t)
	for _, c := range arrayCases() {
		t.Run(c.name, func(t *testing.T) {
			s := session(t, env, false)
			query(t, s, ownersSQL)
			m := mark(env)
			r, err := s.Query(context.Background(), c.sql)
			l := requestsSince(env, m)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got rows %v and error %v; want an error saying %q", rowsOf(r), err, c.err)
				}
				if len(l) != 0 {
					t.Errorf("%d requests sent before the error", len(l))
				}
				return
			}
			if err != nil {
				t.Fatalf("%s\n%v", c.sql, err)
			}
			var want [][]string
			wantPages := map[string]int{}
			for _, a := range c.agents {
				n := len(env.API.Expected(a, "", "7days"))
				want = append(want, []string{a, strconv.Itoa(n)})
				wantPages[a] = pagesFor(n)
			}
			for _, a := range c.missing {
				wantPages[a] = 1
			}
			if c.everyAgent {
				for _, a := range env.API.AgentsData() {
					wantPages[a.ID.Value] = pagesFor(len(env.API.Expected(a.ID.Value, "", "7days")))
				}
			}
			if fmt.Sprint(r.Rows) != fmt.Sprint(want) {
				t.Fatalf("got %v, want %v\nplan:\n%s", r.Rows, want, explain(t, s, lastStatement(c.sql)))
			}
			if pages := l.pagesByAgent(); fmt.Sprint(pages) != fmt.Sprint(wantPages) || len(l) != l.pages()+l.agentLists() {
				t.Fatalf("page requests by agent %v, %d requests in all; want %v and nothing else", pages, len(l), wantPages)
			}
		})
	}
}

// lastStatement is the statement of sql whose rows the case checks.
func lastStatement(sql string) string {
	parts := strings.Split(sql, "; ")
	return parts[len(parts)-1]
}

// rowsOf is a result's rows, or nil for a failed query.
func rowsOf(r *pgfdw.Result) [][]string {
	if r == nil {
		return nil
	}
	return r.Rows
}

// TestFDWCallIDFromAScalarSubSelectIsRefused: a scalar sub-select reaches the plugin as '?' for
// a call id too, by `id` (the get) or by a child table's `call_id`; read, it would be a 404 and
// no row, silently. It fails before any request, saying what to write instead.
func TestFDWCallIDFromAScalarSubSelectIsRefused(t *testing.T) {
	env := sharedEnv(t)
	const sub = `(select min(x) from (values ('call-1')) v(x))`
	for _, sql := range []string{
		`select id from bluejay_call where id = ` + sub,
		`select call_id from bluejay_call_tool_call where call_id = ` + sub,
	} {
		t.Run(sql, func(t *testing.T) {
			s := session(t, env, false)
			m := mark(env)
			r, err := s.Query(context.Background(), sql)
			const want = "a call id of '?' is what Steampipe's Postgres FDW sends for a value it has not computed yet"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("got rows %v and error %v; want an error saying %q", rowsOf(r), err, want)
			}
			if l := requestsSince(env, m); len(l) != 0 {
				t.Fatalf("sent %d requests, want none: %v", len(l), l)
			}
		})
	}
}
