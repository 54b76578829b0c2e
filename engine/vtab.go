package engine

import (
	"encoding/json"
	"fmt"
	"hash/maphash"
	"slices"

	"github.com/ncruces/go-sqlite3"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	protobuf "google.golang.org/protobuf/proto"
)

// moduleName is the SQLite module every plugin table is created with.
const moduleName = "steampipe"

// vtable is one plugin table inside SQLite.
type vtable struct {
	db  *DB
	def *tableDef
}

// connect is the module's constructor, for CREATE VIRTUAL TABLE and for reconnecting.
func (db *DB) connect(c *sqlite3.Conn, _, _, table string, _ ...string) (*vtable, error) {
	def := db.table(table)
	if def == nil {
		return nil, fmt.Errorf("engine: the plugin has no table %q", table)
	}
	if err := c.DeclareVTab(def.declaration()); err != nil {
		return nil, err
	}
	return &vtable{db: db, def: def}, nil
}

// BestIndex is SQLite asking how this table would be scanned under some constraints.
func (v *vtable) BestIndex(info *sqlite3.IndexInfo) error {
	choosePlan(v.def, info)
	return nil
}

// Open starts a cursor; Filter starts its plugin call.
func (v *vtable) Open() (sqlite3.VTabCursor, error) {
	return &cursor{tab: v}, nil
}

// cursor reads one scan's rows.
type cursor struct {
	tab  *vtable
	scan *scan
	row  map[string]*proto.Column
	eof  bool
}

// Filter runs one plugin Execute for the plan BestIndex chose, with this scan's values.
func (c *cursor) Filter(_ int, idxStr string, arg ...sqlite3.Value) error {
	c.stop()
	var p plan
	if err := json.Unmarshal([]byte(idxStr), &p); err != nil {
		return fmt.Errorf("engine: bad plan %q: %w", idxStr, err)
	}
	req, empty := buildRequest(c.tab.def, p, arg)
	if empty {
		c.eof = true
		return nil
	}
	c.scan = c.tab.db.start(&req)
	c.eof = false
	return c.Next()
}

func (c *cursor) Next() error {
	row, err := c.scan.next()
	if err != nil {
		c.eof = true
		return c.tab.db.scanFailed(c.tab.def.name, err)
	}
	if row == nil {
		c.eof = true
		return nil
	}
	c.row = row.Columns
	return nil
}

func (c *cursor) EOF() bool { return c.eof }

func (c *cursor) Column(ctx sqlite3.Context, n int) error {
	setResult(ctx, c.row[c.tab.def.columns[n].Name])
	return nil
}

// RowID identifies a row by its content. SQLite uses rowids to merge the rows of an OR over
// two key columns, which it may plan as two scans (`agent_id = '7' or id = '...'`: a list and
// a Get). A counter would give different rows the same rowid in the two scans and drop real
// rows; the content gives one call the same rowid in both. The columns that echo the filter a
// row was read with (label, last) differ between the two scans and are left out.
func (c *cursor) RowID() (int64, error) {
	var buf []byte
	opts := protobuf.MarshalOptions{Deterministic: true}
	for _, col := range c.tab.def.columns {
		v, ok := c.row[col.Name]
		if !ok || slices.Contains(echoColumns, col.Name) {
			continue
		}
		var err error
		buf = append(buf, col.Name...)
		if buf, err = opts.MarshalAppend(buf, v); err != nil {
			return 0, err
		}
	}
	return int64(maphash.Bytes(rowSeed, buf)), nil
}

// rowSeed makes rowids stable for the life of the process, which is all SQLite needs.
var rowSeed = maphash.MakeSeed()

// echoColumns are the plugin's columns that report the quals a row was read with rather than
// data of the row.
var echoColumns = []string{"label", "last"}

// Close ends the cursor's plugin call if it is still running (a LIMIT SQLite applied, a join
// that needed one row).
func (c *cursor) Close() error {
	c.stop()
	return nil
}

func (c *cursor) stop() {
	if c.scan != nil {
		c.scan.close()
		c.scan = nil
	}
	c.row = nil
}
