package bluejay

import (
	"context"
	"encoding/json"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// eventRow is one event that occurred during a call.
type eventRow struct {
	callRef
	Position int
	*api.Event
}

func tableBluejayCallEvent(_ context.Context) *plugin.Table {
	return childTable("bluejay_call_event", "Events that occurred during your agents' calls, one row per event.",
		elementRows("events", func(c *api.CallLog) json.RawMessage { return c.Events },
			func(ref callRef, i int, e *api.Event) any { return &eventRow{callRef: ref, Position: i, Event: e} }),
		eventColumns())
}

func eventColumns() []*plugin.Column {
	type R = *eventRow
	return append(callRefColumns[R](),
		column("position", proto.ColumnType_INT, "Position of the event in the call's list, from 0.", func(r R) any { return r.Position }),
		column("title", proto.ColumnType_STRING, "Title of the event.", func(r R) any { return r.Title }),
		column("start_offset_ms", proto.ColumnType_INT, "When the event started, in milliseconds from the start of the call.", func(r R) any { return r.StartOffsetMS }),
		column("end_offset_ms", proto.ColumnType_INT, "When the event ended, in milliseconds from the start of the call.", func(r R) any { return i64(r.EndOffsetMS) }),
		column("description", proto.ColumnType_STRING, "Description of the event.", func(r R) any { return str(r.Description) }),
		column("tags", proto.ColumnType_JSON, "Tags of the event.", func(r R) any { return stringsJSON(r.Tags) }),
		column("metadata", proto.ColumnType_JSON, "Additional metadata of the event.", func(r R) any { return rawJSON(r.Metadata) }),
	)
}
