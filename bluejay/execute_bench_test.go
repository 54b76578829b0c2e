package bluejay_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	grpcserver "github.com/turbot/steampipe-plugin-sdk/v5/grpc"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"google.golang.org/grpc"
	protobuf "google.golang.org/protobuf/proto"

	"github.com/bluejay-community/steampipe-plugin-bluejay/bluejay"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// BenchmarkExecute runs whole table scans in process, through the SDK's own Execute: list
// function, paging, the SDK building each row from the column getters, and the gRPC encoding of
// every row (the stream marshals what it is sent). It is the profile target for the plugin's CPU
// per row:
//
//	go test -run '^$' -bench Execute -cpuprofile cpu.out ./bluejay && go tool pprof -top bluejay.test cpu.out
//
// "memo" reads pages a first scan left in the connection's page memo, so it is the row path
// alone; "api" gives every scan a fresh connection, so it adds the HTTP requests to the fake API
// (no latency) and the decoding of each page.
func BenchmarkExecute(b *testing.B) {
	// Each agent's 1000 calls are 10 pages, well within the page memo. "api" goes round more
	// agents than the memo holds pages for (64), so every page it reads is a request.
	const calls, apiAgents = 1000, 8
	specs := []fakeapi.AgentSpec{{ID: "memo", Calls: calls}}
	for i := range apiAgents {
		specs = append(specs, fakeapi.AgentSpec{ID: fmt.Sprintf("api-%d", i), Calls: calls})
	}
	srv := fakeapi.NewServer(fakeapi.Options{Agents: specs})
	b.Cleanup(srv.Close)
	for _, s := range specs {
		srv.Warm(s.ID)
	}
	server := benchServer(b, srv)
	for _, table := range []string{"bluejay_call", "bluejay_call_evaluation"} {
		b.Run(table+"/memo", func(b *testing.B) {
			scan(b, server, table, "memo") // fills the memo
			bench(b, func(int) int { return scan(b, server, table, "memo") })
		})
		b.Run(table+"/api", func(b *testing.B) {
			bench(b, func(i int) int { return scan(b, server, table, fmt.Sprintf("api-%d", i%apiAgents)) })
		})
	}
	// One call by id, its page in the memo: the inner scan of a join, once per outer row, so
	// its cost is the SDK's per-scan setup more than any row's (docs/joins.md).
	b.Run("bluejay_call/inner-scan", func(b *testing.B) {
		scan(b, server, "bluejay_call", "memo")
		ids := srv.Expected("memo", "", "all")
		bench(b, func(i int) int { return innerScan(b, server, "memo", ids[i%len(ids)].ID) })
	})
}

// innerScan is `select id from bluejay_call where agent_id = agent and last = 'all' and id = id`,
// as the FDW asks for the call of one outer row of a join; it returns the rows (one).
func innerScan(b *testing.B, server *grpcserver.PluginServer, agent, id string) int {
	b.Helper()
	quals := map[string]*proto.Quals{}
	for column, value := range map[string]string{"agent_id": agent, "last": "all", "id": id} {
		v, err := harness.QualValue(value)
		if err != nil {
			b.Fatal(err)
		}
		quals[column] = &proto.Quals{Quals: []*proto.Qual{{FieldName: column, Operator: &proto.Qual_StringValue{StringValue: "="}, Value: v}}}
	}
	s := &countingStream{ctx: context.Background()}
	if err := server.Execute(&proto.ExecuteRequest{
		Table:                 "bluejay_call",
		QueryContext:          proto.NewQueryContext([]string{"id"}, quals, -1, nil),
		Connection:            benchConnection,
		CallId:                fmt.Sprintf("bench-%s-%d", benchConnection, callSeq()),
		ExecuteConnectionData: map[string]*proto.ExecuteConnectionData{benchConnection: {CacheTtl: 300, CacheEnabled: benchCache}},
	}, s); err != nil {
		b.Fatal(err)
	}
	if s.rows != 1 {
		b.Fatalf("call %s: %d rows, want 1", id, s.rows)
	}
	return s.rows
}

// BenchmarkExecuteCacheOn is BenchmarkExecute's memo scan and inner scan with Steampipe's query
// cache on for the call-log tables, which the plugin turns off: what turning it back on would
// cost or save (docs/performance.md). A repeated scan is then served from the cache; every
// inner scan of a join, each with another id, is a new cache entry.
func BenchmarkExecuteCacheOn(b *testing.B) {
	const calls = 1000
	srv := fakeapi.NewServer(fakeapi.Options{Agents: []fakeapi.AgentSpec{{ID: "memo", Calls: calls}}})
	b.Cleanup(srv.Close)
	srv.Warm("memo")
	b.Cleanup(bluejay.SetCallLogCache(true))
	benchCache = true
	b.Cleanup(func() { benchCache = false })
	server := benchServer(b, srv)
	b.Run("bluejay_call/memo", func(b *testing.B) {
		scan(b, server, "bluejay_call", "memo")
		bench(b, func(int) int { return scan(b, server, "bluejay_call", "memo") })
	})
	b.Run("bluejay_call/inner-scan", func(b *testing.B) {
		ids := srv.Expected("memo", "", "all")
		bench(b, func(i int) int { return innerScan(b, server, "memo", ids[i%len(ids)].ID) })
	})
}

// benchServer serves the plugin in this process with one connection to srv, and the query
// cache on when benchCache is set.
func benchServer(b *testing.B, srv *fakeapi.Server) *grpcserver.PluginServer {
	server := plugin.Server(&plugin.ServeOpts{PluginFunc: bluejay.Plugin})
	if _, err := server.SetCacheOptions(&proto.SetCacheOptionsRequest{Enabled: benchCache, Ttl: 300, MaxSizeMb: 1024}); err != nil {
		b.Fatal(err)
	}
	cfg := harness.Config(map[string]any{"api_key": fakeapi.DefaultAPIKey, "base_url": srv.URL})
	if _, err := server.SetAllConnectionConfigs(&proto.SetAllConnectionConfigsRequest{MaxCacheSizeMb: -1, Configs: []*proto.ConnectionConfig{{
		Connection: benchConnection, Plugin: "bluejay", PluginShortName: "bluejay", PluginInstance: "bluejay", Config: cfg,
	}}}); err != nil {
		b.Fatal(err)
	}
	return server
}

// benchCache asks for the query cache in the benchmarks' servers and scans.
var benchCache bool

const benchConnection = "bench"

// bench runs one scan per iteration and reports the cost per row: wall time, and CPU time of the
// whole process (every core; the fake API's share included in "api"), which a busy machine
// inflates far less than wall time.
func bench(b *testing.B, scan func(i int) int) {
	b.ReportAllocs()
	rows := 0
	cpu := processCPU(b)
	for i := 0; b.Loop(); i++ {
		rows += scan(i)
	}
	cpu = processCPU(b) - cpu
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(rows), "cpu-ns/row")
}

// processCPU is the user and system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// scan is `select * from table where agent_id = agent and last = 'all'` on a plugin server
// called directly, without go-plugin or gRPC in between; it returns the rows.
func scan(b *testing.B, server *grpcserver.PluginServer, table, agent string) int {
	b.Helper()
	s := &countingStream{ctx: context.Background()}
	if err := server.Execute(executeRequest(b, table, agent), s); err != nil {
		b.Fatal(err)
	}
	if s.rows == 0 {
		b.Fatalf("%s: no rows", table)
	}
	return s.rows
}

// executeRequest is what the FDW sends for the scan, every column requested.
func executeRequest(b *testing.B, table, agentID string) *proto.ExecuteRequest {
	b.Helper()
	conn := benchConnection
	agent, err := harness.QualValue(agentID)
	if err != nil {
		b.Fatal(err)
	}
	last, _ := harness.QualValue("all")
	quals := map[string]*proto.Quals{
		"agent_id": {Quals: []*proto.Qual{{FieldName: "agent_id", Operator: &proto.Qual_StringValue{StringValue: "="}, Value: agent}}},
		"last":     {Quals: []*proto.Qual{{FieldName: "last", Operator: &proto.Qual_StringValue{StringValue: "="}, Value: last}}},
	}
	return &proto.ExecuteRequest{
		Table:                 table,
		QueryContext:          proto.NewQueryContext(tableColumns(b, table), quals, -1, nil),
		Connection:            conn,
		CallId:                fmt.Sprintf("bench-%s-%d", conn, callSeq()),
		ExecuteConnectionData: map[string]*proto.ExecuteConnectionData{conn: {CacheTtl: 300, CacheEnabled: benchCache}},
	}
}

var seq int

func callSeq() int { seq++; return seq }

// tableColumns are every column of the table, as `select *` asks for them.
func tableColumns(b *testing.B, table string) []string {
	b.Helper()
	t, ok := bluejay.Plugin(context.Background()).TableMap[table]
	if !ok {
		tm, err := bluejay.Plugin(context.Background()).TableMapFunc(context.Background(), &plugin.TableMapData{Connection: &plugin.Connection{Name: "x"}})
		if err != nil {
			b.Fatal(err)
		}
		t = tm[table]
	}
	cols := make([]string, 0, len(t.Columns))
	for _, c := range t.Columns {
		cols = append(cols, c.Name)
	}
	return cols
}

// countingStream is the Execute stream: it encodes each response as gRPC would, and counts rows.
type countingStream struct {
	grpc.ServerStream
	ctx  context.Context
	rows int
}

func (s *countingStream) Send(r *proto.ExecuteResponse) error {
	if _, err := protobuf.Marshal(r); err != nil {
		return err
	}
	if r.GetRow() != nil {
		s.rows++
	}
	return nil
}

func (s *countingStream) Context() context.Context { return s.ctx }
