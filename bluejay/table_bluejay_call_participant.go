package bluejay

import (
	"context"
	"encoding/json"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// participantRow is one participant of a call.
type participantRow struct {
	callRef
	Position int
	*api.Participant
}

func tableBluejayCallParticipant(_ context.Context) *plugin.Table {
	return childTable("bluejay_call_participant", "Participants of your agents' calls (the agent and the user), one row per participant.",
		elementRows("participants", func(c *api.CallLog) json.RawMessage { return c.Participants },
			func(ref callRef, i int, e *api.Participant) any {
				return &participantRow{callRef: ref, Position: i, Participant: e}
			}),
		participantColumns())
}

func participantColumns() []*plugin.Column {
	type R = *participantRow
	return append(callRefColumns[R](),
		column("position", proto.ColumnType_INT, "Position of the participant in the call's list, from 0.", func(r R) any { return r.Position }),
		column("role", proto.ColumnType_STRING, "Role of the participant: AGENT or USER.", func(r R) any { return nonEmpty(r.Role) }),
		column("spoke_first", proto.ColumnType_BOOL, "Whether the participant spoke first.", func(r R) any { return boolean(r.SpokeFirst) }),
		column("name", proto.ColumnType_STRING, "Name of the participant.", func(r R) any { return str(r.Name) }),
		column("phone_number", proto.ColumnType_STRING, "Phone number of the participant, where there is one.", func(r R) any { return str(r.PhoneNumber) }),
		column("title", proto.ColumnType_STRING, "Title of the resource: the participant's name, else its role.", func(r R) any {
			if r.Name != nil {
				return *r.Name
			}
			return nonEmpty(r.Role)
		}),
	)
}
