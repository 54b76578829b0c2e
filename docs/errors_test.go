package docs_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// errorCase is one failing query, written for both engines: as SQL for SQLite and as the scan
// Postgres would send over the plugin protocol. quote is the part of the message that
// docs/reliability.md quotes.
type errorCase struct {
	name  string
	sql   string
	scan  harness.Query
	quote string
}

func errorCases(env *testEnv) []errorCase {
	id := env.srv.Expected("42", "", "1day")[0].ID
	eq := func(col string, v any) harness.Qual { return harness.Qual{Column: col, Operator: "=", Value: v} }
	scan := func(table string, quals ...harness.Qual) harness.Query {
		return harness.Query{Connection: connection, Table: table, Quals: quals, Columns: []string{"call_id"}}
	}
	badLast := `last = "2days" is not a window the API accepts; use one of '1day', '3days', '7days', '30days', '90days', 'all'`
	return []errorCase{
		{"bad last on a scan", `select id from bluejay_call where agent_id = '42' and last = '2days'`,
			harness.Query{Connection: connection, Table: "bluejay_call", Quals: []harness.Qual{eq("agent_id", "42"), eq("last", "2days")}, Columns: []string{"id"}}, badLast},
		{"bad last with an id", `select id from bluejay_call where id = '` + id + `' and last = '2days'`,
			harness.Query{Connection: connection, Table: "bluejay_call", Quals: []harness.Qual{eq("id", id), eq("last", "2days")}, Columns: []string{"id"}}, badLast},
		{"bad last with a call_id", `select call_id from bluejay_call_event where call_id = '` + id + `' and last = '2days'`,
			scan("bluejay_call_event", eq("call_id", id), eq("last", "2days")), badLast},
		{"empty agent_id", `select call_id from bluejay_call_evaluation where agent_id = ''`,
			scan("bluejay_call_evaluation", eq("agent_id", "")), "agent_id = '' matches no call; give an agent id such as '42' (see bluejay_agent)"},
		{"empty id", `select id from bluejay_call where id = ''`,
			harness.Query{Connection: connection, Table: "bluejay_call", Quals: []harness.Qual{eq("id", "")}, Columns: []string{"id"}}, "a call id of '' matches no call"},
	}
}

// Every error reads the same through the plugin protocol (what Steampipe's Postgres FDW shows)
// and through the SQLite engine: the connection's name once, then the plugin's message, which
// docs/reliability.md quotes.
func TestErrorsReadTheSameOnBothEngines(t *testing.T) {
	env := getEnv(t)
	db := env.sqlite(t)
	doc := readReliability(t)
	for _, c := range errorCases(env) {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			grpcErr := env.plugin.Query(ctx, c.scan).Err
			_, sqlErr := db.Query(ctx, c.sql)
			checkErrorText(t, grpcErr, sqlErr, c.quote, doc)
		})
	}
}

// The key errors, through a connection with a wrong key and one with none.
func TestKeyErrorsReadTheSameOnBothEngines(t *testing.T) {
	env := getEnv(t)
	doc := readReliability(t)
	t.Setenv("BLUEJAY_API_KEY", "")
	for name, c := range map[string]struct {
		config map[string]any
		quote  string
	}{
		"wrong key": {map[string]any{"api_key": "not-the-key", "base_url": env.srv.URL},
			"GET /v1/retrieve-call-logs/42 page 1: the API rejected the API key (HTTP 401: Invalid API key); set the connection's api_key, or the BLUEJAY_API_KEY environment variable (the Steampipe CLI reads api_key from the connection block in ~/.steampipe/config/bluejay.spc)"},
		"no key": {map[string]any{"base_url": env.srv.URL},
			"no API key: set the connection's api_key, or the BLUEJAY_API_KEY environment variable (the Steampipe CLI reads api_key from the connection block in ~/.steampipe/config/bluejay.spc)"},
	} {
		t.Run(name, func(t *testing.T) {
			hcl := harness.Config(c.config)
			p, err := harness.Start(harness.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if _, err := p.SetConnections(harness.Connection{Name: connection, Config: hcl}); err != nil {
				t.Fatal(err)
			}
			db, err := engine.Open(context.Background(), engine.Config{HCL: hcl, Connection: connection})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			grpcErr := p.Query(ctx, harness.Query{Connection: connection, Table: "bluejay_call", Quals: []harness.Qual{{Column: "agent_id", Operator: "=", Value: "42"}}, Columns: []string{"id"}}).Err
			_, sqlErr := db.Query(ctx, `select id from bluejay_call where agent_id = '42'`)
			checkErrorText(t, grpcErr, sqlErr, c.quote, doc)
		})
	}
}

func checkErrorText(t *testing.T, grpcErr, sqlErr error, quote, doc string) {
	t.Helper()
	if grpcErr == nil || sqlErr == nil {
		t.Fatalf("want an error from both engines, got %v (plugin protocol) and %v (SQLite)", grpcErr, sqlErr)
	}
	if grpcErr.Error() != sqlErr.Error() {
		t.Errorf("the engines disagree:\n  plugin protocol: %s\n  SQLite:          %s", grpcErr, sqlErr)
	}
	want := connection + ": " + quote
	if !strings.HasPrefix(grpcErr.Error(), want) {
		t.Errorf("error %q does not read %q", grpcErr, want)
	}
	if strings.HasPrefix(grpcErr.Error(), connection+": "+connection+":") {
		t.Errorf("error %q names the connection twice", grpcErr)
	}
	if fakeapi.DefaultAPIKey != "" && strings.Contains(grpcErr.Error(), fakeapi.DefaultAPIKey) {
		t.Errorf("error %q holds the API key", grpcErr)
	}
	if !strings.Contains(doc, quote) {
		t.Errorf("docs/reliability.md does not quote %q", quote)
	}
}

func readReliability(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("reliability.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
