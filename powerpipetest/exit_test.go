package powerpipetest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/powerpipe"
	"github.com/bluejay-community/steampipe-plugin-bluejay/mod"
)

// modCopy is the mod's .pp files in a temp dir, with extra files added (name -> content), run by
// a Powerpipe of its own on the shared database.
func modCopy(t *testing.T, e *env, extra map[string]string) *powerpipe.Powerpipe {
	t.Helper()
	dir := t.TempDir()
	files, err := fs.Glob(mod.Files, "*.pp")
	if err != nil || len(files) == 0 {
		t.Fatalf("the mod's files: %v %v", files, err)
	}
	for _, name := range files {
		src, err := fs.ReadFile(mod.Files, name)
		if err != nil {
			t.Fatal(err)
		}
		extra[name] = string(src) + extra[name]
	}
	for name, src := range extra {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pp, err := powerpipe.New(powerpipe.Options{ModDir: dir, Database: database(e.pg)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pp.Close)
	return pp
}

// statusCounts is how many rows of a control run have each status.
func statusCounts(t *testing.T, res *powerpipe.Result) map[string]int {
	t.Helper()
	byControl := map[string]map[string]string{}
	decode[resultGroup](t, res).statuses(byControl)
	counts := map[string]int{}
	for _, byResource := range byControl {
		for _, s := range byResource {
			counts[s]++
		}
	}
	return counts
}

// Powerpipe's exit statuses, which a CI job reads: 0 when every control is ok (or skips), 1 on
// an alarm, 2 when a control cannot run.
func TestExitStatuses(t *testing.T) {
	e := sharedEnv(t)
	t.Run("clean", func(t *testing.T) {
		res := run(t, e.pp, exitOK, "control", "run", "latency_p95", "--var", "max_latency_p95_ms=100000000", "--output", "json", "--progress=false")
		if c := statusCounts(t, res); c["ok"] == 0 || c["alarm"]+c["error"] != 0 {
			t.Errorf("statuses %v, want ok rows and no alarm or error", c)
		}
	})
	t.Run("alarm", func(t *testing.T) {
		res := run(t, e.pp, exitAlarm, "control", "run", "latency_p95", "--output", "json", "--progress=false")
		if c := statusCounts(t, res); c["alarm"] == 0 || c["error"] != 0 {
			t.Errorf("statuses %v, want alarms and no error", c)
		}
	})
	t.Run("error", func(t *testing.T) {
		pp := modCopy(t, e, map[string]string{"broken.pp": `
control "reads_a_missing_table" {
  title = "Reads a table the plugin does not have"
  sql   = "select agent_id as resource, 'ok' as status, 'x' as reason from bluejay_no_such_table"
}
`})
		res := run(t, pp, exitError, "control", "run", "reads_a_missing_table", "--output", "json", "--progress=false")
		if !strings.Contains(string(res.Stdout), "bluejay_no_such_table") {
			t.Errorf("the run's JSON does not name the missing table:\n%s", res.Stdout)
		}
	})
}

// The CI step of docs/checks.md: brief output, an NUnit report, exit status 1 on the fake
// account's alarms.
func TestDocsCIStep(t *testing.T) {
	e := sharedEnv(t)
	report := filepath.Join(t.TempDir(), "agent-checks.nunit3.xml")
	res := run(t, e.pp, exitAlarm, "benchmark", "run", "all", "--var", "window=1day", "--output", "brief", "--export", report)
	if !strings.Contains(string(res.Stdout), "ALARM") {
		t.Errorf("the brief output names no alarm:\n%.2000s", res.Stdout)
	}
	xml, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no report: %v", err)
	}
	if !strings.Contains(string(xml), "<test-run") || !strings.Contains(string(xml), "tool_call_failures") {
		t.Errorf("the report is not an NUnit 3 run of the mod:\n%.1000s", xml)
	}
}

// The mod requires no plugin, so that a plain PostgreSQL with the plugin's extension (where
// Powerpipe cannot see plugins) gets no warning; a requirement would warn on every command, and
// one without min_version stops Powerpipe v1.5.2 from loading the mod at all.
func TestPluginRequirement(t *testing.T) {
	e := sharedEnv(t)
	const warning = "does not provide a plugin which satisfies requirement"
	res := run(t, e.pp, exitAlarm, "control", "run", "pii_redaction_enabled", "--progress=false")
	if strings.Contains(string(res.Stderr)+string(res.Stdout), warning) {
		t.Errorf("the shipped mod warns:\n%s", res.Stderr)
	}
	t.Run("with a requirement", func(t *testing.T) {
		pp := modCopy(t, e, map[string]string{})
		writeRequire(t, pp, `plugin "local/bluejay" { min_version = "0.0.1" }`)
		res := run(t, pp, exitAlarm, "control", "run", "pii_redaction_enabled", "--progress=false")
		if !strings.Contains(string(res.Stderr)+string(res.Stdout), warning) {
			t.Errorf("no warning %q against a plain PostgreSQL:\n%s", warning, res.Stderr)
		}
	})
	t.Run("without min_version", func(t *testing.T) {
		pp := modCopy(t, e, map[string]string{})
		writeRequire(t, pp, `plugin "local/bluejay" {}`)
		res, err := pp.Run(t.Context(), "control", "list")
		if err != nil {
			t.Fatal(err)
		}
		if res.Exit == 0 || !strings.Contains(string(res.Stderr), "Invalid plugin version") {
			t.Errorf("exit %d, want a failure saying Invalid plugin version:\n%s", res.Exit, res.Stderr)
		}
	})
}

// writeRequire adds a require block with body to the copy's mod block.
func writeRequire(t *testing.T, pp *powerpipe.Powerpipe, body string) {
	t.Helper()
	path := filepath.Join(pp.ModDir, "mod.pp")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.LastIndex(string(src), "}")
	out := string(src[:i]) + "  require {\n    " + body + "\n  }\n}\n"
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}
