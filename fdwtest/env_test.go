// Package fdwtest runs the plugin's tables through Steampipe's Postgres FDW built for this
// plugin (`make fdw`), in a throwaway PostgreSQL, against the fake Bluejay API: the planner,
// quals and row conversion Steampipe users get.
package fdwtest

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
)

var (
	envOnce sync.Once
	theEnv  *pgfdw.Env
	envErr  error
	// now is the fake API's clock, frozen at the start: its sample data sits where it would
	// for an account today, so PostgreSQL's now() and the API's windows agree.
	now = time.Now().UTC()
)

func TestMain(m *testing.M) {
	code := m.Run()
	if theEnv != nil {
		theEnv.Close()
	}
	os.Exit(code)
}

// sharedEnv is the package's one server and fake API; a test that changes the fake's faults
// or latency restores them.
func sharedEnv(t testing.TB) *pgfdw.Env {
	t.Helper()
	envOnce.Do(func() {
		theEnv, envErr = pgfdw.StartEnv(context.Background(), pgfdw.EnvOptions{API: fakeapi.Options{Now: func() time.Time { return now }}})
	})
	skipOrFail(t, envErr)
	return theEnv
}

// skipOrFail skips when the FDW is not installed, unless CI requires it.
func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if pgfdw.IsNotInstalled(err) && os.Getenv(pgfdw.EnvRequire) == "" {
		t.Skipf("%v (set %s=1 to fail instead)", err, pgfdw.EnvRequire)
	}
	t.Fatal(err)
}

// session opens a fresh backend (a fresh plugin) with the query cache off, unless cache.
func session(t testing.TB, env *pgfdw.Env, cache bool) *pgfdw.Session {
	t.Helper()
	s, err := env.Connect(context.Background(), pgfdw.SessionOptions{Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func query(t testing.TB, s *pgfdw.Session, sql string) *pgfdw.Result {
	t.Helper()
	r, err := s.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s\n%v", sql, err)
	}
	return r
}

// count runs a query returning one integer.
func count(t testing.TB, s *pgfdw.Session, sql string) int {
	t.Helper()
	r := query(t, s, sql)
	if len(r.Rows) != 1 || len(r.Rows[0]) != 1 {
		t.Fatalf("%s: want one value, got %v", sql, r.Rows)
	}
	n, err := strconv.Atoi(r.Rows[0][0])
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// requestLog is the fake's requests since mark.
type requestLog []fakeapi.Request

func requestsSince(env *pgfdw.Env, mark int) requestLog { return env.API.Requests()[mark:] }

func mark(env *pgfdw.Env) int { return len(env.API.Requests()) }

// pages and gets count the call-log page requests and the single-call requests.
func (l requestLog) pages() int { return l.countPath("/v1/retrieve-call-logs/") }
func (l requestLog) gets() int  { return l.countPath("/v1/retrieve-call-log/") }

func (l requestLog) countPath(prefix string) int {
	n := 0
	for _, r := range l {
		if strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// explain is the plan PostgreSQL chose, one line a node.
func explain(t testing.TB, s *pgfdw.Session, sql string) string {
	t.Helper()
	r := query(t, s, "explain (costs off) "+sql)
	var b strings.Builder
	for _, row := range r.Rows {
		b.WriteString(row[0])
		b.WriteByte('\n')
	}
	return b.String()
}
