package bluejay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/quals"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// callRow is one bluejay_call row: the call as the API sent it, the filters it was read with,
// and its timestamps parsed once.
type callRow struct {
	*api.CallLog
	// Label is the label filter the row was read with, nil when none.
	Label *string
	// Last is the window the row was read with; nil for a call read by id.
	Last         *string
	StartTimeUTC *time.Time
	CreatedAt    *time.Time
}

// newCallRow reads the filters and timestamps the way every child row of the call does.
func newCallRow(ctx context.Context, call *api.CallLog, t target) *callRow {
	ref := newCallRef(ctx, call, t)
	return &callRow{CallLog: call, Label: ref.Label, Last: ref.Last, StartTimeUTC: ref.CallStartTimeUTC, CreatedAt: ref.CallCreatedAt}
}

// Time columns of bluejay_call whose lower bounds choose the API window.
var callTimeColumns = []string{"start_time_utc", "created_at"}

func tableBluejayCall(_ context.Context) *plugin.Table {
	return &plugin.Table{
		Name:        "bluejay_call",
		Description: "Calls (voice or chat conversations) taken by your Bluejay agents, one row per call log.",
		Cache:       callLogCache,
		List: &plugin.ListConfig{
			Hydrate:    listCalls,
			KeyColumns: callKeyColumns(),
			Tags:       CallLogsTags,
		},
		Get: &plugin.GetConfig{
			Hydrate: getCall,
			// last and label are optional Get key columns only so that getTarget sees them: for
			// a Get the SDK keeps just the quals of the Get key columns, and without them
			// `id = '...' and last = '7days'` (a join looking calls up by id) lost every row.
			KeyColumns: plugin.KeyColumnSlice{
				{Name: "id", Require: plugin.Required, Operators: []string{quals.QualOperatorEqual}},
				{Name: colLast, Require: plugin.Optional, Operators: []string{quals.QualOperatorEqual}},
				{Name: colLabel, Require: plugin.Optional, Operators: []string{quals.QualOperatorEqual}},
			},
			Tags: map[string]string{"service": "bluejay", "action": "RetrieveCallLog"},
		},
		Columns: callColumns(),
	}
}

// callKeyColumns are id, for PostgreSQL's sake, then bluejay_call's quals. The SDK reads a call
// by id through Get whenever the query gives one, so the list function never sees it. But the
// FDW builds its parameterized paths from the list key columns alone: with id not among them, it
// offered `id` only paired with another qual (`agent_id = '42'`), priced at half the rows of a
// key column alone, so that bluejay_call was the cheaper inner side of any join on its id and
// PostgreSQL drove a join with quals on the call only from the unconstrained side (every row of
// the account, docs/joins.md). As a key column, id is a path of its own, priced as the per-call
// tables' call_id. It comes first because the planner keeps the first of paths of equal cost,
// and a path by agent_id alone would re-read the whole window once per outer row and drop the
// join's id clause (the FDW gives a path only its own column's clauses).
func callKeyColumns() plugin.KeyColumnSlice {
	return append(plugin.KeyColumnSlice{{Name: "id", Require: plugin.Optional, Operators: []string{quals.QualOperatorEqual}}},
		callLogKeyColumns(callTimeColumns...)...)
}

func callColumns() []*plugin.Column {
	type R = *callRow
	return []*plugin.Column{
		column("id", proto.ColumnType_STRING, "Unique identifier of the call.", func(r R) any { return r.ID }),
		column("agent_id", proto.ColumnType_STRING, "ID of the agent that took the call. Give it in the WHERE clause (= or IN) to read only those agents; otherwise the connection's agent_ids, or every agent, are read.", func(r R) any { return r.AgentID }),
		column("label", proto.ColumnType_STRING, "The label filter the call was read with (a WHERE label = ... qual, sent to the API); NULL when the query gave none.", func(r R) any { return str(r.Label) }),
		column("last", proto.ColumnType_STRING, "The window the call was read with: 1day, 3days, 7days, 30days, 90days or all. From WHERE last = ..., else chosen from a lower bound on start_time_utc or created_at, else the connection's default (1day unless configured). NULL for a call read by id.", func(r R) any { return str(r.Last) }),
		column("external_agent_id", proto.ColumnType_STRING, "External ID of the agent that took the call.", func(r R) any { return str(r.ExternalAgentID) }),
		column("status", proto.ColumnType_STRING, "Current status of the call: INITIALIZING, QUEUED, EVALUATING, COMPLETED or INCOMPLETED.", func(r R) any { return nonEmpty(r.Status) }),
		column("call_direction", proto.ColumnType_STRING, "Direction of the call from the agent's perspective: INBOUND or OUTBOUND.", func(r R) any { return str(r.CallDirection) }),
		column("interface", proto.ColumnType_STRING, "Interface the call used: PHONE or WEB.", func(r R) any { return str(r.Interface) }),
		column("start_time_utc", proto.ColumnType_TIMESTAMP, "When the call started (UTC).", func(r R) any { return timeValue(r.StartTimeUTC) }),
		column("created_at", proto.ColumnType_TIMESTAMP, "When the call log was created (UTC). The API's last windows are counted on this time.", func(r R) any { return timeValue(r.CreatedAt) }),
		column("duration_ms", proto.ColumnType_INT, "Duration of the call in milliseconds.", func(r R) any { return i64(r.DurationMS) }),
		column("conversation_ended_by", proto.ColumnType_STRING, "Which participant role ended the conversation: USER or AGENT.", func(r R) any { return str(r.ConversationEndedBy) }),
		column("recording_url", proto.ColumnType_STRING, "URL of the call recording (.mp4, .wav or .m4a).", func(r R) any { return str(r.RecordingURL) }),
		column("transcript_url", proto.ColumnType_STRING, "URL of the call transcript (.txt or .json).", func(r R) any { return str(r.TranscriptURL) }),
		column("participants", proto.ColumnType_JSON, "Participants of the call: role (AGENT or USER), spoke_first, name, phone_number.", func(r R) any { return rawJSON(r.Participants) }),
		column("tool_calls", proto.ColumnType_JSON, "Tool calls the agent made during the call: name, start_offset_ms, description, parameters, output.", func(r R) any { return rawJSON(r.ToolCalls) }),
		column("events", proto.ColumnType_JSON, "Events that occurred during the call: title, start_offset_ms, end_offset_ms, description, tags, metadata.", func(r R) any { return rawJSON(r.Events) }),
		column("tags", proto.ColumnType_JSON, "Tags of the call, as a JSON array of strings.", func(r R) any { return rawJSON(r.Tags) }),
		column("evaluations", proto.ColumnType_JSON, "Evaluations Bluejay ran on the call, as the API returns them (see bluejay_call_evaluation for one row per evaluation).", func(r R) any { return rawJSON(r.Evaluations) }),
		column("annotations", proto.ColumnType_JSON, "Annotations of the call.", func(r R) any { return rawJSON(r.Annotations) }),
		column("metadata", proto.ColumnType_JSON, "Additional metadata of the call.", func(r R) any { return rawJSON(r.Metadata) }),
		column("custom_metrics", proto.ColumnType_JSON, "Custom metrics attached to the call itself (deprecated by Bluejay in favour of the evaluations' custom metrics).", func(r R) any { return rawJSON(r.CustomMetrics) }),
		column("title", proto.ColumnType_STRING, "Title of the resource: the call id.", func(r R) any { return r.ID }),
	}
}

// listCalls streams the calls the query's quals select, one row each.
func listCalls(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
	return nil, guardList(ctx, d, func(ctx context.Context) error {
		return streamCalls(ctx, d, callTimeColumns, func(call *api.CallLog, t target) (bool, error) {
			d.StreamListItem(ctx, newCallRow(ctx, call, t))
			return d.RowsRemaining(ctx) > 0, nil
		})
	})
}

// streamCalls is the list function shared by every call-log table: client, quals, paging.
func streamCalls(ctx context.Context, d *plugin.QueryData, timeColumns []string, emit emitFunc) error {
	c, err := connectionClient(ctx, d)
	if err != nil {
		return err
	}
	req, err := scanRequestFor(d, c.settings, time.Now(), timeColumns...)
	if err != nil {
		return err
	}
	return scanCalls(ctx, d, c, req, emit)
}

// getCall reads one call by id; a call that does not exist is no row. The query's label and
// last are checked before the request.
func getCall(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
	return guardGet(ctx, d, func(ctx context.Context) (any, error) {
		f, err := idFilterFor(d)
		if err != nil {
			return nil, err
		}
		call, err := getCallByID(ctx, d)
		if err != nil || call == nil {
			return nil, err
		}
		t, ok := f.target(ctx, call)
		if !ok {
			return nil, nil
		}
		return newCallRow(ctx, call, t), nil
	})
}

// target fills label and last for a call read by id when the query also filters on them:
// Postgres checks those quals against the row, so the row carries the filter when the call
// passes it, and is dropped when it does not (outside the window, or without the label among
// its tags).
func (f idFilter) target(ctx context.Context, call *api.CallLog) (target, bool) {
	if f.Last != "" {
		createdAt := parseTimestamp(ctx, "created_at", call.ID, call.CreatedAt)
		if !inWindow(createdAt, f.Last, time.Now()) {
			return target{}, false
		}
	}
	if f.Label != "" && !hasTag(call.Tags, f.Label) {
		return target{}, false
	}
	return target{Label: f.Label, Last: f.Last}, true
}

func inWindow(createdAt *time.Time, window string, now time.Time) bool {
	for _, w := range windowSpans {
		if w.name == window {
			return createdAt != nil && !createdAt.Before(now.Add(-w.span))
		}
	}
	return true // "all"
}

func hasTag(tags json.RawMessage, label string) bool {
	var list []string
	if json.Unmarshal(tags, &list) != nil {
		return false
	}
	return slices.Contains(list, label)
}

func getCallByID(ctx context.Context, d *plugin.QueryData) (*api.CallLog, error) {
	return fetchCall(ctx, d, d.EqualsQualString("id"))
}

// fetchCall reads one call by id through the connection's client; not found is nil.
func fetchCall(ctx context.Context, d *plugin.QueryData, id string) (*api.CallLog, error) {
	if id == "" {
		// No call has an empty id, and asking for one would read another route.
		return nil, errors.New("a call id of '' matches no call; give an id such as those in bluejay_call.id")
	}
	if id == uncomputedText {
		// Read, it would be a 404 and no row, silently (see checkComputed).
		return nil, fmt.Errorf("a call id of '%s' is what Steampipe's Postgres FDW sends for a value it has not computed yet, such as id = (select ...) or call_id = (select ...), so it is refused rather than answered with no row; use in (select ...), a join, or the value itself", uncomputedText)
	}
	c, err := connectionClient(ctx, d)
	if err != nil {
		return nil, err
	}
	// A call a scan of this connection has just read is answered from the memo: a nested loop
	// reading this table by id once per outer row sends no request for it.
	return c.memo.call(ctx, id, memoTTL(d), func(ctx context.Context) (*api.CallLog, error) {
		call, err := c.getCallLog(ctx, id)
		if api.IsNotFound(err) {
			return nil, nil
		}
		return call, err
	})
}
