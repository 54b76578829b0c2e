package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// tableDef is one plugin table as SQLite sees it: its columns and the quals the plugin can
// take, read from the plugin's schema.
type tableDef struct {
	name    string
	columns []*proto.ColumnDefinition
	// keys maps a column to the operators the plugin accepts on it, from the list and get
	// key columns together: the SDK picks Get when a query's quals cover the get keys.
	keys map[string][]string
	// required are list key columns without which a list call fails.
	required []string
	// getKeys are the get key columns: quals covering them all read one row.
	getKeys []string
}

// hiddenColumns are left out of the SQLite table: _ctx is the SDK's deprecated twin of sp_ctx.
var hiddenColumns = []string{"_ctx"}

func newTableDef(name string, s *proto.TableSchema) *tableDef {
	t := &tableDef{name: name, keys: map[string][]string{}}
	for _, c := range s.GetColumns() {
		if !slices.Contains(hiddenColumns, c.Name) {
			t.columns = append(t.columns, c)
		}
	}
	for _, k := range s.GetListCallKeyColumnList() {
		t.addKey(k)
		if k.Require == "required" {
			t.required = append(t.required, k.Name)
		}
	}
	for _, k := range s.GetGetCallKeyColumnList() {
		t.addKey(k)
		t.getKeys = append(t.getKeys, k.Name)
	}
	return t
}

func (t *tableDef) addKey(k *proto.KeyColumn) {
	ops := k.Operators
	if len(ops) == 0 {
		ops = []string{"="} // the SDK's default for a key column
	}
	for _, op := range ops {
		if !slices.Contains(t.keys[k.Name], op) {
			t.keys[k.Name] = append(t.keys[k.Name], op)
		}
	}
}

// accepts tells whether the plugin takes `column op value` as a qual.
func (t *tableDef) accepts(column int, op string) bool {
	if column < 0 || column >= len(t.columns) {
		return false // the rowid
	}
	return slices.Contains(t.keys[t.columns[column].Name], op)
}

// columnNames are the columns every scan asks the plugin for: all of them, whatever the
// statement uses. A row then has the same columns however it was read (a Get returns them all
// anyway), which RowID needs; and this plugin builds every column from the page it already
// has, so the unused ones cost little.
func (t *tableDef) columnNames() []string {
	out := make([]string, len(t.columns))
	for i, c := range t.columns {
		out[i] = c.Name
	}
	return out
}

// declaration is the CREATE TABLE statement SQLite reads the virtual table's columns from.
func (t *tableDef) declaration() string {
	cols := make([]string, len(t.columns))
	for i, c := range t.columns {
		cols[i] = fmt.Sprintf("%s %s", quoteIdent(c.Name), sqliteType(c.Type))
	}
	return fmt.Sprintf("CREATE TABLE %s(%s)", quoteIdent(t.name), strings.Join(cols, ", "))
}

// sqliteType is the declared type, which gives the column its affinity: comparisons such as
// `duration_ms > '100'` then behave as on an ordinary table. JSON and timestamps are TEXT
// (ISO-8601 text sorts in time order); booleans are INTEGER 0/1, as SQLite has no boolean.
func sqliteType(t proto.ColumnType) string {
	switch t {
	case proto.ColumnType_INT, proto.ColumnType_BOOL:
		return "INTEGER"
	case proto.ColumnType_DOUBLE:
		return "REAL"
	default:
		return "TEXT"
	}
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
