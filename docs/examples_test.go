package docs_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
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

// TestExamples runs every SQL example of the docs: the Postgres form through Steampipe's
// Postgres FDW built for the plugin (make fdw), the SQLite form on the engine, both over the
// same fake API. Where both forms ran and neither reads the clock, they must return as many
// rows.
func TestExamples(t *testing.T) {
	env := getEnv(t)
	total := 0
	for _, s := range sections(t) {
		name := strings.TrimPrefix(s.file, "docs/") + "/" + s.heading
		t.Run(name, func(t *testing.T) {
			pgCount, liteCount := -1, -1
			clock := false
			for _, ex := range s.blocks {
				total++
				if ex.postgres() {
					pgCount = runPostgresExample(t, env, ex)
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

// runPostgresExample runs one Postgres example through the FDW and returns its row count. An
// example that counts its requests runs in a fresh session, so that no page an earlier example
// read is in the memo.
func runPostgresExample(t *testing.T, env *testEnv, ex example) int {
	t.Helper()
	s := env.postgres(t)
	if ex.countsRequests() {
		s = env.freshPostgres(t)
	}
	before := env.requests()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := runScript(ctx, s, ex.sql)
	if err != nil {
		t.Errorf("%s: PostgreSQL through the FDW: %v\n%s", ex, err, ex.sql)
		return -1
	}
	sent := env.requests() - before
	t.Logf("postgres (FDW): %d rows, %d requests", len(res.Rows), sent)
	checkRows(t, ex, "PostgreSQL", len(res.Rows))
	checkRequests(t, ex, sent)
	return len(res.Rows)
}

// copyLine is psql's \copy from a file, which runScript sends as COPY ... FROM STDIN.
var copyLine = regexp.MustCompile(`^\\copy\s+(.+?)\s+from\s+'([^']+)'\s*(.*?);?$`)

// runScript runs a Postgres example: its statements, and its \copy lines with the repository's
// file, in order. The result is the last statement's.
func runScript(ctx context.Context, s *pgfdw.Session, sql string) (*pgfdw.Result, error) {
	var pending []string
	res := &pgfdw.Result{}
	flush := func() error {
		if strings.TrimSpace(strings.Join(pending, "")) == "" {
			return nil
		}
		r, err := s.Query(ctx, strings.Join(pending, "\n"))
		pending = nil
		if err == nil {
			res = r
		}
		return err
	}
	for _, line := range strings.Split(sql, "\n") {
		m := copyLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			pending = append(pending, line)
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		if err := copyFile(ctx, s, m[1], m[2], m[3]); err != nil {
			return nil, err
		}
	}
	return res, flush()
}

// copyFile sends the repository's file to COPY table FROM STDIN with options.
func copyFile(ctx context.Context, s *pgfdw.Session, table, file, options string) error {
	root, err := harness.ModuleRoot()
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(root, filepath.FromSlash(file)))
	if err != nil {
		return fmt.Errorf("\\copy: %w", err)
	}
	defer func() { _ = f.Close() }()
	_, err = s.Conn().PgConn().CopyFrom(ctx, f, fmt.Sprintf("copy %s from stdin %s", table, options))
	return err
}

func runPostgres(t *testing.T, env *testEnv, sql string) (*pgfdw.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return env.postgres(t).Query(ctx, sql)
}

// TestPostgresCatchesWhatReadingCannot shows why the Postgres forms run in PostgreSQL: names
// and qualifiers can be right and the query still fail on types.
func TestPostgresCatchesWhatReadingCannot(t *testing.T) {
	env := getEnv(t)
	_, err := runPostgres(t, env, "select round(avg(latency_p95), 1) from bluejay_call_evaluation where agent_id = '42'")
	if err == nil || !strings.Contains(err.Error(), "function round(double precision, integer) does not exist") {
		t.Fatalf("got %v, want PostgreSQL's error on round(double precision, integer)", err)
	}
	res, err := runPostgres(t, env, "select round(avg(latency_p95)::numeric, 1) from bluejay_call_evaluation where agent_id = '42'")
	if err != nil || len(res.Rows) != 1 {
		t.Fatalf("with the cast: %v, %v", res, err)
	}
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
