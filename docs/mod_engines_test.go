package docs_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
	"github.com/bluejay-community/steampipe-plugin-bluejay/mod"
	"github.com/bluejay-community/steampipe-plugin-bluejay/modcheck"
)

// The Powerpipe mod's queries (mod/*.pp) are SQL too: each control and dashboard query runs in
// PostgreSQL through Steampipe's FDW (make fdw), prepared with its $1, $2... and executed with
// its params' defaults as Powerpipe does, and on the SQLite engine, over the same fake API.
// Both must give the same rows.

func TestModQueriesAgreeAcrossEngines(t *testing.T) {
	env := getEnv(t)
	pg := env.postgres(t)
	m, err := modcheck.Load(mod.Files, "mod", nil)
	if err != nil {
		t.Fatal(err)
	}
	queries, err := m.AllQueries(map[string]any{"agent_id": "42"})
	if err != nil {
		t.Fatal(err)
	}
	db := env.sqlite(t)
	for i, q := range queries {
		t.Run(q.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			stmt := fmt.Sprintf("mod_q%d", i)
			res, err := pg.Query(ctx, fmt.Sprintf("prepare %s as %s;\nexecute %s%s;", stmt, strings.TrimRight(strings.TrimSpace(q.SQL), ";"), stmt, pgLiterals(q.Args)))
			defer func() { _, _ = pg.Query(context.Background(), "deallocate "+stmt) }()
			if err != nil {
				t.Fatalf("PostgreSQL through the FDW: %v", err)
			}
			lite, err := db.Query(ctx, modcheck.SQLiteSQL(q.SQL), q.Args...)
			if err != nil {
				t.Fatalf("SQLite: %v", err)
			}
			if !slices.Equal(res.Columns, lite.Columns) {
				t.Fatalf("columns: PostgreSQL %v, SQLite %v", res.Columns, lite.Columns)
			}
			var pgRows, liteRows [][]string
			for _, r := range res.Rows {
				rec := slices.Clone(r)
				for i, v := range rec {
					if v == pgfdw.Null {
						rec[i] = ""
					}
				}
				pgRows = append(pgRows, rec)
			}
			for _, r := range lite.Rows {
				rec := make([]string, len(r))
				for i, v := range r {
					rec[i] = liteText(v)
				}
				liteRows = append(liteRows, rec)
			}
			want, got := normalRows(pgRows), normalRows(liteRows)
			if !slices.Equal(want, got) {
				t.Errorf("rows differ\nPostgreSQL:\n  %s\nSQLite:\n  %s", strings.Join(want, "\n  "), strings.Join(got, "\n  "))
			}
			if len(got) == 0 {
				t.Error("no rows: the comparison proves nothing")
			}
		})
	}
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
