// Package docs_test runs every SQL example of the plugin's documentation against the fake
// Bluejay API:
//
//   - every `sql+postgres` (and plain `sql`) example is read for the plugin tables it scans, the
//     columns it names and the qualifiers Postgres would push down (sqlcheck_test.go); each scan
//     then runs through the built plugin binary with those qualifiers, and the example itself
//     runs in a real PostgreSQL server over the rows the scans returned (postgres_test.go);
//   - every `sql+sqlite` (and plain `sql`) example runs on the project's SQLite engine, the one
//     bluejay-sql uses (sqlite_test.go).
//
// An example states what the sample data implies with an HTML comment before its blocks, which
// the hub does not show: `<!-- test: rows>0 -->`, `rows=10`, `rows>=2`, `rows<5`, several
// separated by commas. Without one, the example only has to run. `requests=4` (any operator)
// counts the requests its Postgres form sends to the fake APIs, in a fresh session (an empty
// memo), so that the docs can say what a query costs.
//
// A Postgres form may hold psql's `\copy table from 'file' ...` lines: the file is the
// repository's (docs/examples/...), sent as COPY ... FROM STDIN.
package docs_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

var update = flag.Bool("update", false, "rewrite the example output in docs/index.md from the engine")

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	closeEnv()
	harness.CleanupBuilds()
	os.Exit(code)
}

// example is one fenced SQL block of the docs.
type example struct {
	file    string
	line    int
	heading string
	lang    string // "postgres", "sqlite" or "sql" (both)
	sql     string
	expect  []expectation
}

func (e example) String() string {
	return fmt.Sprintf("%s:%d (%s, %s)", e.file, e.line, e.heading, e.lang)
}

func (e example) postgres() bool { return e.lang == "postgres" || e.lang == "sql" }
func (e example) sqlite() bool   { return e.lang == "sqlite" || e.lang == "sql" }

// expectation is one `rows OP N` or `requests OP N` of a test comment.
type expectation struct {
	what string
	op   string
	n    int
}

func (x expectation) String() string { return fmt.Sprintf("%s%s%d", x.what, x.op, x.n) }

func (x expectation) holds(rows int) bool {
	switch x.op {
	case ">":
		return rows > x.n
	case ">=":
		return rows >= x.n
	case "=":
		return rows == x.n
	case "<=":
		return rows <= x.n
	case "<":
		return rows < x.n
	}
	return false
}

var (
	testComment = regexp.MustCompile(`^<!--\s*test:\s*(.*?)\s*-->$`)
	expectRE    = regexp.MustCompile(`^(rows|requests)\s*(>=|<=|>|<|=)\s*(\d+)$`)
)

// docFile is one markdown file of docs/.
type docFile struct {
	path     string
	text     string
	examples []example
	headings []string // every heading line, in order
}

// readDocs reads every markdown file under docs/.
func readDocs(t *testing.T) []*docFile {
	t.Helper()
	var files []*docFile
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		f, err := parseDoc(path)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no markdown files under docs/")
	}
	return files
}

func parseDoc(path string) (*docFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f := &docFile{path: filepath.ToSlash(filepath.Join("docs", path)), text: string(b)}
	sc := bufio.NewScanner(strings.NewReader(f.text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	heading := ""
	var expect []expectation
	var cur *example
	var body []string
	inFence := false
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if inFence {
			if trimmed == "```" {
				inFence = false
				if cur != nil {
					cur.sql = strings.Join(body, "\n")
					f.examples = append(f.examples, *cur)
					cur = nil
				}
				continue
			}
			body = append(body, line)
			continue
		}
		switch {
		case strings.HasPrefix(trimmed, "```"):
			inFence = true
			body = nil
			lang := strings.TrimPrefix(trimmed, "```")
			switch lang {
			case "sql", "sql+postgres", "sql+sqlite":
				cur = &example{file: f.path, line: n, heading: heading, lang: strings.TrimPrefix(strings.TrimPrefix(lang, "sql"), "+"), expect: expect}
				if cur.lang == "" {
					cur.lang = "sql"
				}
			}
		case strings.HasPrefix(trimmed, "#"):
			heading = strings.TrimSpace(strings.TrimLeft(trimmed, "#"))
			f.headings = append(f.headings, trimmed)
			expect = nil
		case testComment.MatchString(trimmed):
			var err error
			expect, err = parseExpectations(testComment.FindStringSubmatch(trimmed)[1])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", f.path, n, err)
			}
		}
	}
	if inFence {
		return nil, fmt.Errorf("%s: unclosed code fence", f.path)
	}
	return f, sc.Err()
}

func parseExpectations(s string) ([]expectation, error) {
	var out []expectation
	for _, part := range strings.Split(s, ",") {
		m := expectRE.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			return nil, fmt.Errorf("test comment %q: write rows>0, rows=10, rows>=2, requests=4 ... separated by commas", s)
		}
		n, _ := strconv.Atoi(m[3])
		out = append(out, expectation{what: m[1], op: m[2], n: n})
	}
	return out, nil
}

// checkRows applies an example's row expectations to a row count.
func checkRows(t *testing.T, ex example, engine string, rows int) {
	t.Helper()
	for _, x := range ex.expect {
		if x.what == "rows" && !x.holds(rows) {
			t.Errorf("%s: %s returned %d rows; the docs say %s", ex, engine, rows, x)
		}
	}
}

// countsRequests reports whether the example says how many requests it sends.
func (e example) countsRequests() bool {
	return slices.ContainsFunc(e.expect, func(x expectation) bool { return x.what == "requests" })
}

// checkRequests applies an example's request expectations to the requests its Postgres form sent.
func checkRequests(t *testing.T, ex example, requests int) {
	t.Helper()
	for _, x := range ex.expect {
		if x.what == "requests" && !x.holds(requests) {
			t.Errorf("%s: PostgreSQL sent %d requests; the docs say %s", ex, requests, x)
		}
	}
}

func allExamples(t *testing.T) []example {
	var out []example
	for _, f := range readDocs(t) {
		out = append(out, f.examples...)
	}
	return out
}

// frontMatter reads the YAML front matter's top-level keys (one line each).
func frontMatter(text string) (map[string]string, bool) {
	if !strings.HasPrefix(text, "---\n") {
		return nil, false
	}
	end := strings.Index(text[4:], "\n---\n")
	if end < 0 {
		return nil, false
	}
	out := map[string]string{}
	for _, line := range strings.Split(text[4:4+end], "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out, true
}

// TestTableDocsFollowTheHubForm checks that every table has a page in the hub's form: title,
// usage guide, important notes, and at least five examples each in both dialects.
func TestTableDocsFollowTheHubForm(t *testing.T) {
	env := getEnv(t)
	docs := map[string]*docFile{}
	for _, f := range readDocs(t) {
		if strings.HasPrefix(f.path, "docs/tables/") {
			docs[strings.TrimSuffix(filepath.Base(f.path), ".md")] = f
		}
	}
	var tables []string
	for name := range env.schema {
		tables = append(tables, name)
		if docs[name] == nil {
			t.Errorf("table %s has no docs/tables/%s.md", name, name)
		}
	}
	sort.Strings(tables)
	for name, f := range docs {
		if env.schema[name] == nil {
			t.Errorf("%s documents a table the plugin does not have", f.path)
			continue
		}
		fm, ok := frontMatter(f.text)
		if !ok {
			t.Errorf("%s: no front matter", f.path)
			continue
		}
		title := strings.Trim(fm["title"], `"`)
		if !strings.HasPrefix(title, "Steampipe Table: "+name+" - Query ") || !strings.HasSuffix(title, " using SQL") {
			t.Errorf("%s: title %q is not in the form \"Steampipe Table: %s - Query ... using SQL\"", f.path, title, name)
		}
		if fm["description"] == "" {
			t.Errorf("%s: no description in the front matter", f.path)
		}
		for _, want := range []string{"# Table: " + name + " - Query ", "## Table Usage Guide", "**Important Notes**", "## Examples"} {
			if !strings.Contains(f.text, "\n"+want) {
				t.Errorf("%s: no %q", f.path, want)
			}
		}
		byHeading := map[string][]string{}
		var order []string
		for _, ex := range f.examples {
			if byHeading[ex.heading] == nil {
				order = append(order, ex.heading)
			}
			byHeading[ex.heading] = append(byHeading[ex.heading], ex.lang)
		}
		if len(order) < 5 {
			t.Errorf("%s: %d examples, want at least 5", f.path, len(order))
		}
		for _, h := range order {
			if got := strings.Join(byHeading[h], ","); got != "postgres,sqlite" {
				t.Errorf("%s: example %q has blocks %s, want one sql+postgres then one sql+sqlite", f.path, h, got)
			}
		}
	}
	t.Logf("%d tables documented", len(tables))
}

// TestIndexFollowsTheHubForm checks docs/index.md's front matter and sections.
func TestIndexFollowsTheHubForm(t *testing.T) {
	f, err := parseDoc("index.md")
	if err != nil {
		t.Fatal(err)
	}
	fm, ok := frontMatter(f.text)
	if !ok {
		t.Fatal("docs/index.md: no front matter")
	}
	for _, k := range []string{"organization", "category", "icon_url", "brand_color", "display_name", "short_name", "description", "og_description", "og_image", "engines"} {
		if fm[k] == "" {
			t.Errorf("docs/index.md: front matter has no %s", k)
		}
	}
	for _, want := range []string{"## Get started", "### Install", "### Credentials", "### Configuration", "## Multiple connections", "## Rate limiting", "limiter \"bluejay_api\""} {
		if !strings.Contains(f.text, want) {
			t.Errorf("docs/index.md: no %q", want)
		}
	}
	spc, err := os.ReadFile("../config/bluejay.spc")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.text, "```hcl\n"+string(spc)+"```") {
		t.Error("docs/index.md: the Configuration block is not config/bluejay.spc as it is; copy it again")
	}
}

var (
	mdLink    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	slugStrip = regexp.MustCompile(`[^\p{L}\p{N} _-]`)
)

// slug is GitHub's anchor for a heading.
func slug(heading string) string {
	h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(heading, "#")))
	return strings.ReplaceAll(slugStrip.ReplaceAllString(h, ""), " ", "-")
}

// TestLinksResolve checks that every relative link of the docs names a file (or folder) that
// exists, and a heading of it when it has an anchor.
func TestLinksResolve(t *testing.T) {
	files := map[string]*docFile{}
	for _, f := range readDocs(t) {
		files[f.path] = f
	}
	for _, f := range files {
		for _, m := range mdLink.FindAllStringSubmatch(f.text, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			dest := f.path
			if path != "" {
				dest = filepath.ToSlash(filepath.Join(filepath.Dir(f.path), path))
				if _, err := os.Stat(filepath.Join("..", dest)); err != nil {
					t.Errorf("%s: link %s: no %s", f.path, target, dest)
					continue
				}
			}
			if anchor == "" {
				continue
			}
			df := files[dest]
			if df == nil {
				t.Errorf("%s: link %s: anchor into a file the test does not read", f.path, target)
				continue
			}
			found := false
			for _, h := range df.headings {
				found = found || slug(h) == anchor
			}
			if !found {
				t.Errorf("%s: link %s: %s has no heading #%s", f.path, target, dest, anchor)
			}
		}
	}
}
