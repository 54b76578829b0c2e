package fdwtest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
)

// Joins with the user's own data, and several organisations in one session.

// deletedAgent is an agent id the shared fake answers with a 404 "Agent not found": an agent
// the account no longer has.
const deletedAgent = "a-999"

// ownersSQL is a local table of which team owns which agent, one of them deleted.
const ownersSQL = `create temp table agent_owner (agent_id text primary key, team text not null);
insert into agent_owner values ('42', 'voice'), ('support-bot', 'chat'), ('` + deletedAgent + `', 'legacy');`

// ownerJoinSQL counts each team's calls of the last 7 days.
const ownerJoinSQL = `select o.team, c.agent_id, count(*) from agent_owner o join bluejay_call c on c.agent_id = o.agent_id
where c.last = '7days' group by o.team, c.agent_id order by o.team`

// TestFDWOwnerJoinLeavesOutADeletedAgent: PostgreSQL reads bluejay_call once per owner row, with
// that row's agent_id; the deleted agent's scan is no rows (a 404, once), the others' are exact,
// and no other agent is read.
func TestFDWOwnerJoinLeavesOutADeletedAgent(t *testing.T) {
	env := sharedEnv(t)
	env.API.DeleteAgent(deletedAgent)
	s := session(t, env, false)
	query(t, s, ownersSQL)
	m := mark(env)
	got := query(t, s, ownerJoinSQL).Rows
	l := requestsSince(env, m)
	want := [][]string{
		{"chat", "support-bot", strconv.Itoa(len(env.API.Expected("support-bot", "", "7days")))},
		{"voice", "42", strconv.Itoa(len(env.API.Expected("42", "", "7days")))},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v\nplan:\n%s", got, want, explain(t, s, ownerJoinSQL))
	}
	wantPages := map[string]int{
		"42":          pagesFor(len(env.API.Expected("42", "", "7days"))),
		"support-bot": pagesFor(len(env.API.Expected("support-bot", "", "7days"))),
		deletedAgent:  1,
	}
	if pages := l.pagesByAgent(); fmt.Sprint(pages) != fmt.Sprint(wantPages) || len(l) != l.pages() {
		t.Fatalf("page requests by agent %v and %d requests in all; want %v and nothing else", pages, len(l), wantPages)
	}
	if n := l.withStatus(404); n != 1 {
		t.Fatalf("%d requests answered 404, want the deleted agent's one", n)
	}
}

// pagesByAgent counts the page requests of each agent.
func (l requestLog) pagesByAgent() map[string]int {
	out := map[string]int{}
	for _, r := range l {
		if r.AgentID != "" {
			out[r.AgentID]++
		}
	}
	return out
}

func (l requestLog) withStatus(status int) int {
	n := 0
	for _, r := range l {
		if r.Status == status {
			n++
		}
	}
	return n
}

// The second organisation of the shared database: its own fake API, key and data, with an
// agent 42 of its own (other calls than the first organisation's 42), and one request at a
// time.
const (
	staging    = "bluejay_staging"
	stagingKey = "staging-key-of-the-second-organisation"
)

var (
	stagingOnce sync.Once
	stagingAPI  *fakeapi.Server
	stagingErr  error
)

func stagingEnv(t testing.TB) (*pgfdw.Env, *fakeapi.Server) {
	t.Helper()
	env := sharedEnv(t)
	stagingOnce.Do(func() {
		stagingAPI, stagingErr = env.AddConnection(context.Background(), staging, pgfdw.EnvOptions{
			API: fakeapi.Options{APIKey: stagingKey, Seed: 2, Now: func() time.Time { return now },
				Agents: []fakeapi.AgentSpec{{ID: "42", Calls: 260}, {ID: "s-1", Calls: 40}}},
			Config: map[string]any{"max_concurrency": 1},
		})
	})
	if stagingErr != nil {
		t.Fatal(stagingErr)
	}
	return env, stagingAPI
}

// TestFDWTwoOrganisationsInOneSession: two foreign servers with different keys and base URLs,
// queried in one session and in one statement, never share what they read (the memo), their
// request budget, their key or their base URL: agent 42 of each organisation has its own calls,
// each fake API sees only requests with its own key, and the second's max_concurrency = 1
// holds while the first reads 8 pages at once.
func TestFDWTwoOrganisationsInOneSession(t *testing.T) {
	env, stg := stagingEnv(t)
	s := session(t, env, false)
	// With a latency, a connection that may have 8 requests in flight does have several: the
	// fake counts those it is handling at once.
	env.API.SetLatency(20 * time.Millisecond)
	defer env.API.SetLatency(0)
	prodMark, stgMark := mark(env), len(stg.Requests())
	const perOrg = `select sp_connection_name, agent_id, count(*) from %s.bluejay_call where last = 'all' and agent_id = '42' group by 1, 2`
	sql := fmt.Sprintf(perOrg, pgfdw.Connection) + " union all " + fmt.Sprintf(perOrg, staging) + " order by 1"
	got := query(t, s, sql).Rows
	want := [][]string{
		{pgfdw.Connection, "42", strconv.Itoa(len(env.API.Expected("42", "", "all")))},
		{staging, "42", strconv.Itoa(len(stg.Expected("42", "", "all")))},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	prod, stgReqs := requestsSince(env, prodMark), requestLog(stg.Requests()[stgMark:])
	for name, l := range map[string]requestLog{"the first organisation's": prod, "the second's": stgReqs} {
		if slices.ContainsFunc(l, func(r fakeapi.Request) bool { return !r.KeyValid }) {
			t.Errorf("%s fake API got a request without its own key", name)
		}
	}
	if prod.pages() != pagesFor(len(env.API.Expected("42", "", "all"))) || stgReqs.pages() != pagesFor(len(stg.Expected("42", "", "all"))) {
		t.Errorf("%d and %d page requests; want each organisation's own pages once", prod.pages(), stgReqs.pages())
	}
	// A join across the two organisations' schemas: the agents both have, each side its own.
	const across = `select p.agent_id, p.calls, s.calls from
  (select agent_id, count(*) as calls from bluejay.bluejay_call where last = '30days' group by agent_id) p
  join (select agent_id, count(*) as calls from bluejay_staging.bluejay_call where last = '30days' group by agent_id) s using (agent_id)`
	wantJoin := [][]string{{"42", strconv.Itoa(len(env.API.Expected("42", "", "30days"))), strconv.Itoa(len(stg.Expected("42", "", "30days")))}}
	if got := query(t, s, across).Rows; fmt.Sprint(got) != fmt.Sprint(wantJoin) {
		t.Fatalf("the join across organisations: got %v, want %v", got, wantJoin)
	}
	if peak := maxInFlight(stgReqs); peak != 1 {
		t.Errorf("the second organisation had %d requests in flight, its max_concurrency is 1", peak)
	}
	if peak := maxInFlight(prod); peak < 2 {
		t.Errorf("the first organisation had at most %d request in flight: the second's budget held it back", peak)
	}
}

func maxInFlight(l requestLog) int {
	peak := 0
	for _, r := range l {
		peak = max(peak, r.InFlight)
	}
	return peak
}

// The owner join at scale: 50 agents in the user's table, one of them deleted, at 50 ms a
// request. "join" is the plain join, which PostgreSQL runs as a nested loop: one inner scan per
// owner row, one after the other, each waiting for its own pages. "join-no-nestloop" is the same
// query with enable_nestloop off, which PostgreSQL still runs as a nested loop: the FDW costs a
// scan without the parameter higher than the planner's penalty for a disabled nested loop.
// "array-join" hands the owners to one scan as an array (`= any(o.ids)`); the FDW makes no
// parameterized path for it, so the scan runs once without agent_id and reads every agent the
// account lists, at once, and PostgreSQL keeps the owners' rows. "alone" reads the 49 existing
// agents with an IN list. Each reports its time against the bound of reading those agents
// alone, ceil(pages / max_concurrency) round trips of the latency (a lower bound, so the ratio
// is a ceiling), its time over "alone"'s in the same run, and its requests.
const (
	fleetAgents = 50
	fleetCalls  = 200
	ownerJoin   = `select o.team, c.agent_id, count(*) from agent_owner o join bluejay_call c on c.agent_id = o.agent_id
where c.last = 'all' group by o.team, c.agent_id`
	ownerArrayJoin = `with calls as materialized (
  select c.agent_id, count(*) as calls
  from (select array_agg(agent_id) as ids from agent_owner) l join bluejay_call c on c.agent_id = any(l.ids)
  where c.last = 'all' group by c.agent_id)
select o.team, calls.agent_id, calls.calls from calls join agent_owner o using (agent_id)`
)

// fleetEnv is an account of fleetAgents agents of fleetCalls calls each, the last one deleted.
func fleetEnv(b *testing.B) (*pgfdw.Env, []string) {
	b.Helper()
	skipOrFail(b, pgfdw.Installed())
	specs := make([]fakeapi.AgentSpec, fleetAgents)
	ids := make([]string, fleetAgents)
	for i := range specs {
		ids[i] = fmt.Sprintf("fleet-%03d", i+1)
		specs[i] = fakeapi.AgentSpec{ID: ids[i], Calls: fleetCalls}
	}
	env, err := pgfdw.StartEnv(context.Background(), pgfdw.EnvOptions{API: fakeapi.Options{Agents: specs, Latency: manyAgentsLatency, Now: func() time.Time { return now }}})
	skipOrFail(b, err)
	b.Cleanup(env.Close)
	for _, id := range ids {
		env.API.Warm(id)
	}
	env.API.DeleteAgent(ids[fleetAgents-1])
	return env, ids
}

func BenchmarkFDWOwnerJoin(b *testing.B) {
	env, ids := fleetEnv(b)
	existing := ids[:fleetAgents-1]
	var values []string
	for i, id := range ids {
		values = append(values, fmt.Sprintf("('%s', 'team-%d')", id, i%5))
	}
	setup := "create temp table agent_owner (agent_id text primary key, team text not null); insert into agent_owner values " + strings.Join(values, ", ")
	pages := len(existing) * pagesFor(fleetCalls)
	bound := time.Duration((pages+7)/8) * manyAgentsLatency
	forms := []struct{ name, sql string }{
		{"alone", "select 'team', agent_id, count(*) from bluejay_call where last = 'all' and agent_id in ('" + strings.Join(existing, "', '") + "') group by agent_id"},
		{"join", ownerJoin},
		{"join-no-nestloop", "set enable_nestloop = off; " + ownerJoin},
		{"array-join", ownerArrayJoin},
	}
	took, requests := map[string]time.Duration{}, map[string]int{}
	for i := range b.N {
		for _, f := range forms {
			d, n := timedFleetQuery(b, env, setup, f.sql, existing, i == 0)
			took[f.name] += d
			requests[f.name] += n
		}
	}
	for _, f := range forms {
		b.ReportMetric(float64(took[f.name])/float64(b.N)/float64(bound), f.name+"-x-bound")
		b.ReportMetric(float64(requests[f.name])/float64(b.N), f.name+"-requests")
		if f.name != "alone" {
			b.ReportMetric(float64(took[f.name])/float64(took["alone"]), f.name+"-x-alone")
		}
	}
}

// timedFleetQuery runs sql in a fresh started session with the owners table, checks its rows
// and returns how long it took and how many requests it sent; withPlan logs its plan, as
// EXPLAIN (ANALYZE) ran it in another fresh session.
func timedFleetQuery(b *testing.B, env *pgfdw.Env, setup, sql string, existing []string, withPlan bool) (time.Duration, int) {
	b.StopTimer()
	defer b.StartTimer()
	s := startedSession(b, env, false)
	defer s.Close()
	query(b, s, setup)
	m := mark(env)
	start := time.Now()
	rows := query(b, s, sql).Rows
	took := time.Since(start)
	n := len(requestsSince(env, m))
	checkFleetRows(b, rows, existing)
	if withPlan {
		b.Logf("%s\n%s", sql, analyzed(b, env, setup, sql))
	}
	return took, n
}

// analyzed is EXPLAIN (ANALYZE) of the last statement of sql, run after the others in a fresh
// session: the plan and the loops and time of each node.
func analyzed(b *testing.B, env *pgfdw.Env, setup, sql string) string {
	s := startedSession(b, env, false)
	defer s.Close()
	query(b, s, setup)
	stmts := strings.Split(sql, "; ")
	for _, st := range stmts[:len(stmts)-1] {
		query(b, s, st)
	}
	var out strings.Builder
	for _, row := range query(b, s, "explain (analyze, costs off, timing on) "+stmts[len(stmts)-1]).Rows {
		out.WriteString(row[0] + "\n")
	}
	return out.String()
}

// checkFleetRows: one row per existing agent, with every one of its calls; none for the deleted.
func checkFleetRows(b *testing.B, rows [][]string, existing []string) {
	b.Helper()
	var got []string
	for _, r := range rows {
		if r[2] != strconv.Itoa(fleetCalls) {
			b.Fatalf("agent %s: %s calls, want %d", r[1], r[2], fleetCalls)
		}
		got = append(got, r[1])
	}
	slices.Sort(got)
	if !slices.Equal(got, existing) {
		b.Fatalf("%d agents in the result, want the %d existing ones", len(got), len(existing))
	}
}
