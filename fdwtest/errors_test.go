package fdwtest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
)

// errorCase is a query that must fail, and what its error says.
type errorCase struct {
	name string
	// setup returns the session to run sql on and a func that undoes what it changed, or the
	// error that setting it up already failed with (a bad connection config fails
	// IMPORT FOREIGN SCHEMA).
	setup func(t testing.TB, env *pgfdw.Env) (*pgfdw.Session, func(), error)
	sql   string
	want  string
	// early says the error comes before any request.
	early bool
}

// sharedDBSession is a fresh session on the shared database, closed by the undo func so that
// BenchmarkFDWErrorLoss's hundreds of runs each use a fresh backend without reaching
// max_connections.
func sharedDBSession(t testing.TB, env *pgfdw.Env) (*pgfdw.Session, func(), error) {
	s := session(t, env, false)
	return s, s.Close, nil
}

// configSession is a session on a database of its own, whose connection config is cfg.
func configSession(cfg map[string]any) func(t testing.TB, env *pgfdw.Env) (*pgfdw.Session, func(), error) {
	return func(t testing.TB, env *pgfdw.Env) (*pgfdw.Session, func(), error) {
		kv := map[string]any{"api_key": "fake-bluejay-key", "base_url": env.API.URL}
		for k, v := range cfg {
			kv[k] = v
		}
		db, err := env.Cluster.CreateDB(context.Background(), pgfdw.DBOptions{Config: harness.Config(kv)})
		if err != nil {
			return nil, func() {}, err
		}
		s, err := db.Connect(context.Background(), pgfdw.SessionOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return s, s.Close, nil
	}
}

// with422 makes the fake answer every call-log page with a FastAPI validation error.
func with422(t testing.TB, env *pgfdw.Env) (*pgfdw.Session, func(), error) {
	env.API.SetRawResponse(func(r *http.Request) (int, http.Header, []byte, bool) {
		if !strings.HasPrefix(r.URL.Path, "/v1/retrieve-call-logs/") {
			return 0, nil, nil, false
		}
		body := `{"detail":[{"type":"literal_error","loc":["query","last"],"msg":"Input should be '1day' or 'all'","input":"7days"}]}`
		return http.StatusUnprocessableEntity, http.Header{"Content-Type": {"application/json"}}, []byte(body), true
	})
	s, closeSession, err := sharedDBSession(t, env)
	return s, func() { env.API.SetRawResponse(nil); closeSession() }, err
}

// run sets the case up and runs its query; the error is the one setting up or the query
// failed with.
func (c errorCase) run(t testing.TB, env *pgfdw.Env) error {
	s, undo, err := c.setup(t, env)
	defer undo()
	if err != nil {
		return err
	}
	_, err = s.Query(context.Background(), c.sql)
	return err
}

// withFault500 makes every page request of a connection without retries answer HTTP 500.
func withFault500(t testing.TB, env *pgfdw.Env) (*pgfdw.Session, func(), error) {
	s, undo, err := configSession(map[string]any{"max_retries": 0})(t, env)
	env.API.SetFaults(fakeapi.Faults{Rate: 1, OnlyPaths: "/v1/retrieve-call-logs/"})
	return s, func() { env.API.SetFaults(fakeapi.Faults{}); undo() }, err
}

// withFault500FromPage3 makes agent 42's pages from the third on answer HTTP 500, on a
// connection without retries: pages 1 and 2 answer first. The error names the first failing page
// the scan asked for, the third or a later one (it reads pages ahead).
func withFault500FromPage3(t testing.TB, env *pgfdw.Env) (*pgfdw.Session, func(), error) {
	s, undo, err := configSession(map[string]any{"max_retries": 0})(t, env)
	env.API.SetFaults(fakeapi.Faults{Func: func(r fakeapi.Request) string {
		if r.AgentID == "42" && r.Page >= 3 {
			return fakeapi.Fault500
		}
		return ""
	}})
	return s, func() { env.API.SetFaults(fakeapi.Faults{}); undo() }, err
}

var errorCases = []errorCase{
	{"bad last", sharedDBSession, "select count(*) from bluejay_call where agent_id = '42' and last = '2days'", `last = "2days" is not a window the API accepts`, true},
	{"wrong key", configSession(map[string]any{"api_key": "not-the-key"}), "select count(*) from bluejay_call where agent_id = '42' and last = '1day'", "the API rejected the API key (HTTP 401", false},
	{"422", with422, "select count(*) from bluejay_call where agent_id = '42' and last = '7days'", "HTTP 422: query.last: Input should be '1day' or 'all'", false},
	{"non-loopback base_url", configSession(map[string]any{"base_url": "http://192.0.2.1"}), "select count(*) from bluejay_call where agent_id = '42' and last = '1day'", "uses plain http to a host that is not loopback", false},
	{"HTTP 500, no retries", withFault500, "select count(*) from bluejay_call where agent_id = '42' and last = '1day'", "HTTP 500", false},
	{"HTTP 500 from page 3 on", withFault500FromPage3, "select count(*) from bluejay_call where agent_id = '42' and last = 'all'", "HTTP 500", false},
	{"no key", configSession(map[string]any{"api_key": nil}), "select count(*) from bluejay_call where agent_id = '42' and last = '1day'", "BLUEJAY_API_KEY", false},
	{"empty agent_id", sharedDBSession, "select count(*) from bluejay_call where agent_id = '' and last = '1day'", "agent_id = '' matches no call", true},
	{"empty value in an agent_id IN list", sharedDBSession, "select count(*) from bluejay_call where agent_id in ('42', '') and last = '1day'", "agent_id = '' matches no call", true},
	{"bad last with an id", sharedDBSession, "select count(*) from bluejay_call_event where call_id = 'nope' and last = '2days'", `last = "2days" is not a window the API accepts`, true},
}

// TestFDWErrorsReachTheClient: each failure reaches the SQL client as an error that says what
// to fix, with the connection's name once.
func TestFDWErrorsReachTheClient(t *testing.T) {
	checkErrorCases(t, sharedEnv(t), errorCases)
}

// checkErrorCases runs each case: it must fail with its message, the connection's name once,
// and, if early, without a request.
func checkErrorCases(t *testing.T, env *pgfdw.Env, cases []errorCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mark(env)
			err := c.run(t, env)
			if c.early && len(requestsSince(env, m)) != 0 {
				t.Errorf("%d requests sent before the error", len(requestsSince(env, m)))
			}
			if err == nil {
				t.Fatalf("%s: no error", c.sql)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want it to say %q", err, c.want)
			}
			if strings.Contains(err.Error(), "bluejay: bluejay:") {
				t.Errorf("the connection's name twice: %q", err)
			}
			t.Logf("%v", err)
		})
	}
}

// BenchmarkFDWErrorLoss measures how often each failure reaches the client as a clean end
// instead of an error: run with -benchtime=200x (docs/reliability.md). Each run is a fresh
// session, so a fresh plugin, as a new Steampipe connection would be.
func BenchmarkFDWErrorLoss(b *testing.B) {
	env := sharedEnv(b)
	for _, c := range errorCases {
		b.Run(c.name, func(b *testing.B) {
			lost := 0
			for range b.N {
				if err := c.run(b, env); err == nil || !strings.Contains(err.Error(), c.want) {
					lost++
				}
			}
			b.ReportMetric(float64(lost)*100/float64(b.N), "%lost")
			if lost > 0 {
				b.Logf("%d of %d runs lost the error", lost, b.N)
			}
		})
	}
}
