package modcheck

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

type parsedFile struct {
	body *hclsyntax.Body
}

func parseFile(name string, src []byte) (*parsedFile, hcl.Diagnostics) {
	f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	return &parsedFile{body: f.Body.(*hclsyntax.Body)}, diags
}

// panelKinds are the dashboard blocks that may run a query; containers are walked into.
var panelKinds = map[string]bool{"card": true, "chart": true, "table": true, "input": true, "graph": true, "flow": true, "hierarchy": true, "image": true, "text": true}

func (m *Mod) readVariables(f *parsedFile) {
	for _, b := range f.body.Blocks {
		if b.Type != "variable" {
			continue
		}
		v, diags := readVariable(b)
		m.Diags = append(m.Diags, diags...)
		if v != nil {
			m.Variables = append(m.Variables, v)
		}
	}
}

func readVariable(b *hclsyntax.Block) (*Variable, hcl.Diagnostics) {
	if len(b.Labels) != 1 {
		return nil, hcl.Diagnostics{diagAt(b.Range(), "a variable block takes one label, its name")}
	}
	v := &Variable{Name: b.Labels[0], Type: cty.DynamicPseudoType, Range: b.Range()}
	var diags hcl.Diagnostics
	if a := b.Body.Attributes["type"]; a != nil {
		t, d := typeexpr.TypeConstraint(a.Expr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			v.Type = t
		}
	}
	if a := b.Body.Attributes["description"]; a != nil {
		v.Description = stringAttr(a, &diags)
	}
	if a := b.Body.Attributes["default"]; a != nil {
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		v.Default = val
	}
	v.Value = v.Default
	return v, diags
}

// evalContext offers var.<name> to the expressions of the mod.
func (m *Mod) evalContext() *hcl.EvalContext {
	vals := map[string]cty.Value{}
	for _, v := range m.Variables {
		if v.Value == cty.NilVal {
			vals[v.Name] = cty.NullVal(v.Type)
		} else {
			vals[v.Name] = v.Value
		}
	}
	return &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(vals)}}
}

func (m *Mod) readResources(f *parsedFile, ctx *hcl.EvalContext) {
	for _, b := range f.body.Blocks {
		var diags hcl.Diagnostics
		switch b.Type {
		case "mod":
			m.readModBlock(b, &diags)
		case "control":
			if c := readControl(b, ctx, &diags); c != nil {
				m.Controls = append(m.Controls, c)
			}
		case "query":
			if q := readQuery(b, ctx, &diags); q != nil {
				m.Queries = append(m.Queries, q)
			}
		case "benchmark":
			if bm := readBenchmark(b, &diags); bm != nil {
				m.Benchmarks = append(m.Benchmarks, bm)
			}
		case "dashboard":
			if d := readDashboard(b, &diags); d != nil {
				m.Dashboards = append(m.Dashboards, d)
			}
		}
		m.Diags = append(m.Diags, diags...)
	}
}

func (m *Mod) readModBlock(b *hclsyntax.Block, diags *hcl.Diagnostics) {
	if len(b.Labels) == 1 {
		m.Name = b.Labels[0]
	}
	if a := b.Body.Attributes["title"]; a != nil {
		m.Title = stringAttr(a, diags)
	}
	if a := b.Body.Attributes["description"]; a != nil {
		m.Description = stringAttr(a, diags)
	}
}

// named checks a resource block's single label.
func named(b *hclsyntax.Block, diags *hcl.Diagnostics) (string, bool) {
	if len(b.Labels) != 1 || b.Labels[0] == "" {
		*diags = append(*diags, diagAt(b.Range(), fmt.Sprintf("a %s block takes one label, its name", b.Type)))
		return "", false
	}
	return b.Labels[0], true
}

func readControl(b *hclsyntax.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Control {
	name, ok := named(b, diags)
	if !ok {
		return nil
	}
	c := &Control{Name: name, Range: b.Range()}
	c.Title, c.Description = titleAndDescription(b, diags)
	var own hcl.Diagnostics
	c.SQL = sqlAttr(b, &own)
	c.Params = readParams(b, ctx, &own)
	if own.HasErrors() {
		c.Err = firstError(own)
	}
	*diags = append(*diags, own...)
	return c
}

func readQuery(b *hclsyntax.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Query {
	name, ok := named(b, diags)
	if !ok {
		return nil
	}
	q := &Query{Name: name, Range: b.Range()}
	q.Title, _ = titleAndDescription(b, diags)
	var own hcl.Diagnostics
	q.SQL = sqlAttr(b, &own)
	q.Params = readParams(b, ctx, &own)
	if own.HasErrors() {
		q.Err = firstError(own)
	}
	*diags = append(*diags, own...)
	return q
}

// firstError is the first error of diags, as "file:line: message".
func firstError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return errors.New(FormatDiag(d))
		}
	}
	return nil
}

func titleAndDescription(b *hclsyntax.Block, diags *hcl.Diagnostics) (title, description string) {
	if a := b.Body.Attributes["title"]; a != nil {
		title = stringAttr(a, diags)
	}
	if a := b.Body.Attributes["description"]; a != nil {
		description = stringAttr(a, diags)
	}
	return title, description
}

func sqlAttr(b *hclsyntax.Block, diags *hcl.Diagnostics) string {
	a := b.Body.Attributes["sql"]
	if a == nil {
		*diags = append(*diags, diagAt(b.Range(), fmt.Sprintf("%s %q has no sql", b.Type, b.Labels[0])))
		return ""
	}
	return stringAttr(a, diags)
}

// readParams evaluates each param's default; a default that names an unknown variable is a
// diagnostic at that line.
func readParams(b *hclsyntax.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) []Param {
	var out []Param
	for _, pb := range b.Body.Blocks {
		if pb.Type != "param" {
			continue
		}
		name, ok := named(pb, diags)
		if !ok {
			continue
		}
		p := Param{Name: name, Range: pb.Range()}
		if a := pb.Body.Attributes["description"]; a != nil {
			p.Description = stringAttr(a, diags)
		}
		if a := pb.Body.Attributes["default"]; a != nil {
			val, d := a.Expr.Value(ctx)
			*diags = append(*diags, d...)
			if !d.HasErrors() {
				p.Default = val
			}
		}
		out = append(out, p)
	}
	return out
}

func readBenchmark(b *hclsyntax.Block, diags *hcl.Diagnostics) *Benchmark {
	name, ok := named(b, diags)
	if !ok {
		return nil
	}
	bm := &Benchmark{Name: name, Range: b.Range()}
	bm.Title, bm.Description = titleAndDescription(b, diags)
	a := b.Body.Attributes["children"]
	if a == nil {
		*diags = append(*diags, diagAt(b.Range(), fmt.Sprintf("benchmark %q has no children", name)))
		return bm
	}
	list, d := hcl.ExprList(a.Expr)
	*diags = append(*diags, d...)
	for _, tr := range list {
		t, d := hcl.AbsTraversalForExpr(tr)
		if d.HasErrors() || len(t) != 2 {
			*diags = append(*diags, diagAt(tr.Range(), fmt.Sprintf("benchmark %q: a child is written control.<name> or benchmark.<name>", name)))
			continue
		}
		attr, _ := t[1].(hcl.TraverseAttr)
		bm.Children = append(bm.Children, t.RootName()+"."+attr.Name)
	}
	return bm
}

func readDashboard(b *hclsyntax.Block, diags *hcl.Diagnostics) *Dashboard {
	name, ok := named(b, diags)
	if !ok {
		return nil
	}
	d := &Dashboard{Name: name, Range: b.Range()}
	d.Title, _ = titleAndDescription(b, diags)
	d.Panels = readPanels(b.Body, diags)
	return d
}

// readPanels walks containers and collects the panels that run a named query.
func readPanels(body *hclsyntax.Body, diags *hcl.Diagnostics) []*Panel {
	var out []*Panel
	for _, b := range body.Blocks {
		if b.Type == "container" {
			out = append(out, readPanels(b.Body, diags)...)
			continue
		}
		if !panelKinds[b.Type] {
			continue
		}
		if b.Body.Attributes["sql"] != nil {
			*diags = append(*diags, diagAt(b.Range(), fmt.Sprintf("%s: give the SQL a named query block and use query = query.<name>, so checks can list it", b.Type)))
			continue
		}
		a := b.Body.Attributes["query"]
		if a == nil {
			continue
		}
		t, d := hcl.AbsTraversalForExpr(a.Expr)
		if d.HasErrors() || len(t) != 2 || t.RootName() != "query" {
			*diags = append(*diags, diagAt(a.Range(), fmt.Sprintf("%s: write query = query.<name>", b.Type)))
			continue
		}
		attr, _ := t[1].(hcl.TraverseAttr)
		p := &Panel{Kind: b.Type, Query: attr.Name, Range: b.Range()}
		p.Title, _ = titleAndDescription(b, diags)
		if args := b.Body.Attributes["args"]; args != nil {
			if obj, ok := args.Expr.(*hclsyntax.ObjectConsExpr); ok {
				for _, item := range obj.Items {
					p.ArgNames = append(p.ArgNames, hcl.ExprAsKeyword(item.KeyExpr))
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// stringAttr evaluates an attribute that must be a constant string.
func stringAttr(a *hclsyntax.Attribute, diags *hcl.Diagnostics) string {
	v, d := a.Expr.Value(nil)
	*diags = append(*diags, d...)
	if d.HasErrors() || v.IsNull() || v.Type() != cty.String {
		if !d.HasErrors() {
			*diags = append(*diags, diagAt(a.Range(), fmt.Sprintf("%s must be a string", a.Name)))
		}
		return ""
	}
	return v.AsString()
}

// checkVarNames reports every var.<name> that names no variable of the mod, wherever it is
// (param defaults, dashboard args...).
func (m *Mod) checkVarNames(f *parsedFile) hcl.Diagnostics {
	var diags hcl.Diagnostics
	walkExprs(f.body, func(e hclsyntax.Expression) {
		for _, t := range e.Variables() {
			if t.RootName() != "var" {
				continue
			}
			attr, ok := t.SimpleSplit().Rel[0].(hcl.TraverseAttr)
			switch {
			case len(t) < 2 || !ok:
				diags = append(diags, diagAt(t.SourceRange(), "write var.<name>"))
			case m.Variable(attr.Name) == nil:
				diags = append(diags, diagAt(t.SourceRange(), fmt.Sprintf("var.%s: the mod declares no variable %q (see variables.pp)", attr.Name, attr.Name)))
			}
		}
	})
	return diags
}

// walkExprs calls fn with every attribute expression of body and its nested blocks.
func walkExprs(body *hclsyntax.Body, fn func(hclsyntax.Expression)) {
	for _, a := range body.Attributes {
		fn(a.Expr)
	}
	for _, b := range body.Blocks {
		walkExprs(b.Body, fn)
	}
}

// parseVarValue reads a --var value as the variable's type.
func parseVarValue(t cty.Type, s string) (cty.Value, error) {
	switch t {
	case cty.Number:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return cty.NilVal, fmt.Errorf("the variable is a number")
		}
		return cty.NumberFloatVal(f), nil
	case cty.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return cty.NilVal, fmt.Errorf("the variable is a bool: true or false")
		}
		return cty.BoolVal(b), nil
	case cty.String, cty.DynamicPseudoType:
		return cty.StringVal(s), nil
	}
	return cty.NilVal, fmt.Errorf("variables of type %s cannot be set with --var", t.FriendlyName())
}
