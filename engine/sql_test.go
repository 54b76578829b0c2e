package engine

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := api.ParseTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestJSONFunctionsOnJSONColumns(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	calls := f.srv.Expected("7", "", "7days")

	res := f.query(`select id, json_extract(participants, '$[0].role') as role,
		json_array_length(participants) as n from bluejay_call where agent_id = '7' and last = '7days'`)
	byID := map[string][]any{}
	for _, row := range res.Rows {
		byID[row[0].(string)] = row
	}
	for _, c := range calls {
		row := byID[c.ID]
		var wantRole any
		if len(c.Participants) > 0 {
			wantRole = c.Participants[0].Role
		}
		if row == nil || row[1] != wantRole {
			t.Errorf("call %s: first participant role %v, want %v", c.ID, row, wantRole)
		}
	}

	res = f.query(`select t.value as tag, count(*) as n
		from bluejay_call c, json_each(c.tags) t
		where c.agent_id = '7' and c.last = '7days'
		group by t.value`)
	want := map[string]int64{}
	for _, c := range calls {
		for _, tag := range c.Tags {
			want[tag]++
		}
	}
	if len(res.Rows) != len(want) || len(want) == 0 {
		t.Fatalf("got tags %v, want %v", res.Rows, want)
	}
	for _, row := range res.Rows {
		if want[row[0].(string)] != row[1] {
			t.Errorf("tag %v: %v calls, want %d", row[0], row[1], want[row[0].(string)])
		}
	}

	// JSON columns carry SQLite's JSON subtype: json_array nests them instead of quoting.
	res = f.query(`select json_array(tags) from bluejay_call where id = ?`, calls[0].ID)
	var nested [][]string
	if err := json.Unmarshal([]byte(res.Rows[0][0].(string)), &nested); err != nil || len(nested) != 1 {
		t.Errorf("json_array(tags) = %v: not an array holding the tags array (%v)", res.Rows[0][0], err)
	}
}

func TestValueTypesTimestampsAndNulls(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	var call fakeapi.Call
	for _, c := range f.srv.Expected("42", "", "all") {
		if c.ExternalAgentID == nil && c.DurationMS != nil && len(c.Evaluations) > 0 {
			call = c
			break
		}
	}
	if call.ID == "" {
		t.Fatal("the fake has no call with a NULL external_agent_id and an evaluation")
	}
	res := f.query(`select start_time_utc, created_at, duration_ms, external_agent_id,
		typeof(start_time_utc), typeof(duration_ms), typeof(external_agent_id), typeof(tags)
		from bluejay_call where id = ?`, call.ID)
	row := res.Rows[0]
	iso := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)
	if row[0] != formatTime(mustTime(t, call.StartTimeUTC)) || !iso.MatchString(row[0].(string)) {
		t.Errorf("start_time_utc %v, API sent %s", row[0], call.StartTimeUTC)
	}
	if row[1] != formatTime(mustTime(t, call.CreatedAt)) {
		t.Errorf("created_at %v, API sent %s", row[1], call.CreatedAt)
	}
	if row[2] != *call.DurationMS || row[3] != nil {
		t.Errorf("duration_ms %v, external_agent_id %v", row[2], row[3])
	}
	if got := row[4:]; got[0] != "text" || got[1] != "integer" || got[2] != "null" || got[3] != "text" {
		t.Errorf("typeof: %v", got)
	}

	res = f.query(`select typeof(hallucination), hallucination, typeof(latency_avg), typeof(num_turns)
		from bluejay_call_evaluation where call_id = ?`, call.ID)
	for _, row := range res.Rows {
		if (row[0] != "integer" && row[0] != "null") || (row[1] != int64(0) && row[1] != int64(1) && row[1] != nil) {
			t.Errorf("hallucination is %v %v, want 0/1 or NULL", row[0], row[1])
		}
		if row[2] != "real" && row[2] != "null" || row[3] != "integer" && row[3] != "null" {
			t.Errorf("latency_avg %v, num_turns %v", row[2], row[3])
		}
	}
}

func TestPluginErrorsBecomeSQLErrors(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	// The SDK ends a failed scan like a good one (a nil row) before reporting the error: run
	// it often enough to catch a reader that took that end for success. The SDK itself drops
	// an error now and then (see scan.finish), so a rare empty result is tolerated.
	const runs = 40
	lost := 0
	for range runs {
		res, err := f.try(`select id from bluejay_call where agent_id = '7' and last = '5days'`)
		if err == nil && len(res.Rows) == 0 {
			lost++
			continue
		}
		var perr *PluginError
		if !errors.As(err, &perr) || perr.Table != "bluejay_call" {
			t.Fatalf("want a PluginError for bluejay_call, got %v", err)
		}
		for _, want := range []string{`last = "5days" is not a window`, "'1day', '3days', '7days', '30days', '90days', 'all'"} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q does not say %q", err, want)
			}
		}
	}
	if lost > 2 {
		t.Errorf("the error was lost in %d of %d runs", lost, runs)
	}
	if _, err := f.try(`select nope from bluejay_call`); err == nil || !strings.Contains(err.Error(), "no such column") {
		t.Errorf("SQL error: %v", err)
	}
	if res := f.query(`select 1`); res.Rows[0][0] != int64(1) {
		t.Error("the database is unusable after an error")
	}
}

func TestWrongOrMissingAPIKey(t *testing.T) {
	srv := fakeapi.NewServer(fakeapi.Options{})
	defer srv.Close()
	t.Setenv("BLUEJAY_API_KEY", "")
	for name, hcl := range map[string]string{
		"wrong key": FakeHCL(srv, "not-the-key"),
		"no key":    "base_url = \"" + srv.URL + "\"\n",
	} {
		db, err := Open(context.Background(), Config{HCL: hcl})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Query(context.Background(), `select id from bluejay_call where agent_id = '7'`)
		db.Close()
		if err == nil || !strings.Contains(err.Error(), "api_key") || !strings.Contains(err.Error(), "BLUEJAY_API_KEY") {
			t.Errorf("%s: error %v should say where the key goes", name, err)
		}
	}
}

func TestBadConnectionConfigFailsOpen(t *testing.T) {
	_, err := Open(context.Background(), Config{HCL: `base_url = "ftp://example.com"`})
	if err == nil || !strings.Contains(err.Error(), "base_url") {
		t.Errorf("want an error naming base_url, got %v", err)
	}
}

func TestCancelStopsThePluginCall(t *testing.T) {
	f := newFixture(t, fakeapi.Options{Latency: 10 * time.Second}, "")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.db.Query(ctx, `select count(*) from bluejay_call where agent_id = '7' and last = 'all'`)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the deadline error, got %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("cancel took %v", took)
	}
	if _, err := f.db.Query(context.Background(), `select 1`); err != nil {
		t.Errorf("database unusable after a cancel: %v", err)
	}
}

func TestDemoQueriesRun(t *testing.T) {
	db, srv, err := OpenWithFake(context.Background(), fakeapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	defer db.Close()
	for _, d := range Demos {
		res, err := db.Query(context.Background(), d.SQL)
		if err != nil {
			t.Errorf("%s: %v", d.Title, err)
			continue
		}
		if len(res.Rows) == 0 {
			t.Errorf("%s: no rows", d.Title)
		}
	}
}

func TestSchemaAndStatistics(t *testing.T) {
	f := newFixture(t, fakeapi.Options{}, "")
	if got := strings.Join(f.db.Tables(), ","); got != "bluejay_agent,bluejay_call,bluejay_call_custom_metric,bluejay_call_evaluation,bluejay_call_event,bluejay_call_participant,bluejay_call_tool_call,bluejay_simulation,bluejay_simulation_result,bluejay_simulation_run" {
		t.Errorf("tables %s", got)
	}
	res := f.query(`select name, type from pragma_table_info('bluejay_call') where name in ('duration_ms', 'tags', 'start_time_utc') order by name`)
	want := [][]any{{"duration_ms", "INTEGER"}, {"start_time_utc", "TEXT"}, {"tags", "TEXT"}}
	for i := range want {
		if res.Rows[i][0] != want[i][0] || res.Rows[i][1] != want[i][1] {
			t.Errorf("column types %v, want %v", res.Rows, want)
		}
	}
	res = f.query(`select median(x), percentile(x, 90) from (select 1 as x union all select 2 union all select 3)`)
	if res.Rows[0][0] != 2.0 {
		t.Errorf("median %v", res.Rows[0])
	}
	if res := f.query(`select count(*) from bluejay_agent`); res.Rows[0][0] != int64(5) {
		t.Errorf("agents %v", res.Rows)
	}
}
