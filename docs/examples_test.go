package docs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// section is one example of the docs: the blocks under one heading.
type section struct {
	file, heading string
	blocks        []example
}

func sections(t *testing.T) []*section {
	var out []*section
	byKey := map[string]*section{}
	for _, ex := range allExamples(t) {
		key := ex.file + "#" + ex.heading
		s := byKey[key]
		if s == nil {
			s = &section{file: ex.file, heading: ex.heading}
			byKey[key] = s
			out = append(out, s)
		}
		s.blocks = append(s.blocks, ex)
	}
	return out
}

// TestExamples runs every SQL example of the docs: the Postgres form through the plugin's
// qualifiers and columns and then in PostgreSQL, the SQLite form on the engine. Where both
// forms ran and neither reads the clock, they must return as many rows.
func TestExamples(t *testing.T) {
	env := getEnv(t)
	server, err := postgres()
	switch {
	case errors.Is(err, errNoPostgres) && os.Getenv(envRequirePostgres) == "":
		t.Logf("the Postgres examples are checked against the plugin only: %v", err)
	case err != nil:
		t.Fatalf("PostgreSQL for the Postgres examples: %v", err)
	}
	total := 0
	for _, s := range sections(t) {
		name := strings.TrimPrefix(s.file, "docs/") + "/" + s.heading
		t.Run(name, func(t *testing.T) {
			pgCount, liteCount := -1, -1
			clock := false
			for _, ex := range s.blocks {
				total++
				if ex.postgres() {
					pgCount = runPostgresExample(t, env, server, ex)
					clock = clock || readsClock(ex.sql)
				}
				if ex.sqlite() {
					liteCount = runSQLiteExample(t, env, ex)
					clock = clock || readsClock(ex.sql)
				}
			}
			if pgCount >= 0 && liteCount >= 0 && !clock && pgCount != liteCount {
				t.Errorf("%s: the Postgres form returned %d rows, the SQLite form %d", name, pgCount, liteCount)
			}
		})
	}
	if total == 0 {
		t.Fatal("no SQL examples found under docs/")
	}
	t.Logf("%d SQL blocks in %d examples", total, len(sections(t)))
}

var clockRE = regexp.MustCompile(`(?i)now\(\)|'now'|current_(date|timestamp|time)`)

func readsClock(sql string) bool { return clockRE.MatchString(sql) }

// runPostgresExample checks one Postgres example and returns its row count, or -1 when there
// is no PostgreSQL to run it in.
func runPostgresExample(t *testing.T, env *testEnv, server *pgServer, ex example) int {
	t.Helper()
	recs, err := runPostgres(t, env, server, ex.sql)
	if err != nil {
		t.Errorf("%s: %v\n%s", ex, err, ex.sql)
		return -1
	}
	if recs == nil {
		return -1
	}
	n := len(recs) - 1
	t.Logf("postgres: %d rows", n)
	checkRows(t, ex, "PostgreSQL", n)
	return n
}

// runPostgres reads a Postgres query, runs each of its scans through the plugin with the
// qualifiers Postgres would push down, then the query in PostgreSQL over the rows the scans
// returned. It returns the rows, header first, or nil when there is no PostgreSQL.
func runPostgres(t *testing.T, env *testEnv, server *pgServer, sql string) ([][]string, error) {
	t.Helper()
	a, err := checkSQL(sql, env.schema, time.Now())
	if err != nil {
		return nil, err
	}
	rows := map[*fromItem][]map[string]any{}
	for _, it := range a.items {
		var quals []harness.Qual
		for col, q := range it.quals {
			quals = append(quals, harness.Qual{Column: col, Operator: q.op, Value: q.value})
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		r := env.plugin.Query(ctx, harness.Query{Connection: connection, Table: it.name, Quals: quals})
		cancel()
		if r.Err != nil {
			return nil, fmt.Errorf("scan of %s with %s: %w", it.name, qualText(it), r.Err)
		}
		rows[it] = r.Rows
		t.Logf("postgres: %s %s read %d rows", it.name, qualText(it), len(r.Rows))
	}
	if server == nil {
		return nil, nil
	}
	script, err := pgScript(a, sql, env.schema, rows)
	if err != nil {
		return nil, err
	}
	recs, err := server.rows(script)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL: %w", err)
	}
	return recs, nil
}

// TestPostgresCatchesWhatReadingCannot shows why the Postgres forms run in PostgreSQL: names
// and qualifiers can be right and the query still fail on types.
func TestPostgresCatchesWhatReadingCannot(t *testing.T) {
	env := getEnv(t)
	server, err := postgres()
	if err != nil {
		t.Skipf("no PostgreSQL: %v", err)
	}
	_, err = runPostgres(t, env, server, "select round(avg(latency_p95), 1) from bluejay_call_evaluation where agent_id = '42'")
	if err == nil || !strings.Contains(err.Error(), "function round(double precision, integer) does not exist") {
		t.Fatalf("got %v, want PostgreSQL's error on round(double precision, integer)", err)
	}
	recs, err := runPostgres(t, env, server, "select round(avg(latency_p95)::numeric, 1) from bluejay_call_evaluation where agent_id = '42'")
	if err != nil || len(recs) != 2 {
		t.Fatalf("with the cast: %v, %v", recs, err)
	}
}

func qualText(it *fromItem) string {
	if len(it.quals) == 0 {
		return "(no qualifiers)"
	}
	var parts []string
	for col, q := range it.quals {
		v := q.value
		if tm, ok := v.(time.Time); ok {
			v = tm.Format(time.RFC3339)
		}
		parts = append(parts, fmt.Sprintf("%s %s %v", col, q.op, v))
	}
	return strings.Join(sortedStrings(parts), " and ")
}

// Two ways to write a time bound in SQLite that run and return the wrong rows: a column
// compared with datetime()'s text ("2026-11-23 12:00:00" sorts before every
// "2026-11-23T..." of the column), and a function of the column, which the engine cannot push
// down, so the plugin reads its default window.
var (
	datetimeBound  = regexp.MustCompile(`(?i)(created_at|start_time_utc)\s*[<>]=?\s*(datetime|date)\(`)
	functionOfTime = regexp.MustCompile(`(?i)(datetime|date|julianday|strftime|unixepoch)\([^)]*?(created_at|start_time_utc)\s*\)\s*[<>]`)
)

// runSQLiteExample runs one SQLite example on the engine and returns its row count.
func runSQLiteExample(t *testing.T, env *testEnv, ex example) int {
	t.Helper()
	if datetimeBound.MatchString(ex.sql) || functionOfTime.MatchString(ex.sql) {
		t.Errorf("%s: write a time bound as `created_at > strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-2 days')`: "+
			"against datetime() text it keeps the whole boundary day, and a function of the column is not pushed down", ex)
	}
	db := env.sqlite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := db.Query(ctx, ex.sql)
	if err != nil {
		t.Errorf("%s: SQLite engine: %v\n%s", ex, err, ex.sql)
		return -1
	}
	t.Logf("sqlite: %d rows", len(res.Rows))
	checkRows(t, ex, "SQLite", len(res.Rows))
	return len(res.Rows)
}

// indexExample is docs/index.md's first example and the output block after it.
var indexExample = regexp.MustCompile("(?s)```sql\n(.*?)```\n\n```\n(.*?)```")

// TestIndexOutputComesFromTheEngine runs docs/index.md's first example on the engine over the
// fake's sample data and checks the output shown under it. The sample data is placed relative
// to the fake's clock, so a window's aggregates are the same on any day. go test -run
// TestIndexOutput -update rewrites the block.
func TestIndexOutputComesFromTheEngine(t *testing.T) {
	env := getEnv(t)
	b, err := os.ReadFile("index.md")
	if err != nil {
		t.Fatal(err)
	}
	m := indexExample.FindSubmatchIndex(b)
	if m == nil {
		t.Fatal("docs/index.md: no ```sql block followed by an output block")
	}
	sql := string(b[m[2]:m[3]])
	if readsClock(sql) {
		t.Fatal("the index example reads the clock; its output would change from run to run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := env.sqlite(t).Query(ctx, sql)
	if err != nil {
		t.Fatal(err)
	}
	got := formatTable(res)
	if *update {
		out := string(b[:m[4]]) + got + string(b[m[5]:])
		if err := os.WriteFile("index.md", []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want := string(b[m[4]:m[5]]); want != got {
		t.Errorf("docs/index.md shows\n%s\nthe engine returns\n%s\n(go test ./docs -run TestIndexOutput -update rewrites it)", want, got)
	}
}

// formatTable prints a result the way Steampipe's table output does.
func formatTable(res *engine.Result) string {
	cells := make([][]string, 0, len(res.Rows)+1)
	cells = append(cells, res.Columns)
	for _, row := range res.Rows {
		line := make([]string, len(row))
		for i, v := range row {
			switch x := v.(type) {
			case nil:
				line[i] = "<null>"
			case float64:
				line[i] = strconv.FormatFloat(x, 'f', -1, 64)
			case []byte:
				line[i] = string(x)
			default:
				line[i] = fmt.Sprint(x)
			}
		}
		cells = append(cells, line)
	}
	widths := make([]int, len(res.Columns))
	for _, line := range cells {
		for i, c := range line {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	rule := func() {
		for _, w := range widths {
			b.WriteString("+" + strings.Repeat("-", w+2))
		}
		b.WriteString("+\n")
	}
	rule()
	for n, line := range cells {
		for i, c := range line {
			b.WriteString("| " + c + strings.Repeat(" ", widths[i]-len([]rune(c))) + " ")
		}
		b.WriteString("|\n")
		if n == 0 {
			rule()
		}
	}
	rule()
	return b.String()
}

func TestSQLiteTimeBoundGuard(t *testing.T) {
	for sql, bad := range map[string]bool{
		"select 1 from bluejay_call where created_at > datetime('now', '-2 days')":                       true,
		"select 1 from bluejay_call where datetime(created_at) > datetime('now', '-2 days')":             true,
		"select 1 from bluejay_call_event where call_created_at >= date('now', '-1 day')":                true,
		"select 1 from bluejay_call where created_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 days')": false,
		"select date(created_at) as day from bluejay_call group by day":                                  false,
	} {
		if got := datetimeBound.MatchString(sql) || functionOfTime.MatchString(sql); got != bad {
			t.Errorf("%s: flagged %v, want %v", sql, got, bad)
		}
	}
}
