package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// run runs the command with stdin and returns its exit code, stdout and stderr.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut}
	code := a.run(context.Background(), args)
	return code, out.String(), errOut.String()
}

func TestDemo(t *testing.T) {
	code, out, errOut := run(t, "", "--demo")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, d := range engine.Demos {
		if !strings.Contains(out, d.Title) || !strings.Contains(out, indent(d.SQL)) {
			t.Errorf("output lacks demo %q or its SQL", d.Title)
		}
	}
	for _, want := range []string{
		"| Appointment Scheduler (fake agent 42)",      // a result row of the first query
		"7            | Silent callers    | 2001010 |", // the testing tables' query: 7's failing run first
		"(4 rows)",
		"(5 rows)",
		"BLUEJAY_API_KEY=... bluejay-sql \"select",
		"make install",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestNoKeySaysHowToGetOne(t *testing.T) {
	t.Setenv("BLUEJAY_API_KEY", "")
	code, _, errOut := run(t, "", "select 1")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	for _, want := range []string{"Settings -> API keys", "BLUEJAY_API_KEY", "make demo"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("help lacks %q:\n%s", want, errOut)
		}
	}
}

// writeConfig writes a Steampipe connection block for the fake.
func writeConfig(t *testing.T, srv *fakeapi.Server) string {
	path := filepath.Join(t.TempDir(), "bluejay.spc")
	src := "connection \"bluejay\" {\n  plugin = \"local/bluejay\"\n  api_key = \"" + fakeapi.DefaultAPIKey + "\"\n  base_url = \"" + srv.URL + "\"\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestQueryFromConfigFileAsCSVAndJSON(t *testing.T) {
	t.Setenv("BLUEJAY_API_KEY", "")
	srv := fakeapi.NewServer(fakeapi.Options{})
	defer srv.Close()
	cfg := writeConfig(t, srv)
	want := srv.Expected("7", "", "3days")

	code, out, errOut := run(t, "", "--config", cfg, "--output", "csv", "select id, agent_id from bluejay_call where agent_id = '7' and last = '3days'")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(want)+1 || !slices.Equal(recs[0], []string{"id", "agent_id"}) {
		t.Fatalf("csv has %d records, want a header and %d rows", len(recs), len(want))
	}

	code, out, _ = run(t, "", "--config", cfg, "--output", "json", "select 'a' as s, 2 as n, null as z")
	var rows []map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || rows[0]["s"] != "a" || rows[0]["n"] != 2.0 || rows[0]["z"] != nil {
		t.Errorf("json output %q (exit %d)", out, code)
	}
}

func TestQueryErrorAndPipedPrompt(t *testing.T) {
	srv := fakeapi.NewServer(fakeapi.Options{})
	defer srv.Close()
	cfg := writeConfig(t, srv)

	code, _, errOut := run(t, "", "--config", cfg, "select id from bluejay_call where agent_id = '7' and last = '1day'")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// From the environment, with a key the API rejects.
	t.Setenv("BLUEJAY_BASE_URL", srv.URL)
	t.Setenv("BLUEJAY_API_KEY", "not-the-key")
	code, _, errOut = run(t, "", "select id from bluejay_call where agent_id = '7' and last = '1day'")
	if code != exitQuery || !strings.HasPrefix(errOut, "Error: bluejay: GET /v1/retrieve-call-logs/7 page 1: the API rejected the API key") || !strings.Contains(errOut, "api_key") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}

	stdin := "select 'x;y' as a,\n  2 as b; select count(*) as agents from bluejay_agent;\n.tables\n.exit\nselect 'not reached';\n"
	code, out, errOut := run(t, stdin, "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"x;y | 2", "agents\n------\n     5", "bluejay_call_evaluation\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "not reached") {
		t.Error(".exit did not stop the prompt")
	}
}

func TestSplitStatements(t *testing.T) {
	stmts, rest := splitStatements("select ';' as a; -- c;\nselect \"b;\" from t /* ; */ ; select 3")
	want := []string{"select ';' as a;", "-- c;\nselect \"b;\" from t /* ; */ ;"}
	if !slices.Equal(stmts, want) || strings.TrimSpace(rest) != "select 3" {
		t.Errorf("got %q rest %q", stmts, rest)
	}
}

// An agent the account does not have is no rows and a note on stderr, once however many scans
// met it; the other agents' rows are on stdout as usual.
func TestMissingAgentIsANoteOnStderr(t *testing.T) {
	t.Setenv("BLUEJAY_API_KEY", "")
	srv := fakeapi.NewServer(fakeapi.Options{})
	defer srv.Close()
	srv.DeleteAgent("a-999")
	cfg := writeConfig(t, srv)
	want := len(srv.Expected("7", "", "3days"))

	code, out, errOut := run(t, "", "--config", cfg, "--output", "csv",
		"select agent_id, count(*) from bluejay_call where agent_id in ('7', 'a-999') and last = '3days' group by agent_id")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out != "agent_id,count(*)\n7,"+strconv.Itoa(want)+"\n" {
		t.Errorf("stdout %q, want agent 7's %d calls alone", out, want)
	}
	if errOut != "Note: agent 'a-999' was not found (HTTP 404): no rows for it\n" {
		t.Errorf("stderr %q, want one note for a-999", errOut)
	}
}
