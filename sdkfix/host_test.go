// Package sdkfix holds the tests of the fixes in third_party/steampipe-plugin-sdk: each drives
// the SDK alone (no Bluejay code) in this process, through the same entry points Steampipe and
// its Postgres FDW use, and forces the ordering a fix is about. third_party/README.md lists which
// test belongs to which fix.
package sdkfix

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"
)

const (
	connection = "fix"
	table      = "fix_item"
)

// item is a row of fix_item; k is the optional key column an IN list splits on.
type item struct {
	ID int64
	K  string
}

type config struct {
	Unused *string `hcl:"unused,optional"`
}

// TestMain keeps the SDK's log to errors: the failing scans would log every step.
func TestMain(m *testing.M) {
	os.Setenv("STEAMPIPE_LOG_LEVEL", "ERROR")
	os.Exit(m.Run())
}

// host is a one-table plugin served in this process as the FDW serves a plugin (plugin.Server),
// with one connection; each run of a test sets the list function its scan calls.
type host struct {
	server *grpc.PluginServer
	list   atomic.Pointer[plugin.HydrateFunc]
	calls  atomic.Int64
}

// newHost starts the plugin with the query cache on or off.
func newHost(t *testing.T, cacheOn bool) *host {
	t.Helper()
	h := &host{}
	list := func(ctx context.Context, d *plugin.QueryData, hd *plugin.HydrateData) (any, error) {
		return (*h.list.Load())(ctx, d, hd)
	}
	h.server = newServer(t, list, cacheOn)
	return h
}

// scan runs list as fix_item's list function for a fresh call id; the rest as scanRequest.
func (h *host) request(list plugin.HydrateFunc, cacheOn bool, limit int64, values ...string) *proto.ExecuteRequest {
	h.list.Store(&list)
	return scanRequest(fmt.Sprintf("call-%d", h.calls.Add(1)), cacheOn, limit, values...)
}

func newServer(t *testing.T, list plugin.HydrateFunc, cacheOn bool) *grpc.PluginServer {
	t.Helper()
	server := fixServer(list)
	loadConnection(t, server, -1) // SetCacheOptions follows
	if _, err := server.SetCacheOptions(&proto.SetCacheOptionsRequest{Enabled: cacheOn, MaxSizeMb: 64, Ttl: 300}); err != nil {
		t.Fatal(err)
	}
	return server
}

// fixServer serves the one-table plugin whose scans call list, with no connection yet.
func fixServer(list plugin.HydrateFunc) *grpc.PluginServer {
	return plugin.Server(&plugin.ServeOpts{PluginFunc: func(context.Context) *plugin.Plugin {
		return &plugin.Plugin{
			Name: "steampipe-plugin-fix",
			ConnectionConfigSchema: &plugin.ConnectionConfigSchema{
				NewInstance: func() any { return &config{} },
			},
			TableMap: map[string]*plugin.Table{table: {
				Name: table,
				List: &plugin.ListConfig{Hydrate: list, KeyColumns: plugin.OptionalColumns([]string{"k"})},
				Columns: []*plugin.Column{
					{Name: "id", Type: proto.ColumnType_INT, Transform: transform.FromField("ID")},
					{Name: "k", Type: proto.ColumnType_STRING, Transform: transform.FromField("K")},
				},
			}},
		}
	}})
}

// loadConnection gives the server its one connection. maxCacheSizeMb -1 says SetCacheOptions
// follows, as Steampipe sends it; the standalone FDW sends 0 and no SetCacheOptions, which
// creates a query cache, on, with no size limit.
func loadConnection(t testing.TB, server *grpc.PluginServer, maxCacheSizeMb int64) {
	t.Helper()
	res, err := server.SetAllConnectionConfigs(&proto.SetAllConnectionConfigsRequest{
		Configs: []*proto.ConnectionConfig{{
			Connection: connection, Plugin: "fix", PluginShortName: "fix", PluginInstance: "fix",
		}},
		MaxCacheSizeMb: maxCacheSizeMb,
	})
	if err != nil || len(res.GetFailedConnections()) > 0 {
		t.Fatalf("loading the connection: %v %v", err, res.GetFailedConnections())
	}
}

// scanRequest is `select id, k from fix_item`, with `where k in (values)` when values are given.
func scanRequest(callID string, cacheOn bool, limit int64, values ...string) *proto.ExecuteRequest {
	data := &proto.ExecuteConnectionData{CacheEnabled: cacheOn, CacheTtl: 300}
	if limit > 0 {
		data.Limit = &proto.NullableInt{Value: limit}
	}
	qc := &proto.QueryContext{Columns: []string{"id", "k"}, Quals: map[string]*proto.Quals{}}
	if len(values) > 0 {
		list := &proto.QualValueList{}
		for _, v := range values {
			list.Values = append(list.Values, &proto.QualValue{Value: &proto.QualValue_StringValue{StringValue: v}})
		}
		qc.Quals["k"] = &proto.Quals{Quals: []*proto.Qual{{
			FieldName: "k",
			Operator:  &proto.Qual_StringValue{StringValue: "="},
			Value:     &proto.QualValue{Value: &proto.QualValue_ListValue{ListValue: list}},
		}}}
	}
	return &proto.ExecuteRequest{
		Table: table, QueryContext: qc, Connection: connection, CallId: callID,
		ExecuteConnectionData: map[string]*proto.ExecuteConnectionData{connection: data},
	}
}

// gatedStream stands in for the gRPC stream Steampipe reads a plugin's rows from. Its first Send
// blocks until open is called, which keeps the SDK's execute loop busy sending a row while the
// test lines up what happens behind it.
type gatedStream struct {
	proto.WrapperPlugin_ExecuteServer // never called: the SDK uses only Send and Context
	ctx                               context.Context
	entered                           chan struct{} // closed when the first Send starts
	gate                              chan struct{}
	once                              sync.Once
	mu                                sync.Mutex
	rows                              int
}

func newGatedStream(ctx context.Context) *gatedStream {
	return &gatedStream{ctx: ctx, entered: make(chan struct{}), gate: make(chan struct{})}
}

func (s *gatedStream) Send(r *proto.ExecuteResponse) error {
	s.once.Do(func() { close(s.entered) })
	<-s.gate
	if r != nil && r.Row != nil {
		s.mu.Lock()
		s.rows++
		s.mu.Unlock()
	}
	return nil
}

func (s *gatedStream) Context() context.Context { return s.ctx }

func (s *gatedStream) open() { close(s.gate) }

func (s *gatedStream) rowCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rows
}

// executeGated runs req on h over stream and returns what Execute returns. lineUp returns once
// the list function has done what the test lines up behind the stream's blocked first Send; after
// settle, for the SDK's goroutines to reach that state, the stream opens.
func (h *host) executeGated(req *proto.ExecuteRequest, stream *gatedStream, lineUp func()) error {
	result := make(chan error, 1)
	go func() { result <- h.server.Execute(req, stream) }()
	lineUp()
	time.Sleep(settle)
	stream.open()
	return <-result
}

// keepsTheErrorEveryRun runs a failing scan 20 times, each over a new gated stream, and fails the
// test if any ends without the list function's error. listOf gives a run's list function, which
// closes listDone once it has lined up its part behind the stream's blocked first Send.
func keepsTheErrorEveryRun(t *testing.T, listOf func(stream *gatedStream, listDone chan struct{}) plugin.HydrateFunc) {
	t.Helper()
	const runs = 20
	lost := 0
	h := newHost(t, false)
	for i := range runs {
		stream := newGatedStream(context.Background())
		listDone := make(chan struct{})
		err := h.executeGated(h.request(listOf(stream, listDone), false, 0), stream, func() { <-listDone })
		if !wantListError(t, err) {
			lost++
			t.Logf("run %d: execute returned %v after %d rows", i, err, stream.rowCount())
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d failing scans ended without their error", lost, runs)
	}
}

// waitForNone polls count, for 2 s at most, until it is 0, and returns its last value.
func waitForNone(count func() int) int {
	deadline := time.Now().Add(2 * time.Second)
	for count() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return count()
}

// errList is the error every failing list function of these tests returns.
type errList struct{ value string }

func (e errList) Error() string { return "list failed for " + e.value }

// wantListError fails the test unless err is a list function's error.
func wantListError(t *testing.T, err error) bool {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), "list failed for") {
		return false
	}
	return true
}
