package sdkfix

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// listQualScan runs `select id, k from fix_item where k = any(values)`, values as the FDW sends
// them (nil for a NULL), and returns the k each list call saw (its EqualsQuals), the rows sent
// and Execute's error.
func listQualScan(t *testing.T, values ...*proto.QualValue) (seen []string, rows int, err error) {
	t.Helper()
	h := newHost(t, false)
	var mu sync.Mutex
	list := func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
		k := d.EqualsQualString("k")
		mu.Lock()
		seen = append(seen, k)
		mu.Unlock()
		d.StreamListItem(ctx, &item{ID: 1, K: k})
		return nil, nil
	}
	req := h.request(list, false, 0)
	req.QueryContext.Quals["k"] = &proto.Quals{Quals: []*proto.Qual{{
		FieldName: "k",
		Operator:  &proto.Qual_StringValue{StringValue: "="},
		Value:     &proto.QualValue{Value: &proto.QualValue_ListValue{ListValue: &proto.QualValueList{Values: values}}},
	}}}
	stream := &rowStream{ctx: context.Background()}
	err = h.server.Execute(req, stream)
	slices.Sort(seen)
	return seen, stream.rows, err
}

func text(s string) *proto.QualValue {
	return &proto.QualValue{Value: &proto.QualValue_StringValue{StringValue: s}}
}

// `k = any('{a,NULL}')`: the FDW puts a nil in the list for the NULL. On v5.14.1 the SDK runs a
// list call for it, whose k qual is gone, so a table reads every row for it; a NULL matches no
// row, so there is one list call, for a.
func TestListQualSkipsANull(t *testing.T) {
	seen, rows, err := listQualScan(t, text("a"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, []string{"a"}) || rows != 1 {
		t.Fatalf("list calls saw k = %q and sent %d rows; want one call, for a, and its one row", seen, rows)
	}
	// A list of NULLs only matches nothing: no list call, no row, no error.
	if seen, rows, err := listQualScan(t, nil, &proto.QualValue{}); err != nil || len(seen) != 0 || rows != 0 {
		t.Fatalf("k = any('{NULL,NULL}'): list calls saw %q, %d rows, error %v; want none of them", seen, rows, err)
	}
}

// `k = any(array(select ...))` through the FDW: the FDW evaluates the array when the scan
// begins, before PostgreSQL has run the sub-select, and sends an empty list. On v5.14.1 the SDK
// then runs no list call and the query returns no rows, without an error; the SDK cannot tell
// it from `k = any('{}')`, so it refuses both, naming the column and what to write instead.
func TestEmptyListQualIsRefused(t *testing.T) {
	seen, rows, err := listQualScan(t)
	if err == nil {
		t.Fatalf("an empty list qual gave %d rows from %d list calls and no error", rows, len(seen))
	}
	for _, want := range []string{"k = any(...) was given an empty list", "k in (select ...)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if len(seen) != 0 {
		t.Errorf("%d list calls ran for an empty list", len(seen))
	}
}
