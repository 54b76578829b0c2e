package docs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
	"github.com/bluejay-community/steampipe-plugin-bluejay/mod"
	"github.com/bluejay-community/steampipe-plugin-bluejay/modcheck"
)

// The Powerpipe mod's queries (mod/*.pp) are SQL too: each control and dashboard query runs in
// PostgreSQL, prepared with its $1, $2... and executed with its params' defaults as Powerpipe
// does, over tables holding what the plugin returns for the windows the mod reads; and on the
// SQLite engine. Both must give the same rows. (The integrator's FDW test does the same through
// Steampipe's real foreign tables.)

const modSchema = "mod_tables"

func TestModQueriesAgreeAcrossEngines(t *testing.T) {
	env := getEnv(t)
	server, err := postgres()
	switch {
	case errors.Is(err, errNoPostgres) && os.Getenv(envRequirePostgres) == "":
		t.Skipf("the mod's queries run on SQLite only here (go test ./modcheck): %v", err)
	case err != nil:
		t.Fatalf("PostgreSQL: %v", err)
	}
	m, err := modcheck.Load(mod.Files, "mod", nil)
	if err != nil {
		t.Fatal(err)
	}
	queries, err := m.AllQueries(map[string]any{"agent_id": "42"})
	if err != nil {
		t.Fatal(err)
	}
	var windows []string
	for _, v := range []string{"window", "recent_window"} {
		windows = append(windows, m.Variable(v).Value.AsString())
	}
	if err := loadModTables(env, server, windows); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = server.psql("drop schema " + modSchema + " cascade;") }()
	db := env.sqlite(t)
	for _, q := range queries {
		t.Run(q.Name, func(t *testing.T) {
			pg, err := server.rows(fmt.Sprintf("set search_path to %s;\nprepare q as %s;\nexecute q%s;\n", modSchema, strings.TrimRight(strings.TrimSpace(q.SQL), ";"), pgLiterals(q.Args)))
			if err != nil {
				t.Fatalf("PostgreSQL: %v", err)
			}
			lite, err := db.Query(context.Background(), modcheck.SQLiteSQL(q.SQL), q.Args...)
			if err != nil {
				t.Fatalf("SQLite: %v", err)
			}
			if !slices.Equal(pg[0], lite.Columns) {
				t.Fatalf("columns: PostgreSQL %v, SQLite %v", pg[0], lite.Columns)
			}
			var liteRows [][]string
			for _, r := range lite.Rows {
				rec := make([]string, len(r))
				for i, v := range r {
					rec[i] = liteText(v)
				}
				liteRows = append(liteRows, rec)
			}
			want, got := normalRows(pg[1:]), normalRows(liteRows)
			if !slices.Equal(want, got) {
				t.Errorf("rows differ\nPostgreSQL:\n  %s\nSQLite:\n  %s", strings.Join(want, "\n  "), strings.Join(got, "\n  "))
			}
			if len(got) == 0 {
				t.Error("no rows: the comparison proves nothing")
			}
		})
	}
}

// loadModTables creates one table per plugin table in a schema of its own, holding the rows the
// plugin returns for each window (every call table), as the foreign tables would.
func loadModTables(env *testEnv, server *pgServer, windows []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "drop schema if exists %s cascade;\ncreate schema %s;\n", modSchema, modSchema)
	for name, ts := range env.schema {
		var cols []string
		for _, c := range ts.Order {
			cols = append(cols, fmt.Sprintf("%q %s", c, pgTypes[ts.Columns[c]]))
		}
		fmt.Fprintf(&b, "create table %s.%q (%s);\n", modSchema, name, strings.Join(cols, ", "))
		var rows []map[string]any
		for _, quals := range windowQuals(ts, windows) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			r := env.plugin.Query(ctx, harness.Query{Connection: connection, Table: name, Quals: quals})
			cancel()
			if r.Err != nil {
				return fmt.Errorf("scan of %s: %w", name, r.Err)
			}
			rows = append(rows, r.Rows...)
		}
		if len(rows) == 0 {
			continue
		}
		data, err := json.Marshal(rows)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "insert into %s.%q select * from json_populate_recordset(null::%s.%q, $rows$%s$rows$);\n", modSchema, name, modSchema, name, data)
	}
	_, err := server.psql(b.String())
	return err
}

// windowQuals is one scan per window for a table with a last column, else one scan.
func windowQuals(ts *tableSchema, windows []string) [][]harness.Qual {
	if _, ok := ts.Columns["last"]; !ok {
		return [][]harness.Qual{nil}
	}
	var out [][]harness.Qual
	for _, w := range windows {
		out = append(out, []harness.Qual{{Column: "last", Operator: "=", Value: w}})
	}
	return out
}

// pgLiterals writes the arguments of EXECUTE, "(...)" or nothing: strings quoted, numbers as
// they are.
func pgLiterals(args []any) string {
	if len(args) == 0 {
		return ""
	}
	out := make([]string, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			out[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		default:
			out[i] = fmt.Sprint(v)
		}
	}
	return "(" + strings.Join(out, ", ") + ")"
}

func liteText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// normalRows sorts the rows (the engines collate differently) and writes numbers one way:
// Postgres prints numeric 20.0 where SQLite's real prints 20.
func normalRows(rows [][]string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		cells := make([]string, len(r))
		for j, c := range r {
			if f, err := strconv.ParseFloat(c, 64); err == nil {
				c = strconv.FormatFloat(f, 'g', -1, 64)
			}
			cells[j] = c
		}
		out[i] = strings.Join(cells, " | ")
	}
	slices.Sort(out)
	return out
}
