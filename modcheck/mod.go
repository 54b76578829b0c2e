// Package modcheck reads the Powerpipe mod of this repository (mod/*.pp: variables, controls,
// benchmarks, queries, dashboards) with the HCL library, resolves its variables, and runs its
// controls on the project's SQLite engine (package engine), the way Powerpipe runs them on
// Steampipe's Postgres. `bluejay-sql check` is built on it, and so are the tests that compare
// the two engines: Mod.Queries lists every control and dashboard query with its arguments.
//
// Only what a check needs is read: names, titles, descriptions, sql, params and their
// defaults, benchmark children, and the query and args of dashboard panels. Every other
// attribute (tags, documentation, width...) is left for Powerpipe.
package modcheck

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Mod is a parsed mod. A file or block that failed to parse is left out and its problem kept
// in Diags; everything else is usable.
type Mod struct {
	Name        string
	Title       string
	Description string

	Variables  []*Variable
	Controls   []*Control
	Benchmarks []*Benchmark
	Queries    []*Query // named `query` blocks, which dashboards use
	Dashboards []*Dashboard

	// Diags are the problems found while reading: each names its file and line.
	Diags hcl.Diagnostics
}

// Variable is a `variable` block with the value in effect (its default, or a --var).
type Variable struct {
	Name        string
	Description string
	Type        cty.Type
	Default     cty.Value
	Value       cty.Value
	Range       hcl.Range
}

// Param is a `param` block of a control or query: its position is the $N it binds.
type Param struct {
	Name        string
	Description string
	// Default is the default evaluated against the variables; cty.NilVal when there is none.
	Default cty.Value
	Range   hcl.Range
}

// Control is a `control` block.
type Control struct {
	Name        string
	Title       string
	Description string
	SQL         string
	Params      []Param
	Range       hcl.Range
	// Err is set when the control cannot run: a bad param default, no sql. Running it
	// reports this error and runs nothing.
	Err error
}

// Benchmark is a `benchmark` block; Children are "control.x" or "benchmark.y".
type Benchmark struct {
	Name        string
	Title       string
	Description string
	Children    []string
	Range       hcl.Range
}

// Query is a named `query` block.
type Query struct {
	Name   string
	Title  string
	SQL    string
	Params []Param
	Range  hcl.Range
	Err    error
}

// Dashboard is a `dashboard` block, flattened to its panels.
type Dashboard struct {
	Name   string
	Title  string
	Panels []*Panel
	Range  hcl.Range
}

// Panel is a card, chart, table or input of a dashboard that runs a named query.
type Panel struct {
	Kind  string // card, chart, table, input...
	Title string
	Query string // the query's name, from `query = query.name`
	// ArgNames are the keys of an `args = {...}` object, matched to the query's params.
	ArgNames []string
	Range    hcl.Range
}

// Load reads every .pp file at the top of fsys, with vars (name to value, as typed after
// --var) overriding variable defaults. dir prefixes the file names in messages ("mod"). A variable name the mod does not declare is an error;
// problems inside the files are in Mod.Diags.
func Load(fsys fs.FS, dir string, vars map[string]string) (*Mod, error) {
	names, err := fs.Glob(fsys, "*.pp")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no .pp files: not a Powerpipe mod directory")
	}
	sort.Strings(names)
	m := &Mod{}
	var files []*parsedFile
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		f, diags := parseFile(path.Join(dir, name), src)
		m.Diags = append(m.Diags, diags...)
		if f != nil {
			files = append(files, f)
		}
	}
	for _, f := range files {
		m.readVariables(f)
	}
	if err := m.setVars(vars); err != nil {
		return nil, err
	}
	ctx := m.evalContext()
	var diags hcl.Diagnostics
	for _, f := range files {
		diags = append(diags, m.checkVarNames(f)...)
		m.readResources(f, ctx)
	}
	m.Diags = uniqueByLine(append(append(diags, m.Diags...), m.checkReferences()...))
	return m, nil
}

// setVars applies --var values, typed as their variable declares.
func (m *Mod) setVars(vars map[string]string) error {
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m.Variable(k)
		if v == nil {
			return fmt.Errorf("--var %s: the mod has no variable %q; it has %s", k, k, strings.Join(m.variableNames(), ", "))
		}
		val, err := parseVarValue(v.Type, vars[k])
		if err != nil {
			return fmt.Errorf("--var %s=%s: %w", k, vars[k], err)
		}
		v.Value = val
	}
	return nil
}

func (m *Mod) variableNames() []string {
	out := make([]string, len(m.Variables))
	for i, v := range m.Variables {
		out[i] = v.Name
	}
	return out
}

// Variable returns the named variable, or nil.
func (m *Mod) Variable(name string) *Variable {
	return find(m.Variables, name, func(v *Variable) string { return v.Name })
}

// Control returns the named control ("x" or "control.x"), or nil.
func (m *Mod) Control(name string) *Control {
	return find(m.Controls, strings.TrimPrefix(name, "control."), func(c *Control) string { return c.Name })
}

// Benchmark returns the named benchmark ("x" or "benchmark.x"), or nil.
func (m *Mod) Benchmark(name string) *Benchmark {
	return find(m.Benchmarks, strings.TrimPrefix(name, "benchmark."), func(b *Benchmark) string { return b.Name })
}

// Query returns the named query ("x" or "query.x"), or nil.
func (m *Mod) Query(name string) *Query {
	return find(m.Queries, strings.TrimPrefix(name, "query."), func(q *Query) string { return q.Name })
}

// find returns the item called name, or nil.
func find[T any](items []*T, name string, nameOf func(*T) string) *T {
	if i := slices.IndexFunc(items, func(t *T) bool { return nameOf(t) == name }); i >= 0 {
		return items[i]
	}
	return nil
}

// TopBenchmarks are the benchmarks no other benchmark lists, in file order.
func (m *Mod) TopBenchmarks() []*Benchmark {
	child := map[string]bool{}
	for _, b := range m.Benchmarks {
		for _, c := range b.Children {
			child[c] = true
		}
	}
	var out []*Benchmark
	for _, b := range m.Benchmarks {
		if !child["benchmark."+b.Name] {
			out = append(out, b)
		}
	}
	return out
}

// checkReferences reports benchmark children and panel queries that name nothing, and panel
// args that name no param of their query.
func (m *Mod) checkReferences() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range m.Benchmarks {
		for _, c := range b.Children {
			kind, name, _ := strings.Cut(c, ".")
			if (kind == "control" && m.Control(name) == nil) || (kind == "benchmark" && m.Benchmark(name) == nil) || (kind != "control" && kind != "benchmark") {
				diags = append(diags, diagAt(b.Range, fmt.Sprintf("benchmark %q lists %s, which the mod does not define", b.Name, c)))
			}
		}
	}
	for _, d := range m.Dashboards {
		for _, p := range d.Panels {
			q := m.Query(p.Query)
			if q == nil {
				diags = append(diags, diagAt(p.Range, fmt.Sprintf("dashboard %q: %s uses query.%s, which the mod does not define", d.Name, p.Kind, p.Query)))
				continue
			}
			for _, a := range p.ArgNames {
				if !slices.ContainsFunc(q.Params, func(pr Param) bool { return pr.Name == a }) {
					diags = append(diags, diagAt(p.Range, fmt.Sprintf("dashboard %q: %s passes %s to query.%s, which has no such param", d.Name, p.Kind, a, q.Name)))
				}
			}
		}
	}
	return diags
}

func diagAt(r hcl.Range, msg string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: msg, Subject: r.Ptr()}
}

// uniqueByLine keeps one problem per file and line: an unknown var.x is found both by the
// name check and by evaluating the default it is in.
func uniqueByLine(diags hcl.Diagnostics) hcl.Diagnostics {
	seen := map[string]bool{}
	var out hcl.Diagnostics
	for _, d := range diags {
		key := d.Summary
		if d.Subject != nil {
			key = fmt.Sprintf("%s:%d", d.Subject.Filename, d.Subject.Start.Line)
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, d)
		}
	}
	return out
}

// FormatDiag writes a diagnostic as "file:line: message".
func FormatDiag(d *hcl.Diagnostic) string {
	msg := d.Summary
	if d.Detail != "" {
		msg += ": " + d.Detail
	}
	if d.Subject == nil {
		return msg
	}
	return fmt.Sprintf("%s:%d: %s", d.Subject.Filename, d.Subject.Start.Line, msg)
}
