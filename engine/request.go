package engine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ncruces/go-sqlite3"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// Scan describes one plugin call a query made, in SQL terms: what Config.OnScan receives. It
// is how tests (and `bluejay-sql -v`) see what was pushed down.
type Scan struct {
	Table string
	// Quals are the quals sent, like `agent_id = '42'` or `agent_id in ('42', '7')`.
	Quals []string
	// Limit is the row limit sent to the plugin, -1 for none.
	Limit int64
}

// scanRequest is one plugin Execute call, built from a plan and Filter's arguments.
type scanRequest struct {
	Scan
	quals   map[string]*proto.Quals
	columns []string
}

// buildRequest reads the plan's values. empty is true when no row can match (a qual against
// NULL, an empty IN list, LIMIT 0): the plugin is then not called at all.
func buildRequest(t *tableDef, p plan, args []sqlite3.Value) (req scanRequest, empty bool) {
	req = scanRequest{Scan: Scan{Table: t.name, Limit: -1}, quals: map[string]*proto.Quals{}}
	allSent := true
	for _, q := range p.Quals {
		col := t.columns[q.Column]
		value, ok, none := qualArg(col.Type, args[q.Arg-1], q.In)
		if none {
			return req, true
		}
		if ok {
			req.addQual(col.Name, q.Op, value)
		}
		allSent = allSent && ok
	}
	// A qual left to SQLite after all (a value of the wrong type) voids the limit rule.
	if p.Limit > 0 && allSent {
		req.Limit = limitArg(args, p)
		if req.Limit == 0 {
			return req, true
		}
	}
	req.columns = t.columnNames()
	return req, false
}

// qualArg converts one argument. ok is false when the value cannot be a qual of the column's
// type (the qual is then left to SQLite); none is true when it can match no row.
func qualArg(typ proto.ColumnType, v sqlite3.Value, in bool) (value *proto.QualValue, ok, none bool) {
	if in {
		if value, ok, none, err := listQual(typ, v); err == nil {
			return value, ok, none
		}
		// Not an all-at-once IN after all: SQLite passed one value.
	}
	if v.Type() == sqlite3.NULL {
		return nil, false, true // `col = NULL` and `col > NULL` are never true
	}
	value, ok = qualValue(typ, v)
	return value, ok, false
}

// listQual reads every value of an all-at-once IN constraint into one list qual. Each value is
// converted as it is read, because SQLite reuses one sqlite3_value for the whole list. NULLs
// match nothing and are dropped; a value that cannot be converted leaves the IN to SQLite.
func listQual(typ proto.ColumnType, v sqlite3.Value) (value *proto.QualValue, ok, none bool, err error) {
	var values []*proto.QualValue
	convertible := true
	item, err := v.InFirst()
	for ; err == nil; item, err = v.InNext() {
		if item.Type() == sqlite3.NULL {
			continue
		}
		qv, ok := qualValue(typ, item)
		convertible = convertible && ok
		values = append(values, qv)
	}
	if !isDone(err) {
		return nil, false, false, err
	}
	switch {
	case len(values) == 0:
		return nil, false, true, nil
	case !convertible:
		return nil, false, false, nil
	}
	list := &proto.QualValueList{Values: values}
	return &proto.QualValue{Value: &proto.QualValue_ListValue{ListValue: list}}, true, false, nil
}

// isDone recognises SQLITE_DONE, which ends an IN list.
func isDone(err error) bool {
	const sqliteDone = 101
	return errors.Is(err, sqlite3.ErrorCode(sqliteDone))
}

func (r *scanRequest) addQual(column, op string, v *proto.QualValue) {
	q := r.quals[column]
	if q == nil {
		q = &proto.Quals{}
		r.quals[column] = q
	}
	q.Quals = append(q.Quals, &proto.Qual{FieldName: column, Operator: &proto.Qual_StringValue{StringValue: op}, Value: v})
	r.Scan.Quals = append(r.Scan.Quals, describeQual(column, op, v))
}

// limitArg is LIMIT plus OFFSET: the plugin must return the skipped rows too, since SQLite
// skips them. A negative LIMIT is no limit, as in SQLite.
func limitArg(args []sqlite3.Value, p plan) int64 {
	limit := args[p.Limit-1].Int64()
	if limit < 0 {
		return -1
	}
	if p.Offset > 0 {
		limit += max(args[p.Offset-1].Int64(), 0)
	}
	return limit
}

// proto builds the plugin's Execute request.
func (r *scanRequest) proto(connection, callID string) *proto.ExecuteRequest {
	data := &proto.ExecuteConnectionData{CacheEnabled: false}
	if r.Limit >= 0 {
		data.Limit = &proto.NullableInt{Value: r.Limit}
	}
	return &proto.ExecuteRequest{
		Table:                 r.Table,
		QueryContext:          &proto.QueryContext{Columns: r.columns, Quals: r.quals},
		Connection:            connection,
		CallId:                callID,
		ExecuteConnectionData: map[string]*proto.ExecuteConnectionData{connection: data},
	}
}

// describeQual writes a qual as SQL, for Scan.
func describeQual(column, op string, v *proto.QualValue) string {
	if list := v.GetListValue(); list != nil {
		items := make([]string, len(list.Values))
		for i, item := range list.Values {
			items[i] = literal(item)
		}
		return fmt.Sprintf("%s in (%s)", column, strings.Join(items, ", "))
	}
	return fmt.Sprintf("%s %s %s", column, op, literal(v))
}

func literal(v *proto.QualValue) string {
	switch x := v.GetValue().(type) {
	case *proto.QualValue_StringValue:
		return "'" + strings.ReplaceAll(x.StringValue, "'", "''") + "'"
	case *proto.QualValue_Int64Value:
		return strconv.FormatInt(x.Int64Value, 10)
	case *proto.QualValue_DoubleValue:
		return strconv.FormatFloat(x.DoubleValue, 'g', -1, 64)
	case *proto.QualValue_BoolValue:
		return strconv.FormatBool(x.BoolValue)
	case *proto.QualValue_TimestampValue:
		return "'" + formatTime(x.TimestampValue.AsTime()) + "'"
	case *proto.QualValue_JsonbValue:
		return "'" + strings.ReplaceAll(x.JsonbValue, "'", "''") + "'"
	}
	return "?"
}
