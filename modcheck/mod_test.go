package modcheck

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/zclconf/go-cty/cty"

	"github.com/bluejay-community/steampipe-plugin-bluejay/mod"
)

func loadRepoMod(t *testing.T, vars map[string]string) *Mod {
	t.Helper()
	m, err := Load(mod.Files, "mod", vars)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range m.Diags {
		t.Errorf("mod: %s", FormatDiag(d))
	}
	return m
}

var placeholder = regexp.MustCompile(`\$(\d+)`)

// TestModParsesAndResolves: the mod's files parse, every benchmark child, panel query and var.
// reference resolves, and each control binds exactly the params it declares.
func TestModParsesAndResolves(t *testing.T) {
	m := loadRepoMod(t, nil)
	if m.Name != "bluejay" || m.Title == "" || m.Description == "" {
		t.Errorf("mod block: name %q title %q", m.Name, m.Title)
	}
	if len(m.Benchmarks) != 4 || len(m.TopBenchmarks()) != 4 {
		t.Errorf("%d benchmarks (%d top-level), want 4", len(m.Benchmarks), len(m.TopBenchmarks()))
	}
	if len(m.Controls) < 12 {
		t.Errorf("%d controls, want at least 12", len(m.Controls))
	}
	inBenchmark := map[string]int{}
	for _, b := range m.Benchmarks {
		for _, c := range b.Children {
			inBenchmark[c]++
		}
	}
	for _, c := range m.Controls {
		if inBenchmark["control."+c.Name] != 1 {
			t.Errorf("control %s is in %d benchmarks, want 1", c.Name, inBenchmark["control."+c.Name])
		}
		if c.Title == "" || c.Description == "" {
			t.Errorf("control %s has no title or description", c.Name)
		}
		for _, p := range c.Params {
			if p.Default.IsNull() {
				t.Errorf("control %s: param %s has no default", c.Name, p.Name)
			}
		}
	}
	queries, err := m.AllQueries(map[string]any{"agent_id": "42"})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		used := map[string]bool{}
		for _, mm := range placeholder.FindAllStringSubmatch(q.SQL, -1) {
			used[mm[1]] = true
		}
		for i := range q.Params {
			if !used[fmt.Sprint(i+1)] {
				t.Errorf("%s: param %s ($%d) is not used", q.Name, q.Params[i].Name, i+1)
			}
			delete(used, fmt.Sprint(i+1))
		}
		if len(used) > 0 {
			t.Errorf("%s: uses %v with no param", q.Name, used)
		}
		// Every call table is read with an explicit window, so a scan reads a bounded one.
		for _, table := range []string{"bluejay_call ", "bluejay_call_evaluation", "bluejay_call_custom_metric", "bluejay_call_tool_call"} {
			if strings.Contains(q.SQL+" ", table) && !strings.Contains(q.SQL, "last = $") {
				t.Errorf("%s reads %s without a last window", q.Name, strings.TrimSpace(table))
			}
		}
		for _, banned := range []string{"::", "now()", "->", "jsonb_", "json_", "percentile", "median", "filter (", "ilike"} {
			if strings.Contains(strings.ToLower(q.SQL), banned) {
				t.Errorf("%s uses %q, which one of Postgres and SQLite lacks", q.Name, banned)
			}
		}
	}
	if len(m.Dashboards) != 3 {
		t.Errorf("%d dashboards, want 3", len(m.Dashboards))
	}
	for _, d := range m.Dashboards {
		if len(d.Panels) == 0 {
			t.Errorf("dashboard %s has no panel", d.Name)
		}
	}
}

func TestVarOverridesAndUnknownVar(t *testing.T) {
	m := loadRepoMod(t, map[string]string{"max_latency_p95_ms": "1800", "window": "1day"})
	args, err := Args(m.Control("latency_p95").Params, nil)
	if err != nil || args[0] != "1day" || args[1] != int64(1800) {
		t.Errorf("args %v, %v", args, err)
	}
	if _, err := Load(mod.Files, "mod", map[string]string{"max_latncy_p95_ms": "1"}); err == nil || !strings.Contains(err.Error(), `no variable "max_latncy_p95_ms"`) || !strings.Contains(err.Error(), "max_latency_p95_ms") {
		t.Errorf("unknown --var: %v", err)
	}
	if _, err := Load(mod.Files, "mod", map[string]string{"max_latency_p95_ms": "fast"}); err == nil || !strings.Contains(err.Error(), "is a number") {
		t.Errorf("bad number: %v", err)
	}
}

// TestBadFilesAreReportedWithFileAndLine: a file that does not parse, an unknown var., a
// benchmark child that does not exist: each is reported at its file and line, and the rest of
// the mod loads.
func TestBadFilesAreReportedWithFileAndLine(t *testing.T) {
	fsys := fstest.MapFS{
		"a.pp": {Data: []byte("variable \"limit\" {\n  type = number\n  default = 3\n}\n\ncontrol \"good\" {\n  title = \"Good\"\n  sql = \"select 'x' as resource, 'ok' as status, 'fine' as reason\"\n}\n\ncontrol \"typo\" {\n  param \"n\" {\n    default = var.limt\n  }\n  sql = \"select $1\"\n}\n\nbenchmark \"b\" {\n  children = [control.good, control.typo, control.gone]\n}\n")},
		"b.pp": {Data: []byte("control \"broken\" {\n  sql = \"select 1\"\n\n")},
	}
	m, err := Load(fsys, "mymod", nil)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, d := range m.Diags {
		msgs = append(msgs, FormatDiag(d))
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		`mymod/a.pp:13: var.limt: the mod declares no variable "limt"`,
		`mymod/a.pp:18: benchmark "b" lists control.gone, which the mod does not define`,
		"mymod/b.pp:",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, all)
		}
	}
	if m.Control("good") == nil || m.Control("good").Err != nil {
		t.Error("the good control did not load")
	}
	if c := m.Control("typo"); c == nil || c.Err == nil || !strings.Contains(c.Err.Error(), "mymod/a.pp:13") {
		t.Errorf("the control with an unknown var: %+v", c)
	}
}

func TestSQLiteSQL(t *testing.T) {
	in := "select $2, '$1 it''s', \"$3\" -- $4\n, $1 /* $5 */ from t where a$1 = $10"
	want := "select ?2, '$1 it''s', \"$3\" -- $4\n, ?1 /* $5 */ from t where a$1 = ?10"
	if got := SQLiteSQL(in); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestControlsTableOfTheDocs: docs/checks.md lists every control under its benchmark, with its
// threshold variable and that variable's default.
func TestControlsTableOfTheDocs(t *testing.T) {
	m := loadRepoMod(t, nil)
	doc, err := os.ReadFile("../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| (\\w+) \\| `(\\w+)` \\| .* \\| (?:`(\\w+)` \\((\\w+)\\)|none) \\|$")
	listed := map[string]bool{}
	for _, mm := range row.FindAllStringSubmatch(string(doc), -1) {
		bench, control, variable, def := mm[1], mm[2], mm[3], mm[4]
		listed[control] = true
		b := m.Benchmark(bench)
		if b == nil || !slices.Contains(b.Children, "control."+control) {
			t.Errorf("docs: %s is not in benchmark %s", control, bench)
		}
		c := m.Control(control)
		if c == nil {
			t.Errorf("docs list a control %s the mod lacks", control)
			continue
		}
		if variable == "" {
			continue
		}
		v := m.Variable(variable)
		if v == nil || v.Default.GoString() != cty.NumberIntVal(mustInt(t, def)).GoString() {
			t.Errorf("docs: %s (%s), the mod says %#v", variable, def, v)
		}
		if !slices.ContainsFunc(c.Params, func(p Param) bool { return p.Default.Equals(v.Value).True() && p.Name != "window" }) {
			t.Errorf("docs: %s does not take %s", control, variable)
		}
	}
	for _, c := range m.Controls {
		if !listed[c.Name] {
			t.Errorf("docs/checks.md does not list control %s", c.Name)
		}
	}
}

func mustInt(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
