// Package powerpipetest runs the project's mod in Powerpipe (`make powerpipe`), where Steampipe
// users run it: against Steampipe's Postgres FDW built for this plugin (`make fdw`), in a
// throwaway PostgreSQL, with the fake Bluejay API behind it. The same fake API serves the SQLite
// engine that `bluejay-sql check` runs the mod on, so the two engines can be compared.
package powerpipetest

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/powerpipe"
)

// env is the package's one fake API, PostgreSQL with the FDW, SQLite engine and Powerpipe.
type env struct {
	api *fakeapi.Server
	pg  *pgfdw.Env
	db  *engine.DB
	pp  *powerpipe.Powerpipe
}

var (
	envOnce sync.Once
	theEnv  *env
	envErr  error
	// now is the fake API's clock, frozen at the start: both engines read the same calls.
	now = time.Now().UTC()
)

func TestMain(m *testing.M) {
	code := m.Run()
	if theEnv != nil {
		theEnv.close()
	}
	os.Exit(code)
}

// sharedEnv starts the environment once; it skips when Powerpipe or the FDW is missing, unless
// CI requires them.
func sharedEnv(t testing.TB) *env {
	t.Helper()
	envOnce.Do(func() { theEnv, envErr = startEnv(context.Background()) })
	skipOrFail(t, envErr)
	return theEnv
}

func startEnv(ctx context.Context) (*env, error) {
	e := &env{api: fakeapi.NewServer(fakeapi.Options{Now: func() time.Time { return now }})}
	if _, err := powerpipe.Binary(); err != nil {
		return e, err
	}
	var err error
	if e.pg, err = pgfdw.StartEnv(ctx, pgfdw.EnvOptions{Server: e.api, TCP: true}); err != nil {
		return e, err
	}
	if e.db, err = engine.Open(ctx, engine.Config{HCL: engine.FakeHCL(e.api, fakeapi.DefaultAPIKey)}); err != nil {
		return e, err
	}
	e.pp, err = powerpipe.New(powerpipe.Options{Database: database(e.pg)})
	return e, err
}

// database is the FDW's database as Powerpipe reaches it: over TCP, the plugin's schema first.
func database(pg *pgfdw.Env) powerpipe.Database {
	return powerpipe.Database{
		Host:             "127.0.0.1",
		Port:             pg.Cluster.Port(),
		Name:             pg.DB.Name(),
		User:             "postgres",
		SearchPathPrefix: []string{pgfdw.Connection},
	}
}

func (e *env) close() {
	if e.pp != nil {
		e.pp.Close()
	}
	if e.db != nil {
		_ = e.db.Close()
	}
	if e.pg != nil {
		e.pg.Close()
	}
	e.api.Close()
}

func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if pgfdw.IsNotInstalled(err) && os.Getenv(pgfdw.EnvRequire) == "" {
		t.Skipf("%v (set %s=1 to fail instead)", err, pgfdw.EnvRequire)
	}
	if powerpipe.IsNotInstalled(err) && os.Getenv(powerpipe.EnvRequire) == "" {
		t.Skipf("%v (set %s=1 to fail instead)", err, powerpipe.EnvRequire)
	}
	t.Fatal(err)
}

// run runs a Powerpipe command that must exit with want.
func run(t testing.TB, pp *powerpipe.Powerpipe, want int, args ...string) *powerpipe.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := pp.Run(ctx, args...)
	if err != nil {
		t.Fatal(err)
	}
	if res.Exit != want {
		t.Fatalf("powerpipe %s: exit status %d, want %d\nstderr:\n%s\nstdout:\n%.2000s", strings.Join(args, " "), res.Exit, want, res.Stderr, res.Stdout)
	}
	return res
}

// decode reads a command's JSON output.
func decode[T any](t testing.TB, res *powerpipe.Result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(res.Stdout, &v); err != nil {
		t.Fatalf("powerpipe's output is not the JSON expected: %v\n%.2000s", err, res.Stdout)
	}
	return v
}
