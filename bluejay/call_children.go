package bluejay

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/quals"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// The tables with one row per element of a call (an evaluation, a custom metric, a tool call, an
// event, a participant) share what is here: the call's columns each row carries, the key
// columns, and one list function that reads the calls (by call_id, or by the same scan as
// bluejay_call) and turns each into rows.

// callRef is the call a child row belongs to, with the filters it was read with.
type callRef struct {
	CallID           string
	AgentID          string
	Label            *string
	Last             *string
	CallStartTimeUTC *time.Time
	CallCreatedAt    *time.Time
}

func newCallRef(ctx context.Context, call *api.CallLog, t target) callRef {
	r := callRef{
		CallID:           call.ID,
		AgentID:          call.AgentID,
		CallStartTimeUTC: parseTimestamp(ctx, "start_time_utc", call.ID, &call.StartTimeUTC),
		CallCreatedAt:    parseTimestamp(ctx, "created_at", call.ID, call.CreatedAt),
	}
	if t.Label != "" {
		r.Label = &t.Label
	}
	if t.Last != "" {
		r.Last = &t.Last
	}
	return r
}

// childRow is any row that belongs to a call.
type childRow interface{ ref() *callRef }

func (r *callRef) ref() *callRef { return r }

// Time columns of the child tables whose lower bounds choose the API window: a call's start
// and creation times bound its created_at, the time the window counts on. An evaluation's own
// created_at does not (a call can be evaluated long after it happened).
var childTimeColumns = []string{"call_start_time_utc", "call_created_at"}

const colCallID = "call_id"

// childKeyColumns are call_id, which reads one call by id, then bluejay_call's quals.
//
// call_id comes first for PostgreSQL's sake. Through the FDW every key column becomes a
// parameterized path at the same cost, and the planner keeps the first of equal paths: in
// `c join e on e.call_id = c.id where c.agent_id = '42' and e.agent_id = '42'`, e read by
// call_id is one call from the memo per outer row, while e read by agent_id (the two quals put
// c.agent_id and e.agent_id in one equivalence class) is the whole window again per outer row.
func childKeyColumns() plugin.KeyColumnSlice {
	return append(plugin.KeyColumnSlice{{Name: colCallID, Require: plugin.Optional, Operators: []string{quals.QualOperatorEqual}}},
		callLogKeyColumns(childTimeColumns...)...)
}

// callRefColumns are the columns every child row carries, first in each child table.
func callRefColumns[R childRow]() []*plugin.Column {
	return []*plugin.Column{
		column(colCallID, proto.ColumnType_STRING, "ID of the call. `where call_id = '...'` reads that one call.", func(r R) any { return r.ref().CallID }),
		column(colAgentID, proto.ColumnType_STRING, "ID of the agent that took the call. Give it in the WHERE clause (= or IN) to read only those agents.", func(r R) any { return r.ref().AgentID }),
		column(colLabel, proto.ColumnType_STRING, "The label filter the call was read with; NULL when the query gave none.", func(r R) any { return str(r.ref().Label) }),
		column(colLast, proto.ColumnType_STRING, "The window the call was read with: 1day, 3days, 7days, 30days, 90days or all (see bluejay_call.last). NULL for a call read by call_id with no last qual.", func(r R) any { return str(r.ref().Last) }),
		column("call_start_time_utc", proto.ColumnType_TIMESTAMP, "When the call started (UTC). A lower bound on it narrows the window read.", func(r R) any { return timeValue(r.ref().CallStartTimeUTC) }),
		column("call_created_at", proto.ColumnType_TIMESTAMP, "When the call log was created (UTC). A lower bound on it narrows the window read.", func(r R) any { return timeValue(r.ref().CallCreatedAt) }),
	}
}

// CallLogsTags tag the list calls that read call-log pages, for the `where` of a rate limiter
// users define (the plugin declares none, see Plugin). Exported so that the docs' limiter
// examples are tested against them.
var CallLogsTags = map[string]string{"service": "bluejay", "action": "RetrieveCallLogs"}

// callLogCache turns Steampipe's query cache off for the call-log tables. SDK v5.14.1's cache
// hands a reader a slice that shares the cache's page buffer, which the writer resets and
// refills every 1,000 rows: a scan of more than 1,000 rows through it can return some rows twice
// and drop as many (docs/reliability.md). The memo keeps what the cache gave: a repeated query
// within the cache TTL sends no request.
var callLogCache = &plugin.TableCacheOptions{Enabled: false}

// childTable is a table with one row per element of a call, read by the shared list function.
func childTable(name, description string, rows rowsOfCall, columns []*plugin.Column) *plugin.Table {
	return &plugin.Table{
		Name:        name,
		Description: description,
		Cache:       callLogCache,
		List: &plugin.ListConfig{
			Hydrate:    listCallChildren(rows),
			KeyColumns: childKeyColumns(),
			Tags:       CallLogsTags,
		},
		Columns: columns,
	}
}

// elementRows decodes one of a call's JSON arrays (field, read by raw) and makes a row of each
// element with its position.
func elementRows[T any](field string, raw func(*api.CallLog) json.RawMessage, row func(ref callRef, position int, element *T) any) rowsOfCall {
	return func(_ context.Context, call *api.CallLog, ref callRef) ([]any, error) {
		elements, err := decodeElements[T](call, field, raw(call))
		if err != nil {
			return nil, err
		}
		rows := make([]any, len(elements))
		for i := range elements {
			rows[i] = row(ref, i, &elements[i])
		}
		return rows, nil
	}
}

// rowsOfCall turns one call into the table's rows.
type rowsOfCall func(ctx context.Context, call *api.CallLog, ref callRef) ([]any, error)

// listCallChildren is the list function of every child table.
func listCallChildren(rows rowsOfCall) plugin.HydrateFunc {
	return func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
		return nil, guardList(ctx, d, func(ctx context.Context) error {
			emit := func(call *api.CallLog, t target) (bool, error) {
				items, err := rows(ctx, call, newCallRef(ctx, call, t))
				if err != nil {
					return false, err
				}
				for _, item := range items {
					d.StreamListItem(ctx, item)
					if d.RowsRemaining(ctx) <= 0 {
						return false, nil
					}
				}
				return true, nil
			}
			if ids := qualStrings(d, colCallID); len(ids) > 0 {
				return emitCallsByID(ctx, d, ids, emit)
			}
			return streamCalls(ctx, d, childTimeColumns, emit)
		})
	}
}

// emitCallsByID reads the calls a call_id qual names, from the memo or one request each, keeping those that pass
// the query's label and last quals, which are checked before the first request.
func emitCallsByID(ctx context.Context, d *plugin.QueryData, ids []string, emit emitFunc) error {
	f, err := idFilterFor(d)
	if err != nil {
		return err
	}
	for _, id := range ids {
		call, err := fetchCall(ctx, d, id)
		if err != nil {
			return err
		}
		if call == nil {
			continue
		}
		t, ok := f.target(ctx, call)
		if !ok {
			continue
		}
		if more, err := emit(call, t); err != nil || !more {
			return err
		}
	}
	return nil
}

// decodeElements decodes one of a call's JSON arrays; null or absent is no elements, and a
// value of the wrong shape is an error naming the call and the field.
func decodeElements[T any](call *api.CallLog, field string, raw json.RawMessage) ([]T, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var out []T
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("call %s: %s does not match the API's schema: %w", call.ID, field, err)
	}
	return out, nil
}
