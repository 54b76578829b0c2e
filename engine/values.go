package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ncruces/go-sqlite3"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// jsonSubtype marks a result as JSON text ('J'), so json_array(tags) nests the array instead
// of quoting it as a string.
const jsonSubtype = 'J'

// setResult writes one plugin column value as an SQLite value.
func setResult(ctx sqlite3.Context, v *proto.Column) {
	switch x := v.GetValue().(type) {
	case *proto.Column_DoubleValue:
		ctx.ResultFloat(x.DoubleValue)
	case *proto.Column_IntValue:
		ctx.ResultInt64(x.IntValue)
	case *proto.Column_StringValue:
		ctx.ResultText(x.StringValue)
	case *proto.Column_BoolValue:
		ctx.ResultBool(x.BoolValue)
	case *proto.Column_JsonValue:
		setJSON(ctx, x.JsonValue)
	case *proto.Column_TimestampValue:
		ctx.ResultText(formatTime(x.TimestampValue.AsTime()))
	case *proto.Column_IpAddrValue:
		ctx.ResultText(x.IpAddrValue)
	case *proto.Column_CidrRangeValue:
		ctx.ResultText(x.CidrRangeValue)
	case *proto.Column_LtreeValue:
		ctx.ResultText(x.LtreeValue)
	default: // absent, or Column_NullValue
		ctx.ResultNull()
	}
}

// setJSON writes JSON text; a JSON null is SQL NULL, which is what the plugin means by it.
func setJSON(ctx sqlite3.Context, b []byte) {
	if len(b) == 0 || string(b) == "null" {
		ctx.ResultNull()
		return
	}
	ctx.ResultRawText(b)
	ctx.ResultSubtype(jsonSubtype)
}

// formatTime is ISO-8601 in UTC, with fractional seconds only when there are any.
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// timeLayouts are the timestamp spellings a qual value may use: the columns' own format, and
// what SQLite's date functions return (datetime('now', '-7 days') gives "2026-11-18 10:00:00").
var timeLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseTime reads a timestamp; one without a zone is UTC, as SQLite's date functions mean it.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// qualValue turns an SQLite value into a qual value of the column's type. ok is false when it
// has no such value (a word compared with a number column, a number with a timestamp column):
// the qual is then not sent, and SQLite's own check of the constraint decides.
func qualValue(typ proto.ColumnType, v sqlite3.Value) (*proto.QualValue, bool) {
	switch typ {
	case proto.ColumnType_STRING:
		return &proto.QualValue{Value: &proto.QualValue_StringValue{StringValue: v.Text()}}, true
	case proto.ColumnType_INT:
		i, ok := intOf(v)
		return &proto.QualValue{Value: &proto.QualValue_Int64Value{Int64Value: i}}, ok
	case proto.ColumnType_DOUBLE:
		f, ok := floatOf(v)
		return &proto.QualValue{Value: &proto.QualValue_DoubleValue{DoubleValue: f}}, ok
	case proto.ColumnType_BOOL:
		b, ok := boolOf(v)
		return &proto.QualValue{Value: &proto.QualValue_BoolValue{BoolValue: b}}, ok
	case proto.ColumnType_TIMESTAMP, proto.ColumnType_DATETIME:
		if v.Type() != sqlite3.TEXT {
			return nil, false
		}
		t, ok := parseTime(v.Text())
		return &proto.QualValue{Value: &proto.QualValue_TimestampValue{TimestampValue: timestamppb.New(t)}}, ok
	case proto.ColumnType_JSON:
		return &proto.QualValue{Value: &proto.QualValue_JsonbValue{JsonbValue: v.Text()}}, true
	}
	return nil, false
}

func intOf(v sqlite3.Value) (int64, bool) {
	switch v.NumericType() {
	case sqlite3.INTEGER:
		return v.Int64(), true
	case sqlite3.FLOAT:
		f := v.Float()
		return int64(f), f == math.Trunc(f) && math.Abs(f) < 1<<62
	}
	return 0, false
}

func floatOf(v sqlite3.Value) (float64, bool) {
	switch v.NumericType() {
	case sqlite3.INTEGER, sqlite3.FLOAT:
		return v.Float(), true
	}
	return 0, false
}

func boolOf(v sqlite3.Value) (bool, bool) {
	switch v.NumericType() {
	case sqlite3.INTEGER, sqlite3.FLOAT:
		return v.Float() != 0, true
	case sqlite3.TEXT:
		b, err := strconv.ParseBool(strings.TrimSpace(v.Text()))
		return b, err == nil
	}
	return false, false
}

// goValue reads a result column as a plain Go value: int64, float64, string, []byte or nil.
func goValue(stmt *sqlite3.Stmt, i int) any {
	switch stmt.ColumnType(i) {
	case sqlite3.INTEGER:
		return stmt.ColumnInt64(i)
	case sqlite3.FLOAT:
		return stmt.ColumnFloat(i)
	case sqlite3.TEXT:
		return stmt.ColumnText(i)
	case sqlite3.BLOB:
		return stmt.ColumnBlob(i, nil)
	}
	return nil
}

// bindArgs binds Query's arguments to the statement's parameters, in order.
func bindArgs(stmt *sqlite3.Stmt, args []any) error {
	for i, a := range args {
		if err := bindArg(stmt, i+1, a); err != nil {
			return err
		}
	}
	return nil
}

func bindArg(stmt *sqlite3.Stmt, n int, a any) error {
	switch v := a.(type) {
	case nil:
		return stmt.BindNull(n)
	case string:
		return stmt.BindText(n, v)
	case []byte:
		return stmt.BindBlob(n, v)
	case bool:
		return stmt.BindBool(n, v)
	case int:
		return stmt.BindInt64(n, int64(v))
	case int32:
		return stmt.BindInt64(n, int64(v))
	case int64:
		return stmt.BindInt64(n, v)
	case float64:
		return stmt.BindFloat(n, v)
	case time.Time:
		return stmt.BindText(n, formatTime(v))
	}
	return fmt.Errorf("engine: argument %d has type %T; use a string, number, bool, []byte, time.Time or nil", n, a)
}
