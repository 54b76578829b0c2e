package pgfdw

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Connection is the schema the plugin's tables are imported into: the FDW takes the
// connection's name from it, as Steampipe names a schema after each connection.
const Connection = "bluejay"

// Null is how a NULL value reads in a Result.
const Null = "<null>"

// DBOptions configure a database with the plugin's foreign tables.
type DBOptions struct {
	// Config is the connection's HCL body, as in a Steampipe .spc file's connection block.
	Config string
}

// DB is one database of a cluster, with the FDW's extension, a foreign server holding the
// connection config, and the plugin's tables in schema bluejay.
type DB struct {
	cluster *Cluster
	name    string
}

var (
	dbSeq      atomic.Int64
	identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
)

// CreateDB creates a fresh database set up as Steampipe's standalone FDW documents.
func (c *Cluster) CreateDB(ctx context.Context, opts DBOptions) (*DB, error) {
	name := fmt.Sprintf("bluejay_%d", dbSeq.Add(1))
	admin, err := c.connect(ctx, "postgres")
	if err != nil {
		return nil, err
	}
	defer func() { _ = admin.Close(ctx) }()
	if _, err := admin.Exec(ctx, "create database "+name); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	db := &DB{cluster: c, name: name}
	conn, err := c.connect(ctx, name)
	if err != nil {
		return nil, err
	}
	defer func() { _ = conn.Close(ctx) }()
	if _, err := conn.Exec(ctx, "create extension "+Extension); err != nil {
		return nil, fmt.Errorf("create extension: %w", err)
	}
	if err := addConnection(ctx, conn, Connection, opts.Config); err != nil {
		return nil, err
	}
	internal := "create schema steampipe_internal;\nimport foreign schema steampipe_internal from server steampipe_" + Connection + " into steampipe_internal;"
	if _, err := conn.PgConn().Exec(ctx, internal).ReadAll(); err != nil {
		return nil, fmt.Errorf("set up the FDW: %w", err)
	}
	return db, nil
}

// AddConnection adds a connection to the database: a foreign server of its own holding config,
// and the plugin's tables imported into schema name. The FDW names the connection after the
// schema, as Steampipe names a schema after each connection, so several organisations (keys,
// base URLs) are queried side by side in one session: name.bluejay_call.
func (db *DB) AddConnection(ctx context.Context, name, config string) error {
	conn, err := db.cluster.connect(ctx, db.name)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(ctx) }()
	return addConnection(ctx, conn, name, config)
}

func addConnection(ctx context.Context, conn *pgx.Conn, name, config string) error {
	if !identifier.MatchString(name) {
		return fmt.Errorf("connection name %q: use lower-case letters, digits and _ (it names a schema and a server)", name)
	}
	setup := fmt.Sprintf(`create server steampipe_%[3]s foreign data wrapper %[1]s options (config %[2]s);
create schema %[3]s;
import foreign schema %[3]s from server steampipe_%[3]s into %[3]s;`,
		Extension, quoteLiteral(config), name)
	if _, err := conn.PgConn().Exec(ctx, setup).ReadAll(); err != nil {
		return fmt.Errorf("set up connection %s: %w", name, err)
	}
	return nil
}

// Name is the database's name, for clients other than Session.
func (db *DB) Name() string { return db.name }

// SessionOptions configure one database connection.
type SessionOptions struct {
	// Cache turns Steampipe's query cache on for the session: it is on by default in
	// Steampipe, and off here unless asked for, so that tests see every request.
	Cache bool
	// Bare skips the session's setup (the schema first in search_path, the cache setting): that
	// setup names a foreign table, which starts the plugin, and a benchmark of the start itself
	// wants to do that step by step.
	Bare bool
}

// Session is one database connection: one backend, and so one instance of the plugin.
type Session struct {
	conn *pgx.Conn
}

// Connect opens a session on the database, reading the plugin's tables first.
func (db *DB) Connect(ctx context.Context, opts SessionOptions) (*Session, error) {
	conn, err := db.cluster.connect(ctx, db.name)
	if err != nil {
		return nil, err
	}
	s := &Session{conn: conn}
	if opts.Bare {
		return s, nil
	}
	setup := fmt.Sprintf("set search_path = %s, public;", Connection)
	if !opts.Cache {
		setup += "insert into steampipe_internal.steampipe_settings (name, value) values ('cache', 'false');"
	}
	if _, err := s.Query(ctx, setup); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close ends the session and its backend.
func (s *Session) Close() { _ = s.conn.Close(context.Background()) }

// Result is a statement's result as PostgreSQL's text output: what psql would print.
type Result struct {
	Columns []string
	Rows    [][]string
}

// Query runs one or more statements and returns the last one's result.
func (s *Session) Query(ctx context.Context, sql string) (*Result, error) {
	results, err := s.conn.PgConn().Exec(ctx, sql).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(results) == 0 {
		return &Result{}, nil
	}
	return resultOf(results[len(results)-1]), nil
}

// Conn is the session's pgx connection, for what Query does not cover.
func (s *Session) Conn() *pgx.Conn { return s.conn }

// PID is the session's backend process: the process the plugin runs in.
func (s *Session) PID() uint32 { return s.conn.PgConn().PID() }

func resultOf(r *pgconn.Result) *Result {
	out := &Result{Rows: make([][]string, 0, len(r.Rows))}
	for _, f := range r.FieldDescriptions {
		out.Columns = append(out.Columns, f.Name)
	}
	for _, raw := range r.Rows {
		row := make([]string, len(raw))
		for i, v := range raw {
			if v == nil {
				row[i] = Null
			} else {
				row[i] = string(v)
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// quoteLiteral quotes s as a SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
