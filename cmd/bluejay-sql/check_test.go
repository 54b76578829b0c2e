package main

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/mod"
	"github.com/bluejay-community/steampipe-plugin-bluejay/modcheck"
)

func TestCheckDemoSummaryAndAlarmExit(t *testing.T) {
	code, out, errOut := run(t, "", "check", "--demo")
	if code != exitCheckAlarm {
		t.Fatalf("exit %d, want %d (alarms); stderr:\n%s", code, exitCheckAlarm, errOut)
	}
	m, err := modcheck.Load(mod.Files, "mod", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range m.Benchmarks {
		if !strings.Contains(out, b.Title+" (benchmark."+b.Name+")") {
			t.Errorf("output lacks benchmark %s", b.Name)
		}
	}
	for _, want := range []string{
		"Summary: 21 controls; ok ",
		"ALARM support-bot: Claims Intake (fake agent support-bot) had 5 of 21 tool calls fail (23.8%, limit 5%)",
		"ALARM 7: Appointment Scheduler (fake agent 7) ended 3 of 35 calls before the caller spoke (limit 0)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "OK 42:") || errOut != "" {
		t.Errorf("ok rows are not listed, and stderr stays empty off a terminal; stderr %q", errOut)
	}
}

// TestCheckReleaseReadinessBlocksTheFailingAgent is the deploy gate of docs/checks.md on the
// fake: agent 7's latest run fails half its tests and its suite hallucinates less than
// production, so the benchmark exits 1, and the alarms say so.
func TestCheckReleaseReadinessBlocksTheFailingAgent(t *testing.T) {
	code, out, errOut := run(t, "", "check", "--demo", "release_readiness")
	if code != exitCheckAlarm {
		t.Fatalf("exit %d, want %d: %s\n%s", code, exitCheckAlarm, errOut, out)
	}
	for _, want := range []string{
		"Release Readiness (benchmark.release_readiness)",
		"ALARM 2001: Silent callers (agent 7): its latest completed run 2001010 passed 5 of 10 tests (minimum 80%)",
		"ALARM 7: Appointment Scheduler (fake agent 7) hallucinated in 0.0% of ",
		"ALARM support-bot: Claims Intake (fake agent support-bot) took ",
		"Summary: 4 controls; ok 8, alarm 6, info 0, skip 4, error 0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = run(t, "", "check", "--demo", "--where", "agent_id = '42'", "release_readiness")
	// Agent 42 passes every control but one: a test call of its refund suite's latest run
	// hallucinated.
	if code != exitCheckAlarm || !strings.Contains(out, "Summary: 4 controls; ok 5, alarm 1, info 0, skip 0, error 0") || !strings.Contains(out, "ALARM 1001: Refund requests (agent 42)") {
		t.Errorf("agent 42 alone: exit %d\n%s%s", code, out, errOut)
	}
}

func TestCheckPassingControlsExitZero(t *testing.T) {
	code, out, errOut := run(t, "", "check", "--demo", "--var", "max_hallucination_pct=50", "hallucination_rate", "control.latency_p95", "--where", "agent_id <> 'support-bot'")
	if code != exitOK {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "Summary: 2 controls; ok 6, alarm 0, info 0, skip 2, error 0") {
		t.Errorf("output:\n%s", out)
	}
}

func TestCheckJSONCSVAndJUnit(t *testing.T) {
	junit := filepath.Join(t.TempDir(), "report.xml")
	code, out, errOut := run(t, "", "check", "--demo", "--output", "json", "--junit", junit, "compliance")
	if code != exitCheckAlarm {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Summary  map[string]int
		Controls []struct {
			Benchmark, Control string
			Summary            map[string]int
			Rows               []struct {
				Resource, Status, Reason string
				Dimensions               map[string]string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Controls) != 6 || doc.Controls[0].Benchmark != "compliance" || doc.Summary["alarm"] == 0 {
		t.Fatalf("json: %+v", doc)
	}
	alarms := 0
	for _, c := range doc.Controls {
		for _, r := range c.Rows {
			if r.Dimensions["agent_id"] != r.Resource {
				t.Errorf("%s: dimensions %v", c.Control, r.Dimensions)
			}
			if r.Status == "alarm" {
				alarms++
			}
		}
	}
	if alarms != doc.Summary["alarm"] {
		t.Errorf("%d alarm rows, summary says %d", alarms, doc.Summary["alarm"])
	}

	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Failures != alarms || rep.Skipped != doc.Summary["skip"] || len(rep.Suites) != 6 || rep.Suites[0].Name != "benchmark.compliance/control.pii_redaction_enabled" {
		t.Errorf("junit: %d failures, %d skipped, %d suites (%q)", rep.Failures, rep.Skipped, len(rep.Suites), rep.Suites[0].Name)
	}

	code, out, _ = run(t, "", "check", "--demo", "--output", "csv", "tool_call_failures")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != exitCheckAlarm || err != nil || len(recs) != 6 {
		t.Fatalf("csv exit %d, %d records, %v", code, len(recs), err)
	}
	if strings.Join(recs[0], ",") != "benchmark,control,title,resource,status,reason,agent_id" {
		t.Errorf("csv header %v", recs[0])
	}
}

func TestCheckUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--var", "max_latncy=1"}, `no variable "max_latncy"`},
		{[]string{"--var", "window"}, "write --var name=value"},
		{[]string{"no_such_control"}, `"no_such_control" is no benchmark or control of the mod; it has all, agent_ended_before_user_spoke, agent_quality`},
		{[]string{"--output", "xml"}, `--output "xml"`},
	} {
		code, _, errOut := run(t, "", append([]string{"check", "--demo"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errOut)
		}
	}
}

// TestCheckBrokenModRunsTheRest: a mod directory with a file that does not parse and a
// control whose SQL fails: both are reported with file and line, exit 3, and the other
// controls' results are printed.
func TestCheckBrokenModRunsTheRest(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"mod.pp", "variables.pp", "quality.pp"} {
		b, err := mod.Files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if name == "quality.pp" {
			b = []byte(strings.Replace(string(b), "from bluejay_call_evaluation\n      where last = $1 and redundancy is not null", "from bluejay_call_evaluation\n      where last = $1 and redundancy is not nul", 1))
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.pp"), []byte("control \"half\" {\n  sql = \"select 1\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "", "check", "--demo", "--mod-location", dir)
	if code != exitCheckError {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitCheckError, errOut)
	}
	if !strings.Contains(errOut, filepath.ToSlash(dir)+"/broken.pp:") {
		t.Errorf("stderr lacks the broken file and line:\n%s", errOut)
	}
	if !strings.Contains(out, "ERROR "+filepath.ToSlash(dir)+"/quality.pp:57: control \"redundancy_rate\": ") {
		t.Errorf("output lacks the failed control with file and line:\n%s", out)
	}
	if !strings.Contains(out, "ALARM 42: Appointment Scheduler (fake agent 42) met the goal in 99 of 133") || !strings.Contains(out, "error 1") {
		t.Errorf("the other controls did not run:\n%s", out)
	}
}

// TestChecksDocShowsTheRealOutput: the sample output and the totals in docs/checks.md are what
// the command prints.
func TestChecksDocShowsTheRealOutput(t *testing.T) {
	doc, err := os.ReadFile("../../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	const intro = "What `bluejay-sql check --demo tool_call_failures agent_ended_before_user_spoke` prints"
	_, after, ok := strings.Cut(text, intro)
	_, block, ok2 := strings.Cut(after, "```text\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("docs/checks.md: no sample output block")
	}
	code, out, _ := run(t, "", "check", "--demo", "tool_call_failures", "agent_ended_before_user_spoke")
	if code != exitCheckAlarm || strings.TrimSpace(out) != strings.TrimSpace(block) {
		t.Errorf("exit %d; docs/checks.md shows\n%s\nthe command prints\n%s", code, block, out)
	}
	_, out, _ = run(t, "", "check", "--demo")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	summary := strings.TrimPrefix(lines[len(lines)-1], "Summary: ")
	if !strings.Contains(strings.ReplaceAll(text, "\n", " "), "`Summary: "+summary+"`") {
		t.Errorf("docs/checks.md does not quote the demo's summary %q", summary)
	}
}

func TestCheckProgressOnStderr(t *testing.T) {
	code, out, errOut := run(t, "", "check", "--demo", "--progress", "on", "latency_p95", "pii_redaction_enabled")
	if code != exitCheckAlarm || !strings.Contains(errOut, "[1/2] latency_p95") || !strings.Contains(errOut, "[2/2] pii_redaction_enabled") || strings.Contains(out, "[1/2]") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
