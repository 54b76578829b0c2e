package bluejay

import (
	"context"
	"encoding/json"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// column builds a column whose value is read from the row item by a typed getter. A getter is a
// plain field access: the SDK's reflective transform.FromField walks the item by name for every
// column of every row, which costs more than the rest of the row put together.
//
// Only the columns that say which call a row is (eagerColumns) are built for every row; every
// other column is built only when the query names it. The SDK builds every column of the list
// call for every row, and the FDW converts each value it receives (each JSON value three times:
// decode, encode, jsonb_in), so `select id` over bluejay_call paid for 25 columns it never read.
// A column with a hydrate function of its own is built only when asked for, and ownRow hands it
// the row as it is: one hydrate call a row, however many columns share it. The price: a
// whole-row reference (row_to_json(c)) sees NULL in the columns the query does not name, since
// the FDW leaves whole-row references out of the columns it asks for (docs/performance.md).
func column[R any](name string, typ proto.ColumnType, description string, get func(R) any) *plugin.Column {
	var hydrate plugin.HydrateFunc
	if !eagerColumns[name] {
		hydrate = ownRow
	}
	return &plugin.Column{
		Name:        name,
		Type:        typ,
		Description: description,
		Hydrate:     hydrate,
		Transform: transform.From(func(ctx context.Context, td *transform.TransformData) (any, error) {
			row, ok := td.HydrateItem.(R)
			if !ok {
				return nil, nil
			}
			return get(row), nil
		}),
	}
}

// eagerColumns are built for every row: cheap enough that a hydrate call would cost more.
var eagerColumns = map[string]bool{"id": true, "call_id": true, "agent_id": true, "label": true, "last": true}

// ownRow is the hydrate function of the columns built only when asked for: the row itself.
func ownRow(_ context.Context, _ *plugin.QueryData, h *plugin.HydrateData) (any, error) {
	return h.Item, nil
}

// The helpers below turn API values into column values; a nil result is a NULL column.

func str(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func i64(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func f64(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func boolean(p *bool) any {
	if p == nil {
		return nil
	}
	return *p
}

// rawJSON passes raw JSON through to a JSON column; absent and null are both NULL. It is handed
// over as a string because the SDK copies a string into a JSON column as it is, but runs any
// other value through json.Marshal, which for a json.RawMessage means validating and compacting
// it again: a fifth of the CPU of a bluejay_call row. The bytes were valid JSON when the page
// was decoded, so nothing is lost.
func rawJSON(b json.RawMessage) any {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return string(b)
}

// parseTimestamp reads an API timestamp for a row. An unparseable one becomes NULL plus a
// warning, not a failed query: one odd value should not hide every other row.
func parseTimestamp(ctx context.Context, field, id string, s *string) *time.Time {
	if s == nil || *s == "" {
		return nil
	}
	t, err := api.ParseTime(*s)
	if err != nil {
		plugin.Logger(ctx).Warn("bluejay: unparseable timestamp, column set to NULL", "field", field, "id", id, "error", err)
		return nil
	}
	return &t
}

func timeValue(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
