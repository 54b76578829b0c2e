package docs_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
)

// testEnv is shared by every test of the package: one fake API, the built plugin binary
// connected to it (for the tables' schemas), Steampipe's Postgres FDW for the plugin in a
// throwaway PostgreSQL (for the Postgres examples) and the SQLite engine, both connected to it.
//
// The fake's clock is now, frozen when the tests start: its sample data sits where it would
// for a real account today, and every scan of the run sees the same calls, so the Postgres and
// SQLite forms of an example can be compared.
type testEnv struct {
	now    time.Time
	srv    *fakeapi.Server
	plugin *harness.Plugin
	schema map[string]*tableSchema

	dbOnce sync.Once
	db     *engine.DB
	dbErr  error

	fdwOnce sync.Once
	fdw     *pgfdw.Env
	pg      *pgfdw.Session
	fdwErr  error
	// staging is the second organisation's fake API, connection stagingConnection of the
	// FDW's database, for the examples that query two organisations.
	staging *fakeapi.Server
}

// tableSchema is a table's columns, as the plugin declares them.
type tableSchema struct {
	Columns map[string]string // name -> type (proto name)
	Order   []string
	// Keys are the key columns with the operators the table accepts for each.
	Keys map[string][]string
}

const connection = "bluejay"

// The second organisation of the Postgres examples, and the agent the first no longer has.
const (
	stagingConnection = "bluejay_staging"
	stagingKey        = "bj_staging_docs_key"
	deletedAgent      = "a-999"
)

var (
	envOnce sync.Once
	theEnv  *testEnv
	envErr  error
)

func getEnv(t *testing.T) *testEnv {
	t.Helper()
	envOnce.Do(func() { theEnv, envErr = startEnv() })
	if envErr != nil {
		t.Fatal(envErr)
	}
	return theEnv
}

func startEnv() (*testEnv, error) {
	now := time.Now().UTC()
	e := &testEnv{now: now}
	e.srv = fakeapi.NewServer(fakeapi.Options{Now: func() time.Time { return now }})
	e.srv.DeleteAgent(deletedAgent)
	bin, err := harness.Build()
	if err != nil {
		return e, err
	}
	e.plugin, err = harness.Start(harness.Options{Binary: bin})
	if err != nil {
		return e, err
	}
	cfg := harness.Config(map[string]any{"api_key": fakeapi.DefaultAPIKey, "base_url": e.srv.URL})
	if _, err := e.plugin.SetConnections(harness.Connection{Name: connection, Config: cfg}); err != nil {
		return e, err
	}
	s, err := e.plugin.Schema(connection)
	if err != nil {
		return e, err
	}
	e.schema = map[string]*tableSchema{}
	for name, ts := range s.GetSchema() {
		e.schema[name] = schemaOf(ts)
	}
	return e, nil
}

func schemaOf(ts *proto.TableSchema) *tableSchema {
	s := &tableSchema{Columns: map[string]string{}, Keys: map[string][]string{}}
	for _, c := range ts.Columns {
		s.Columns[c.Name] = c.Type.String()
		s.Order = append(s.Order, c.Name)
	}
	for _, list := range [][]*proto.KeyColumn{ts.ListCallKeyColumnList, ts.GetCallKeyColumnList} {
		for _, k := range list {
			ops := k.Operators
			if len(ops) == 0 {
				ops = []string{"="}
			}
			s.Keys[k.Name] = append(s.Keys[k.Name], ops...)
		}
	}
	return s
}

// sqlite opens the engine once, on the same fake API.
func (e *testEnv) sqlite(t *testing.T) *engine.DB {
	t.Helper()
	e.dbOnce.Do(func() {
		e.db, e.dbErr = engine.Open(context.Background(), engine.Config{HCL: engine.FakeHCL(e.srv, fakeapi.DefaultAPIKey)})
	})
	if e.dbErr != nil {
		t.Fatalf("open the SQLite engine: %v", e.dbErr)
	}
	return e.db
}

// postgres is one session through the FDW, on the same fake API, with the query cache off. It
// skips the test when the FDW is not installed, unless pgfdw.EnvRequire is set.
func (e *testEnv) postgres(t *testing.T) *pgfdw.Session {
	t.Helper()
	e.fdwOnce.Do(func() {
		e.fdw, e.fdwErr = pgfdw.StartEnv(context.Background(), pgfdw.EnvOptions{Server: e.srv})
		if e.fdwErr == nil {
			e.staging, e.fdwErr = e.fdw.AddConnection(context.Background(), stagingConnection, pgfdw.EnvOptions{API: fakeapi.Options{
				APIKey: stagingKey, Seed: 2, Now: func() time.Time { return e.now },
				Agents: []fakeapi.AgentSpec{{ID: "42", Calls: 400}, {ID: "s-1", Calls: 60}}}})
		}
		if e.fdwErr == nil {
			e.pg, e.fdwErr = e.fdw.Connect(context.Background(), pgfdw.SessionOptions{})
		}
	})
	if e.fdwErr != nil {
		if pgfdw.IsNotInstalled(e.fdwErr) && os.Getenv(pgfdw.EnvRequire) == "" {
			t.Skipf("the Postgres examples need the FDW: %v (set %s=1 to fail instead)", e.fdwErr, pgfdw.EnvRequire)
		}
		t.Fatalf("PostgreSQL with the FDW: %v", e.fdwErr)
	}
	return e.pg
}

// freshPostgres is a session of its own (a fresh plugin, an empty memo), closed with the test.
func (e *testEnv) freshPostgres(t *testing.T) *pgfdw.Session {
	t.Helper()
	e.postgres(t)
	s, err := e.fdw.Connect(context.Background(), pgfdw.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// requests is how many requests the fake APIs have received.
func (e *testEnv) requests() int {
	n := len(e.srv.Requests())
	if e.staging != nil {
		n += len(e.staging.Requests())
	}
	return n
}

func closeEnv() {
	if theEnv == nil {
		return
	}
	if theEnv.pg != nil {
		theEnv.pg.Close()
	}
	if theEnv.fdw != nil {
		theEnv.fdw.Close()
	}
	if theEnv.db != nil {
		_ = theEnv.db.Close()
	}
	if theEnv.plugin != nil {
		theEnv.plugin.Close()
	}
	if theEnv.srv != nil {
		theEnv.srv.Close()
	}
}
