package sdkfix

import (
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// KeyColumn.String is in the [TRACE] lines of every scan. It reads as before for any number of
// operators, and allocates no more than building the string needs: go-pluralize's regular
// expressions, which it ran to choose between "operator" and "operators", took 4 to 16
// allocations a call on v5.14.1 (and 32% of a join's inner scans, docs/joins.md).
func TestKeyColumnStringNeedsNoPluralizer(t *testing.T) {
	for _, c := range []struct {
		operators []string
		want      string
	}{
		{nil, "column:'id' operators: "},
		{[]string{"="}, "column:'id' operator: ="},
		{[]string{"=", "<>"}, "column:'id' operators: =,<>"},
		{[]string{"=", "<>", "<", "<=", ">", ">="}, "column:'id' operators: =,<>,<,<=,>,>="},
	} {
		k := &plugin.KeyColumn{Name: "id", Operators: c.operators}
		if got := k.String(); got != c.want {
			t.Errorf("%d operators: %q, want %q", len(c.operators), got, c.want)
		}
		if allocs := testing.AllocsPerRun(100, func() { _ = k.String() }); allocs > 2 {
			t.Errorf("%d operators: %v allocations a call, want at most 2 (the string and the join)", len(c.operators), allocs)
		}
	}
}
