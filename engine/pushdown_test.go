package engine

import (
	"slices"
	"sort"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

func TestEqualityQualsReachTheAPI(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	res := f.query(`select id, agent_id, label, last from bluejay_call
		where agent_id = '7' and label = 'staging' and last = '30days'`)

	want := f.srv.Expected("7", "staging", "30days")
	if len(want) == 0 || len(res.Rows) != len(want) {
		t.Fatalf("got %d rows, the API has %d", len(res.Rows), len(want))
	}
	for _, row := range res.Rows {
		if row[1] != "7" || row[2] != "staging" || row[3] != "30days" {
			t.Fatalf("row %v does not carry its filters", row)
		}
	}
	scan := f.onlyScan("bluejay_call")
	for _, q := range []string{"agent_id = '7'", "label = 'staging'", "last = '30days'"} {
		if !hasQual(scan, q) {
			t.Errorf("qual %s not pushed: %v", q, scan.Quals)
		}
	}
	reqs := f.callLogRequests()
	if len(reqs) == 0 {
		t.Fatal("no call-log request")
	}
	for _, r := range reqs {
		if r.AgentID != "7" || r.Label != "staging" || r.Last != "30days" || r.PageSize != 100 {
			t.Errorf("request %s %v: want agent 7, label staging, last 30days, page_size 100", r.Path, r.Query)
		}
	}
	if n := len(f.requests("/v1/all-agents")); n != 0 {
		t.Errorf("%d /v1/all-agents requests: the agent was given", n)
	}
}

func TestINListIsOneQual(t *testing.T) {
	for name, query := range map[string]func(f *fixture) *Result{
		"literals": func(f *fixture) *Result {
			return f.query(`select agent_id, count(*) from bluejay_call where agent_id in ('42', '7') and last = '3days' group by agent_id order by agent_id`)
		},
		"parameters": func(f *fixture) *Result {
			return f.query(`select agent_id, count(*) from bluejay_call where agent_id in (?, ?) and last = ? group by agent_id order by agent_id`, "42", "7", "3days")
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, fakeapi.Options{}, "")
			res := query(f)
			scan := f.onlyScan("bluejay_call")
			if !hasQual(scan, "agent_id in ('42', '7')") {
				t.Fatalf("want one list qual, got %v", scan.Quals)
			}
			agents := map[string]bool{}
			for _, r := range f.callLogRequests() {
				agents[r.AgentID] = true
				if r.Last != "3days" {
					t.Errorf("request %s sent last=%q", r.Path, r.Last)
				}
			}
			if len(agents) != 2 || !agents["42"] || !agents["7"] {
				t.Errorf("requests went to agents %v, want 42 and 7", agents)
			}
			want := [][]any{{"42", int64(len(f.srv.Expected("42", "", "3days")))}, {"7", int64(len(f.srv.Expected("7", "", "3days")))}}
			if !slices.EqualFunc(res.Rows, want, slices.Equal) {
				t.Errorf("got %v, want %v", res.Rows, want)
			}
		})
	}
}

func TestLimitPushedWhenNothingIsLeftToSQLite(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	all := f.srv.Expected("42", "", "all")

	res := f.query(`select id from bluejay_call where agent_id = '42' and last = 'all' limit 5`)
	if got := f.onlyScan("bluejay_call").Limit; got != 5 {
		t.Errorf("limit sent %d, want 5", got)
	}
	reqs := f.callLogRequests()
	if len(reqs) != 1 || reqs[0].PageSize != 5 || reqs[0].Page != 1 {
		t.Errorf("want one request for page 1 with page_size=5, got %+v", reqs)
	}
	assertIDsAmong(t, res, 5, all[:5])

	res = f.query(`select id from bluejay_call where agent_id = '42' and last = 'all' limit 2 offset 3`)
	if got := f.onlyScan("bluejay_call").Limit; got != 5 {
		t.Errorf("limit sent %d for limit 2 offset 3, want 5 (SQLite skips the first 3)", got)
	}
	assertIDsAmong(t, res, 2, all[:5])
}

// assertIDsAmong checks the result has n distinct ids, all from the first page the API serves.
// Their order is the SDK's: it builds rows concurrently, so a scan without ORDER BY may come
// back in any order, as in SQL.
func assertIDsAmong(t *testing.T, res *Result, n int, page []fakeapi.Call) {
	t.Helper()
	got := map[any]bool{}
	for _, id := range column(res, "id") {
		got[id] = true
	}
	if len(res.Rows) != n || len(got) != n {
		t.Fatalf("got %d rows (%d distinct), want %d", len(res.Rows), len(got), n)
	}
	for id := range got {
		if !slices.ContainsFunc(page, func(c fakeapi.Call) bool { return c.ID == id }) {
			t.Errorf("id %v is not on the API's first page", id)
		}
	}
}

// With ORDER BY the plugin would return its first rows, not the top ones: the limit must stay
// with SQLite, and the answer is the true maximum.
func TestLimitNotPushedWithOrderBy(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	res := f.query(`select id, duration_ms from bluejay_call where agent_id = '42' and last = 'all' order by duration_ms desc limit 1`)
	if got := f.onlyScan("bluejay_call").Limit; got != -1 {
		t.Errorf("limit %d pushed under ORDER BY", got)
	}
	var longest int64 = -1
	for _, c := range f.srv.Expected("42", "", "all") {
		if c.DurationMS != nil && *c.DurationMS > longest {
			longest = *c.DurationMS
		}
	}
	if len(res.Rows) != 1 || res.Rows[0][1] != longest {
		t.Fatalf("got %v, want the longest call, %d ms", res.Rows, longest)
	}
	for _, r := range f.callLogRequests() {
		if r.PageSize != 100 {
			t.Errorf("request %v: page_size %d, want full pages", r.Query, r.PageSize)
		}
	}
}

// A filter the plugin cannot apply (a non-key column, a function, a time bound it only uses
// to pick a window) keeps the limit in SQLite, so the rows are the first that match.
func TestLimitNotPushedPastFiltersThePluginCannotApply(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	for _, sql := range []string{
		`select id, duration_ms from bluejay_call where agent_id = '42' and last = 'all' and duration_ms > 600000 limit 3`,
		`select id, duration_ms from bluejay_call where agent_id = '42' and last = 'all' and json_extract(participants, '$[1].role') = 'USER' limit 3`,
		`select id, duration_ms from bluejay_call where agent_id = '42' and last = 'all' and start_time_utc >= '2026-09-01' limit 3`,
		`select id, duration_ms from bluejay_call where agent_id = '42' and last = 'all' and status like 'COMP%' limit 3`,
	} {
		res := f.query(sql)
		if got := f.onlyScan("bluejay_call").Limit; got != -1 {
			t.Errorf("%s\n-> limit %d pushed", sql, got)
		}
		if len(res.Rows) != 3 {
			t.Errorf("%s\n-> %d rows, want 3", sql, len(res.Rows))
		}
	}
}

// A lower time bound is sent as a qual (the plugin picks the API window from it) and SQLite
// still applies it.
func TestTimeBoundIsPushedAndRechecked(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	res := f.query(`select id, start_time_utc from bluejay_call where agent_id = '7' and start_time_utc >= '2026-11-20'`)
	if scan := f.onlyScan("bluejay_call"); !hasQual(scan, "start_time_utc >= '2026-11-20T00:00:00Z'") {
		t.Fatalf("time bound not pushed: %v", scan.Quals)
	}
	want := 0
	for _, c := range f.srv.Expected("7", "", "all") {
		if formatTime(mustTime(t, c.StartTimeUTC)) >= "2026-11-20" {
			want++
		}
	}
	if want == 0 || len(res.Rows) != want {
		t.Errorf("got %d calls since 2026-11-20, want %d", len(res.Rows), want)
	}
	for _, r := range f.callLogRequests() {
		if r.Last == "1day" {
			t.Errorf("window %s does not cover the bound", r.Last)
		}
	}
}

func TestGetByID(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	call := f.srv.Expected("42", "", "all")[10]
	res := f.query(`select id, agent_id from bluejay_call where id = ?`, call.ID)
	if len(res.Rows) != 1 || res.Rows[0][0] != call.ID || res.Rows[0][1] != "42" {
		t.Fatalf("got %v, want call %s", res.Rows, call.ID)
	}
	reqs := f.srv.Requests()
	if len(reqs) != 1 || reqs[0].CallID != call.ID {
		t.Errorf("want one GET of the call, got %+v", reqs)
	}
}

func TestJoinOfTwoPluginTables(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	res := f.query(`select c.id, count(e.id) as evaluations
		from bluejay_call c
		join bluejay_call_evaluation e on e.call_id = c.id
		where c.agent_id = '7' and c.last = '3days'
		group by c.id`)
	want := map[string]int64{}
	for _, c := range f.srv.Expected("7", "", "3days") {
		if len(c.Evaluations) > 0 {
			want[c.ID] = int64(len(c.Evaluations))
		}
	}
	got := map[string]int64{}
	for _, row := range res.Rows {
		got[row[0].(string)] = row[1].(int64)
	}
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("got %d calls with evaluations, want %d", len(got), len(want))
	}
	for id, n := range want {
		if got[id] != n {
			t.Errorf("call %s: %d evaluations, want %d", id, got[id], n)
		}
	}
	// SQLite drives the join from the narrowed side and looks each call up by call_id.
	if scan := f.onlyScan("bluejay_call"); !hasQual(scan, "agent_id = '7'") {
		t.Errorf("outer scan quals %v", scan.Quals)
	}
	for _, s := range f.scansOf("bluejay_call_evaluation") {
		if len(s.Quals) != 1 || s.Quals[0][:len("call_id = ")] != "call_id = " {
			t.Errorf("evaluation scan without a call_id qual: %v", s.Quals)
		}
	}
}

// An OR over two different key columns may be planned as two scans (SQLite does here: one by
// agent, one Get by id) whose rows SQLite merges by rowid: a row must keep one rowid across
// scans, and different rows must not share one.
func TestORAcrossKeyColumns(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	own := f.srv.Expected("7", "", "all")
	for name, extra := range map[string]fakeapi.Call{
		"a call of another agent": f.srv.Expected("42", "", "all")[0], // inside the default window, whichever plan
		"a call both sides match": own[0],
	} {
		res := f.query(`select id from bluejay_call where agent_id = '7' or id = ?`, extra.ID)
		want := []string{}
		for _, c := range own {
			want = append(want, c.ID)
		}
		if !slices.Contains(want, extra.ID) {
			want = append(want, extra.ID)
		}
		got := make([]string, len(res.Rows))
		for i, row := range res.Rows {
			got[i] = row[0].(string)
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %d ids, want %d (scans %+v)", name, len(got), len(want), f.scans)
		}
	}
}
