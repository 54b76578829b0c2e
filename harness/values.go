package harness

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// QualValue converts a plain Go value into the proto.QualValue the FDW would
// send for it:
//
//	string -> string_value      int*/uint* -> int64_value     float* -> double_value
//	bool -> bool_value          time.Time -> timestamp_value  json.RawMessage -> jsonb_value
//	[]T / [N]T (incl. []string, []any) -> list_value of the element conversions
//
// A list is what Postgres hands the FDW for `col in (...)` and `col = any(...)`
// (a ScalarArrayOpExpr): one qual whose value is a list, which the SDK then
// fans out into one List call per element for key columns. A *proto.QualValue
// is passed through unchanged for anything not covered here.
func QualValue(v any) (*proto.QualValue, error) {
	switch x := v.(type) {
	case nil:
		return nil, fmt.Errorf("nil qual value (the FDW never sends one)")
	case *proto.QualValue:
		return x, nil
	case string:
		return &proto.QualValue{Value: &proto.QualValue_StringValue{StringValue: x}}, nil
	case bool:
		return &proto.QualValue{Value: &proto.QualValue_BoolValue{BoolValue: x}}, nil
	case time.Time:
		return &proto.QualValue{Value: &proto.QualValue_TimestampValue{TimestampValue: timestamppb.New(x)}}, nil
	case json.RawMessage:
		return &proto.QualValue{Value: &proto.QualValue_JsonbValue{JsonbValue: string(x)}}, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String: // named string types
		return QualValue(rv.String())
	case reflect.Bool:
		return QualValue(rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &proto.QualValue{Value: &proto.QualValue_Int64Value{Int64Value: rv.Int()}}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &proto.QualValue{Value: &proto.QualValue_Int64Value{Int64Value: int64(rv.Uint())}}, nil
	case reflect.Float32, reflect.Float64:
		return &proto.QualValue{Value: &proto.QualValue_DoubleValue{DoubleValue: rv.Float()}}, nil
	case reflect.Slice, reflect.Array:
		list := &proto.QualValueList{Values: make([]*proto.QualValue, 0, rv.Len())}
		for i := 0; i < rv.Len(); i++ {
			el, err := QualValue(rv.Index(i).Interface())
			if err != nil {
				return nil, fmt.Errorf("list element %d: %w", i, err)
			}
			if el.GetListValue() != nil {
				return nil, fmt.Errorf("list element %d: nested lists are not something the FDW sends", i)
			}
			list.Values = append(list.Values, el)
		}
		return &proto.QualValue{Value: &proto.QualValue_ListValue{ListValue: list}}, nil
	}
	return nil, fmt.Errorf("unsupported qual value %#v (%T)", v, v)
}

// ColumnValue converts one proto column value of a result row into plain Go:
// null (or an unset oneof) -> nil, bool, int64, float64, string,
// JSON -> json.RawMessage (see DecodeJSON), timestamp -> time.Time in UTC,
// inet/cidr/ltree -> string.
func ColumnValue(c *proto.Column) any {
	if c == nil {
		return nil
	}
	switch v := c.GetValue().(type) {
	case *proto.Column_NullValue:
		return nil
	case *proto.Column_BoolValue:
		return v.BoolValue
	case *proto.Column_IntValue:
		return v.IntValue
	case *proto.Column_DoubleValue:
		return v.DoubleValue
	case *proto.Column_StringValue:
		return v.StringValue
	case *proto.Column_JsonValue:
		// Copy: the proto message owns its buffer.
		return json.RawMessage(append([]byte(nil), v.JsonValue...))
	case *proto.Column_TimestampValue:
		return v.TimestampValue.AsTime().UTC()
	case *proto.Column_IpAddrValue:
		return v.IpAddrValue
	case *proto.Column_CidrRangeValue:
		return v.CidrRangeValue
	case *proto.Column_LtreeValue:
		return v.LtreeValue
	default:
		return nil
	}
}

// RowValues converts a whole proto row with ColumnValue.
func RowValues(r *proto.Row) map[string]any {
	if r == nil {
		return nil
	}
	res := make(map[string]any, len(r.Columns))
	for name, c := range r.Columns {
		res[name] = ColumnValue(c)
	}
	return res
}

// DecodeJSON decodes a JSON column value (json.RawMessage, []byte or string)
// into a generic Go value (map[string]any, []any, float64, ...). nil stays nil.
func DecodeJSON(v any) (any, error) {
	var out any
	if err := UnmarshalJSON(v, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// UnmarshalJSON decodes a JSON column value into out, like json.Unmarshal.
// A nil value (SQL null) leaves out untouched.
func UnmarshalJSON(v any, out any) error {
	var raw []byte
	switch x := v.(type) {
	case nil:
		return nil
	case json.RawMessage:
		raw = x
	case []byte:
		raw = x
	case string:
		raw = []byte(x)
	default:
		return fmt.Errorf("harness: %T is not a JSON column value", v)
	}
	return json.Unmarshal(raw, out)
}
