package sdkfix

import (
	"slices"
	"testing"
)

// v5.14.1 builds every column of every hydrate call a row ran, whether or not the query named
// it, and the FDW converts every column a row carries into a datum (JSON parsed, encoded and
// parsed again): `select id, hallucination` over bluejay_call_evaluation carried every one of its
// columns. A row now carries the columns the query names, and sp_connection_name.
func TestARowCarriesOnlyTheColumnsTheQueryNames(t *testing.T) {
	h := newHost(t, false)
	for _, c := range []struct {
		name    string
		columns []string
		want    []string
	}{
		{"id", []string{"id"}, []string{"id", "sp_connection_name"}},
		{"k", []string{"k"}, []string{"k", "sp_connection_name"}},
		{"both", []string{"id", "k"}, []string{"id", "k", "sp_connection_name"}},
		{"none, as count(*): the SDK asks for the first column of the list call", nil, []string{"id", "sp_connection_name"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := columnNames(oneRowNaming(t, h, c.columns)); !slices.Equal(got, c.want) {
				t.Fatalf("the row's columns are %v, want %v", got, c.want)
			}
		})
	}
}
