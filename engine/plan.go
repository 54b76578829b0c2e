package engine

import (
	"encoding/json"
	"slices"

	"github.com/ncruces/go-sqlite3"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// plan is what BestIndex chose for one scan. SQLite hands it back to Filter as idxStr, so it
// says where each value sits in Filter's arguments.
type plan struct {
	Quals []planQual `json:"q,omitempty"`
	// Limit and Offset are the argument positions (from 1) of the LIMIT and OFFSET values,
	// 0 when the limit is not pushed.
	Limit  int `json:"l,omitempty"`
	Offset int `json:"o,omitempty"`
}

// planQual is one constraint sent to the plugin as a qual.
type planQual struct {
	Column int    `json:"c"`
	Op     string `json:"op"`
	Arg    int    `json:"a"`
	// In says the argument is a whole IN list, read with sqlite3_vtab_in_first/next: the
	// plugin then gets one qual with a list value, as Postgres sends `= ANY(...)`.
	In bool `json:"in,omitempty"`
}

// sqlOps are the SQLite constraint operators that have a Steampipe qual operator.
var sqlOps = map[sqlite3.IndexConstraintOp]string{
	sqlite3.INDEX_CONSTRAINT_EQ: "=",
	sqlite3.INDEX_CONSTRAINT_GT: ">",
	sqlite3.INDEX_CONSTRAINT_GE: ">=",
	sqlite3.INDEX_CONSTRAINT_LT: "<",
	sqlite3.INDEX_CONSTRAINT_LE: "<=",
	sqlite3.INDEX_CONSTRAINT_NE: "<>",
}

// choosePlan fills SQLite's index info for one way of scanning the table: which constraints
// become quals, whether the LIMIT goes to the plugin, and what the scan costs.
//
// No constraint is marked omit: SQLite checks every row again, as Postgres does behind
// Steampipe, because a plugin may return rows a qual does not match (a Get by id ignores the
// other quals; a time bound only chooses the API window).
func choosePlan(t *tableDef, info *sqlite3.IndexInfo) {
	var p plan
	exact := true // every WHERE constraint became a qual the plugin applies exactly
	limitAt, offsetAt := -1, -1
	for i, c := range info.Constraint {
		switch c.Op {
		case sqlite3.INDEX_CONSTRAINT_LIMIT:
			limitAt = i
			continue
		case sqlite3.INDEX_CONSTRAINT_OFFSET:
			offsetAt = i
			continue
		}
		op, known := sqlOps[c.Op]
		if !c.Usable || !known || !t.accepts(c.Column, op) {
			exact = false
			continue
		}
		q := planQual{Column: c.Column, Op: op, Arg: len(p.Quals) + 1}
		info.ConstraintUsage[i].ArgvIndex = q.Arg
		if op == "=" && !isTime(t.columns[c.Column]) && info.In(i, -1) {
			q.In = info.In(i, 1)
		}
		exact = exact && isExact(t.columns[c.Column], op)
		p.Quals = append(p.Quals, q)
	}
	if exact && limitAt >= 0 && len(info.OrderBy) == 0 {
		pushLimit(&p, info, limitAt, offsetAt)
	}
	rows, cost := t.estimate(p)
	info.EstimatedRows = rows
	info.EstimatedCost = cost
	b, _ := json.Marshal(p) // a plain struct: cannot fail
	info.IdxStr = string(b)
}

// pushLimit hands LIMIT (and OFFSET) to the plugin. The caller has checked the rule: nothing
// is left that the plugin cannot apply (no ORDER BY, which SQLite sorts after the scan, and no
// constraint that is not an exact qual), because the plugin stops after that many rows and any
// later filtering or sorting would then work on the wrong rows. SQLite still applies both
// itself (no omit), so the plugin is asked for LIMIT+OFFSET rows.
func pushLimit(p *plan, info *sqlite3.IndexInfo, limitAt, offsetAt int) {
	next := len(p.Quals) + 1
	info.ConstraintUsage[limitAt].ArgvIndex = next
	p.Limit = next
	if offsetAt >= 0 {
		info.ConstraintUsage[offsetAt].ArgvIndex = next + 1
		p.Offset = next + 1
	}
}

// isExact tells whether the plugin returns exactly the rows matching `column op value`. An
// equality on a key column is: the API filters on it. A bound on a time column is not: the
// plugin only uses it to choose the API's window, and SQLite compares the text.
func isExact(c *proto.ColumnDefinition, op string) bool {
	return op == "=" && !isTime(c)
}

func isTime(c *proto.ColumnDefinition) bool {
	return c.Type == proto.ColumnType_TIMESTAMP || c.Type == proto.ColumnType_DATETIME
}

// Row estimates for the planner. Only their order matters: a read of one call is far cheaper
// than a read of one agent, which is far cheaper than a read of every agent. That makes SQLite
// drive a join from the side the query narrows, and look up the other side by id (one GET per
// row) rather than scan it once per outer row.
const (
	scanRows      = 1_000_000
	lookupRows    = 5
	impossibleRow = 1e15
)

// lookupColumns are key columns whose equality reads a single call: bluejay_call's Get key
// (id, from the schema) and the child tables' call_id, which the schema lists as a plain list
// key column.
var lookupColumns = []string{"call_id", "simulation_run_id"}

// estimate returns the rows and cost of a plan.
func (t *tableDef) estimate(p plan) (int64, float64) {
	rows := float64(scanRows)
	for _, q := range p.Quals {
		name := t.columns[q.Column].Name
		switch {
		case q.Op == "=" && (slices.Contains(t.getKeys, name) || slices.Contains(lookupColumns, name)):
			rows = min(rows, lookupRows)
		case q.Op == "=":
			rows /= 20
		default:
			rows /= 3
		}
	}
	rows = max(rows, 1)
	if !t.requiredMet(p) {
		return int64(rows), impossibleRow
	}
	return int64(rows), rows
}

// requiredMet tells whether a plan gives the plugin the quals it cannot list without: all
// required list key columns, or all get key columns.
func (t *tableDef) requiredMet(p plan) bool {
	has := func(name string) bool {
		return slices.ContainsFunc(p.Quals, func(q planQual) bool { return t.columns[q.Column].Name == name && q.Op == "=" })
	}
	allOf := func(names []string) bool {
		for _, n := range names {
			if !has(n) {
				return false
			}
		}
		return true
	}
	return allOf(t.required) || (len(t.getKeys) > 0 && allOf(t.getKeys))
}
