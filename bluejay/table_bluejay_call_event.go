package bluejay

import (
	"context"

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
	return &plugin.Table{
		Name:        "bluejay_call_event",
		Description: "Events that occurred during your agents' calls, one row per event.",
		List: &plugin.ListConfig{
			Hydrate:    listCallChildren(eventsOf),
			KeyColumns: childKeyColumns(),
			Tags:       map[string]string{"service": "bluejay", "action": "RetrieveCallLogs"},
		},
		Columns: eventColumns(),
	}
}

func eventsOf(_ context.Context, call *api.CallLog, ref callRef) ([]any, error) {
	events, err := decodeElements[api.Event](call, "events", call.Events)
	if err != nil {
		return nil, err
	}
	rows := make([]any, len(events))
	for i := range events {
		rows[i] = &eventRow{callRef: ref, Position: i, Event: &events[i]}
	}
	return rows, nil
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
