package fdwtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// pagesFor is how many full pages a scan of n calls reads.
func pagesFor(n int) int { return max(1, (n+api.MaxPageSize-1)/api.MaxPageSize) }

func TestFDWLimitAsksForOnePageOfThatSize(t *testing.T) {
	env := sharedEnv(t)
	s := session(t, env, false)
	m := mark(env)
	r := query(t, s, "select id from bluejay_call where agent_id = '42' and last = 'all' limit 5")
	l := requestsSince(env, m)
	if len(r.Rows) != 5 || l.pages() != 1 || len(l) != 1 || l[0].PageSize != 5 {
		t.Fatalf("limit 5: %d rows, requests %+v; want 5 rows from one page of 5", len(r.Rows), l)
	}
}

func TestFDWFullScanReadsEveryCallOnce(t *testing.T) {
	env := sharedEnv(t)
	want := len(env.API.Expected("42", "", "all"))
	s := session(t, env, false)
	m := mark(env)
	r := query(t, s, "select count(*), count(distinct id) from bluejay_call where agent_id = '42' and last = 'all'")
	l := requestsSince(env, m)
	if r.Rows[0][0] != fmt.Sprint(want) || r.Rows[0][1] != fmt.Sprint(want) {
		t.Fatalf("count, distinct = %v, want %d both", r.Rows[0], want)
	}
	if l.pages() != pagesFor(want) || len(l) != l.pages() {
		t.Fatalf("%d page requests of %d, want %d", l.pages(), len(l), pagesFor(want))
	}
}

func TestFDWGetByIDSendsOneGet(t *testing.T) {
	env := sharedEnv(t)
	call := env.API.Expected("42", "", "all")[42]
	s := session(t, env, false)
	m := mark(env)
	r := query(t, s, fmt.Sprintf("select id, agent_id, status from bluejay_call where id = '%s'", call.ID))
	l := requestsSince(env, m)
	if len(r.Rows) != 1 || r.Rows[0][0] != call.ID || r.Rows[0][1] != "42" || r.Rows[0][2] != call.Status {
		t.Fatalf("got %v, want call %s of agent 42, %s", r.Rows, call.ID, call.Status)
	}
	if l.gets() != 1 || len(l) != 1 {
		t.Fatalf("requests %+v, want one get", l)
	}
}

func TestFDWAgentInReadsEachAgent(t *testing.T) {
	env := sharedEnv(t)
	n42, n7 := len(env.API.Expected("42", "", "7days")), len(env.API.Expected("7", "", "7days"))
	s := session(t, env, false)
	m := mark(env)
	r := query(t, s, "select agent_id, count(*) from bluejay_call where agent_id in ('42', '7') and last = '7days' group by agent_id order by agent_id")
	l := requestsSince(env, m)
	want := [][]string{{"42", fmt.Sprint(n42)}, {"7", fmt.Sprint(n7)}}
	if fmt.Sprint(r.Rows) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", r.Rows, want)
	}
	if l.pages() != pagesFor(n42)+pagesFor(n7) || len(l) != l.pages() {
		t.Fatalf("%d page requests of %d, want %d", l.pages(), len(l), pagesFor(n42)+pagesFor(n7))
	}
}

func TestFDWTimeBoundReadsTheNarrowestWindowThatCoversIt(t *testing.T) {
	env := sharedEnv(t)
	from := now.Add(-48 * time.Hour)
	want := 0
	for _, c := range env.API.Expected("42", "", "3days") {
		if at, err := api.ParseTime(c.CreatedAt); err == nil && at.After(from) {
			want++
		}
	}
	s := session(t, env, false)
	m := mark(env)
	got := count(t, s, fmt.Sprintf("select count(*) from bluejay_call where agent_id = '42' and created_at > '%s'", from.Format(time.RFC3339Nano)))
	l := requestsSince(env, m)
	if got != want || want == 0 {
		t.Fatalf("calls of the last 2 days: %d, want %d", got, want)
	}
	for _, r := range l {
		if r.Last != "3days" {
			t.Fatalf("a bound 2 days back read last=%s, want 3days", r.Last)
		}
	}
}

// SDK fix 0207: a row carries sp_ctx and _ctx only when the query names them. Through the FDW a
// query that names them gets the connection in both on every row, and one that names no column
// at all (count(*)) still counts every call: the FDW ends a scan at a row with no column.
func TestFDWContextColumnsWhenNamed(t *testing.T) {
	env := sharedEnv(t)
	want := len(env.API.Expected("42", "", "all"))
	s := session(t, env, false)
	r := query(t, s, "select count(*), count(sp_ctx), count(_ctx), count(*) filter (where sp_ctx->>'connection_name' = sp_connection_name and _ctx->>'connection_name' = sp_connection_name and sp_connection_name <> '') from bluejay_call where agent_id = '42' and last = 'all'")
	for i, v := range r.Rows[0] {
		if v != fmt.Sprint(want) {
			t.Fatalf("count(*), count(sp_ctx), count(_ctx), rows whose context names their connection = %v; want %d each (column %d)", r.Rows[0], want, i)
		}
	}
	if n := count(t, s, "select count(*) from bluejay_call where agent_id = '42' and last = 'all'"); n != want {
		t.Fatalf("count(*) = %d, want %d", n, want)
	}
}
