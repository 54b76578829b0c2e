// Package engine runs SQL over the Bluejay plugin's tables without Steampipe or Postgres: it
// serves the plugin in this process, the way Steampipe's "Anywhere" SQLite builds do, and
// registers every plugin table as a virtual table of an embedded, pure-Go SQLite
// (github.com/ncruces/go-sqlite3).
//
// Quals go to the plugin as Steampipe would send them: equality and IN on key columns (an IN
// list as one list qual), range operators where the table declares them, and LIMIT/OFFSET when
// nothing the plugin cannot apply is left. SQLite re-checks every row, as Postgres does.
package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/ext/stats"
)

// DefaultConnection is the connection name used when Config gives none.
const DefaultConnection = "bluejay"

// Config says which connection to serve.
type Config struct {
	// HCL is the connection's settings: a Steampipe config file (a `connection "bluejay"`
	// block, as in config/bluejay.spc) or a bare body (`api_key = "..."`). Empty means the
	// plugin's defaults and environment (BLUEJAY_API_KEY, BLUEJAY_BASE_URL).
	HCL string
	// Connection is the connection name; default "bluejay".
	Connection string
	// OnScan, when set, is called with each plugin call a query makes, before it starts.
	OnScan func(Scan)
}

// Result is a query's result set.
type Result struct {
	Columns []string
	// Rows hold int64, float64, string, []byte or nil (NULL) values.
	Rows [][]any
}

// DB is one SQLite database with the plugin's tables. Its methods may be called from several
// goroutines; queries run one at a time.
type DB struct {
	mu     sync.Mutex
	conn   *sqlite3.Conn
	host   *host
	tables []*tableDef
	onScan func(Scan)

	// The running query's context and the first plugin error it met: both are read by the
	// virtual tables, which SQLite calls back inside Query.
	queryCtx context.Context
	scanErr  error
}

// Open serves the plugin with the connection's config and opens an in-memory SQLite database
// holding one virtual table per plugin table. A config the plugin rejects (a bad base_url or
// last) fails here with the plugin's message; a missing API key fails the first query.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Connection == "" {
		cfg.Connection = DefaultConnection
	}
	body, err := ParseConnection(cfg.HCL, cfg.Connection)
	if err != nil {
		return nil, err
	}
	h, err := startHost(cfg.Connection, body.Text)
	if err != nil {
		return nil, err
	}
	tables, err := h.tables()
	if err != nil {
		return nil, err
	}
	conn, err := sqlite3.OpenContext(ctx, ":memory:")
	if err != nil {
		return nil, err
	}
	db := &DB{conn: conn, host: h, tables: tables, onScan: cfg.OnScan, queryCtx: context.Background()}
	if err := db.register(); err != nil {
		conn.Close()
		return nil, err
	}
	return db, nil
}

// register creates the virtual tables, and the statistics functions (percentile, median,
// stddev...) that reports over call data want.
func (db *DB) register() error {
	// The generic method Conn.CreateModule needs Go 1.27; this function is the same call.
	if err := sqlite3.CreateModule(db.conn, moduleName, db.connect, db.connect); err != nil {
		return err
	}
	for _, t := range db.tables {
		if err := db.conn.Exec(fmt.Sprintf("CREATE VIRTUAL TABLE %s USING %s", quoteIdent(t.name), moduleName)); err != nil {
			return fmt.Errorf("engine: table %s: %w", t.name, err)
		}
	}
	return stats.Register(db.conn)
}

// Tables lists the plugin's tables.
func (db *DB) Tables() []string {
	out := make([]string, len(db.tables))
	for i, t := range db.tables {
		out[i] = t.name
	}
	return out
}

func (db *DB) table(name string) *tableDef {
	for _, t := range db.tables {
		if t.name == name {
			return t
		}
	}
	return nil
}

// Query runs sql and returns the last statement's rows. args bind the first statement's
// parameters (?, ?1, :name by position). Cancelling ctx interrupts SQLite and cancels the
// plugin calls in flight, with their API requests.
func (db *DB) Query(ctx context.Context, sql string, args ...any) (*Result, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.conn == nil {
		return nil, errors.New("engine: database is closed")
	}
	db.queryCtx, db.scanErr = ctx, nil
	old := db.conn.SetInterrupt(ctx)
	defer func() {
		db.conn.SetInterrupt(old)
		db.queryCtx = context.Background()
	}()
	res := &Result{}
	for rest := sql; strings.TrimSpace(rest) != ""; {
		stmt, tail, err := db.conn.Prepare(rest)
		if err != nil {
			return nil, db.queryError(ctx, err)
		}
		rest = tail
		if stmt == nil {
			continue // only a comment or a semicolon
		}
		if res, err = db.run(stmt, args); err != nil {
			return nil, db.queryError(ctx, err)
		}
		args = nil // they were the first statement's
	}
	return res, nil
}

// run steps one statement to the end, collecting its rows.
func (db *DB) run(stmt *sqlite3.Stmt, args []any) (*Result, error) {
	defer stmt.Close()
	if err := bindArgs(stmt, args); err != nil {
		return nil, err
	}
	res := &Result{Columns: make([]string, stmt.ColumnCount()), Rows: [][]any{}}
	for i := range res.Columns {
		res.Columns[i] = stmt.ColumnName(i)
	}
	for stmt.Step() {
		row := make([]any, len(res.Columns))
		for i := range row {
			row[i] = goValue(stmt, i)
		}
		res.Rows = append(res.Rows, row)
	}
	return res, stmt.Err()
}

// queryError prefers the cause to SQLite's account of it: a cancelled context, or the plugin's
// own error (SQLite would prefix it with "sqlite3: SQL logic error").
func (db *DB) queryError(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("query cancelled: %w", ctx.Err())
	case db.scanErr != nil:
		return db.scanErr
	}
	return err
}

// start runs one scan for a cursor, reporting it to OnScan first.
func (db *DB) start(req *scanRequest) *scan {
	if db.onScan != nil {
		db.onScan(req.Scan)
	}
	return startScan(db.queryCtx, db.host, req)
}

// scanFailed keeps the first plugin error of the query, naming the table, and returns it for
// SQLite to carry.
func (db *DB) scanFailed(table string, err error) error {
	if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		err = newPluginError(db.host.connection, table, err)
	}
	if db.scanErr == nil {
		db.scanErr = err
	}
	return err
}

// PluginError is an error the plugin returned for a table scan. It reads as Steampipe's
// Postgres FDW shows it, "<connection>: <the plugin's message>", so that a message is the same
// on both engines.
type PluginError struct {
	Connection string
	Table      string
	// Message is the plugin's own message, without the connection name.
	Message string
	Err     error
}

// newPluginError takes the SDK's scan error, which already starts with the connection name
// (the SDK prefixes it to every scan error), apart into the name and the plugin's message.
func newPluginError(connection, table string, err error) *PluginError {
	msg := strings.TrimPrefix(err.Error(), connection+": ")
	return &PluginError{Connection: connection, Table: table, Message: msg, Err: err}
}

func (e *PluginError) Error() string { return e.Connection + ": " + e.Message }

func (e *PluginError) Unwrap() error { return e.Err }

// Close closes the database. The plugin server has no stop of its own; it holds no
// connections once its queries are done.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.conn == nil {
		return nil
	}
	err := db.conn.Close()
	db.conn = nil
	return err
}
