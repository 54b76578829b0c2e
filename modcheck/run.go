package modcheck

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
)

// The statuses a control row may have, as Powerpipe defines them.
const (
	StatusOK    = "ok"
	StatusAlarm = "alarm"
	StatusInfo  = "info"
	StatusSkip  = "skip"
	StatusError = "error"
)

// Statuses in the order summaries list them.
var Statuses = []string{StatusOK, StatusAlarm, StatusInfo, StatusSkip, StatusError}

// Querier runs SQL with arguments: *engine.DB.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (*engine.Result, error)
}

// Row is one resource's result.
type Row struct {
	Resource   string
	Status     string
	Reason     string
	Dimensions []Dimension // every column besides resource, status and reason
}

// Dimension is one extra column of a control row.
type Dimension struct {
	Key   string
	Value string
}

// ControlResult is one control's run: its rows, or the error that stopped it.
type ControlResult struct {
	Control  *Control
	Rows     []Row
	Err      error
	Duration time.Duration
}

// Counts are the results' rows per status; a control that failed counts one error.
func (r *ControlResult) Counts() map[string]int {
	out := map[string]int{}
	if r.Err != nil {
		out[StatusError]++
		return out
	}
	for _, row := range r.Rows {
		out[row.Status]++
	}
	return out
}

// RunControl runs one control with its params' defaults. where, when set, is a SQL condition on
// the control's result columns (agent_id = '42', status = 'alarm').
func RunControl(ctx context.Context, db Querier, c *Control, where string) *ControlResult {
	start := time.Now()
	res := &ControlResult{Control: c}
	defer func() { res.Duration = time.Since(start) }()
	if c.Err != nil {
		res.Err = c.Err
		return res
	}
	args, err := Args(c.Params, nil)
	if err != nil {
		res.Err = fmt.Errorf("%s:%d: control %q: %w", c.Range.Filename, c.Range.Start.Line, c.Name, err)
		return res
	}
	sql := c.SQL
	if strings.TrimSpace(where) != "" {
		sql = "select * from (\n" + strings.TrimRight(strings.TrimSpace(sql), ";") + "\n) as control_rows where " + where
	}
	out, err := db.Query(ctx, SQLiteSQL(sql), args...)
	if err != nil && strings.TrimSpace(where) != "" {
		err = fmt.Errorf("%w (its rows were filtered by the condition %q)", err, where)
	}
	if err != nil {
		res.Err = fmt.Errorf("%s:%d: control %q: %w", c.Range.Filename, c.Range.Start.Line, c.Name, err)
		return res
	}
	res.Rows, res.Err = controlRows(out)
	if res.Err != nil {
		res.Err = fmt.Errorf("%s:%d: control %q: %w", c.Range.Filename, c.Range.Start.Line, c.Name, res.Err)
	}
	return res
}

// controlRows checks a control's result has resource, status and reason columns and valid
// statuses, and reads the rest as dimensions.
func controlRows(res *engine.Result) ([]Row, error) {
	idx := map[string]int{}
	for i, c := range res.Columns {
		idx[c] = i
	}
	for _, want := range []string{"resource", "status", "reason"} {
		if _, ok := idx[want]; !ok {
			return nil, fmt.Errorf("its query returns no %q column (it returns %s)", want, strings.Join(res.Columns, ", "))
		}
	}
	rows := make([]Row, 0, len(res.Rows))
	for _, r := range res.Rows {
		row := Row{Resource: text(r[idx["resource"]]), Status: text(r[idx["status"]]), Reason: text(r[idx["reason"]])}
		if !slices.Contains(Statuses, row.Status) {
			return nil, fmt.Errorf("resource %q has status %q; a status is one of %s", row.Resource, row.Status, strings.Join(Statuses, ", "))
		}
		for i, c := range res.Columns {
			if c != "resource" && c != "status" && c != "reason" {
				row.Dimensions = append(row.Dimensions, Dimension{Key: c, Value: text(r[i])})
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// Args are the values bound to $1, $2...: each param's value from given (by name), else its
// default. A param with neither is an error.
func Args(params []Param, given map[string]any) ([]any, error) {
	out := make([]any, len(params))
	for i, p := range params {
		if v, ok := given[p.Name]; ok {
			out[i] = v
			continue
		}
		if p.Default == cty.NilVal {
			return nil, fmt.Errorf("param %q ($%d) has no default; give it a value", p.Name, i+1)
		}
		v, err := goValue(p.Default)
		if err != nil {
			return nil, fmt.Errorf("param %q: %w", p.Name, err)
		}
		out[i] = v
	}
	return out, nil
}

// goValue turns a param value into what a SQL driver binds: whole numbers as integers, so
// that "limit 10%" reads the same in both engines.
func goValue(v cty.Value) (any, error) {
	if v.IsNull() {
		return nil, nil
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), nil
	case cty.Bool:
		return v.True(), nil
	case cty.Number:
		bf := v.AsBigFloat()
		if bf.IsInt() {
			if i, acc := bf.Int64(); acc == big.Exact {
				return i, nil
			}
		}
		f, _ := bf.Float64()
		return f, nil
	}
	return nil, fmt.Errorf("a %s value cannot be bound to SQL; use a string, number or bool", v.Type().FriendlyName())
}

// SQLiteSQL rewrites Postgres's positional $1, $2... as SQLite's ?1, ?2...: SQLite reads $1 as
// a parameter named "$1" and numbers named parameters in order of appearance, so a query
// using $2 before $1 would bind them swapped. Strings, quoted names and comments are left as
// they are.
func SQLiteSQL(sql string) string {
	var b strings.Builder
	for i := 0; i < len(sql); {
		switch c := sql[i]; {
		case c == '\'' || c == '"':
			j := closingQuote(sql, i)
			b.WriteString(sql[i:j])
			i = j
		case strings.HasPrefix(sql[i:], "--"):
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				j = len(sql) - i
			}
			b.WriteString(sql[i : i+j])
			i += j
		case strings.HasPrefix(sql[i:], "/*"):
			j := strings.Index(sql[i+2:], "*/")
			end := len(sql)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '$' && i+1 < len(sql) && isDigit(sql[i+1]) && (i == 0 || !isWordByte(sql[i-1])):
			b.WriteByte('?')
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// closingQuote returns the index just past the quote that closes the one at i; a doubled
// quote inside is an escaped one.
func closingQuote(sql string, i int) int {
	q := sql[i]
	for j := i + 1; j < len(sql); j++ {
		if sql[j] == q {
			if j+1 < len(sql) && sql[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(sql)
}

func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isWordByte(c byte) bool { return c == '_' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') }
