package bluejay_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// These end-to-end tests build the plugin binary and drive it as Steampipe does (go-plugin
// handshake, SetAllConnectionConfigs, GetSchema, Execute with quals and limits) against the fake
// Bluejay API, then check rows against the fake's data and the requests it received.

// testKey is the API key every end-to-end test uses: distinctive, so a test can grep for it in
// logs, errors and rows.
const testKey = "bj-test-key-MUST-NOT-LEAK-7f3a9c"

func TestMain(m *testing.M) {
	code := m.Run()
	harness.CleanupBuilds()
	os.Exit(code)
}

// env is one plugin process with one connection ("bluejay") pointed at one fake API.
type env struct {
	t      *testing.T
	srv    *fakeapi.Server
	plugin *harness.Plugin
	logs   *harness.LogBuffer
}

// newEnv starts a fake API (clock = real now, so the plugin's windows and the fake's agree) and
// a plugin connected to it. extra adds or overrides connection settings.
func newEnv(t *testing.T, opts fakeapi.Options, extra map[string]any) *env {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	srv := fakeapi.NewServer(opts)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, logs: harness.NewLogBuffer()}
	e.plugin = startPlugin(t, e.logs)
	cfg := map[string]any{"api_key": testKey, "base_url": srv.URL}
	for k, v := range extra {
		if v == nil {
			delete(cfg, k)
		} else {
			cfg[k] = v
		}
	}
	if _, err := e.plugin.SetConnections(harness.Connection{Name: "bluejay", Config: harness.Config(cfg)}); err != nil {
		t.Fatalf("set connection: %v", err)
	}
	t.Cleanup(func() { e.assertNoLeak(e.logs.String(), "plugin logs") })
	return e
}

func startPlugin(t *testing.T, logs *harness.LogBuffer, env ...string) *harness.Plugin {
	t.Helper()
	bin, err := harness.Build()
	if err != nil {
		t.Fatalf("build plugin: %v", err)
	}
	p, err := harness.Start(harness.Options{Binary: bin, LogOutput: logs, Env: append([]string{"STEAMPIPE_LOG_LEVEL=TRACE"}, env...)})
	if err != nil {
		t.Fatalf("start plugin: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

func (e *env) query(table string, quals []harness.Qual, limit int64, columns ...string) harness.Result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := e.plugin.Query(ctx, harness.Query{Connection: "bluejay", Table: table, Quals: quals, Limit: limit, Columns: columns})
	if r.Err != nil {
		e.assertNoLeak(r.Err.Error(), "error")
	}
	for _, row := range r.Rows {
		e.assertNoLeak(fmt.Sprint(row), "row")
	}
	return r
}

// mustQuery runs a query that must succeed.
func (e *env) mustQuery(table string, quals []harness.Qual, limit int64, columns ...string) []map[string]any {
	e.t.Helper()
	r := e.query(table, quals, limit, columns...)
	if r.Err != nil {
		e.t.Fatalf("query %s %v: %v", table, quals, r.Err)
	}
	return r.Rows
}

func (e *env) assertNoLeak(text, where string) {
	e.t.Helper()
	if strings.Contains(text, testKey) {
		e.t.Errorf("the API key appears in the %s", where)
	}
	if strings.Contains(text, fakeapi.SecretMarker) {
		e.t.Errorf("an agent secret (%s...) appears in the %s", fakeapi.SecretMarker, where)
	}
}

// callLogRequests are the fake's call-log page requests.
func (e *env) callLogRequests() []fakeapi.Request {
	var out []fakeapi.Request
	for _, r := range e.srv.Requests() {
		if strings.HasPrefix(r.Path, "/v1/retrieve-call-logs/") {
			out = append(out, r)
		}
	}
	return out
}

func eq(column string, value any) harness.Qual {
	return harness.Qual{Column: column, Operator: "=", Value: value}
}

func ids(rows []map[string]any, column string) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, fmt.Sprint(r[column]))
	}
	sort.Strings(out)
	return out
}

func callIDs(calls []fakeapi.Call) []string {
	out := make([]string, 0, len(calls))
	for _, c := range calls {
		out = append(out, c.ID)
	}
	sort.Strings(out)
	return out
}

// sameJSON compares a JSON column with the fake's value, as JSON: NULL matches nil/null.
func sameJSON(t *testing.T, what string, column any, want any) {
	t.Helper()
	var got any
	if column != nil {
		if err := harness.UnmarshalJSON(column, &got); err != nil {
			t.Fatalf("%s: column is not JSON: %v", what, err)
		}
	}
	wantJSON, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var wantAny any
	if err := json.Unmarshal(wantJSON, &wantAny); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantAny) {
		t.Errorf("%s: got %s, want %s", what, mustJSON(got), wantJSON)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sameValue compares a scalar column with a fake value that may be a pointer (nil = NULL).
func sameValue(t *testing.T, what string, column any, want any) {
	t.Helper()
	rv := reflect.ValueOf(want)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			want = nil
		} else {
			want = rv.Elem().Interface()
		}
	}
	if !reflect.DeepEqual(column, want) {
		t.Errorf("%s: got %#v, want %#v", what, column, want)
	}
}

// sameTime compares a TIMESTAMP column with an API timestamp string.
func sameTime(t *testing.T, what string, column any, want string) {
	t.Helper()
	wantTime, err := parseAPITime(want)
	if err != nil {
		t.Fatalf("%s: fake timestamp %q: %v", what, want, err)
	}
	got, ok := column.(time.Time)
	if !ok || !got.Equal(wantTime) {
		t.Errorf("%s: got %v, want %v", what, column, wantTime)
	}
}

func parseAPITime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unparseable")
}
