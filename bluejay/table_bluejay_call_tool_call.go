package bluejay

import (
	"context"
	"encoding/json"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// toolCallRow is one tool call an agent made during a call.
type toolCallRow struct {
	callRef
	Position int
	*api.ToolCall
}

func tableBluejayCallToolCall(_ context.Context) *plugin.Table {
	return childTable("bluejay_call_tool_call", "Tool calls your agents made during calls, one row per tool call.",
		elementRows("tool_calls", func(c *api.CallLog) json.RawMessage { return c.ToolCalls },
			func(ref callRef, i int, e *api.ToolCall) any {
				return &toolCallRow{callRef: ref, Position: i, ToolCall: e}
			}),
		toolCallColumns())
}

func toolCallColumns() []*plugin.Column {
	type R = *toolCallRow
	return append(callRefColumns[R](),
		column("position", proto.ColumnType_INT, "Position of the tool call in the call's list, from 0.", func(r R) any { return r.Position }),
		column("name", proto.ColumnType_STRING, "Name of the tool called.", func(r R) any { return r.Name }),
		column("start_offset_ms", proto.ColumnType_INT, "When the tool was called, in milliseconds from the start of the call.", func(r R) any { return r.StartOffsetMS }),
		column("description", proto.ColumnType_STRING, "Description of the tool call.", func(r R) any { return str(r.Description) }),
		column("parameters", proto.ColumnType_JSON, "Parameters passed to the tool.", func(r R) any { return rawJSON(r.Parameters) }),
		column("output", proto.ColumnType_JSON, "Output the tool returned.", func(r R) any { return rawJSON(r.Output) }),
		column("title", proto.ColumnType_STRING, "Title of the resource: the tool's name.", func(r R) any { return r.Name }),
	)
}
