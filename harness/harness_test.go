package harness_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// The harness is tested against a throwaway one-table plugin (testdata/
// miniplugin) rather than the real Bluejay plugin, so it can be verified on
// its own. It is built once for the whole test binary.
var miniBinary string

func TestMain(m *testing.M) {
	bin, err := harness.BuildPackage("./harness/testdata/miniplugin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	miniBinary = bin
	code := m.Run()
	harness.CleanupBuilds()
	os.Exit(code)
}

const goodKey = `k"ey\with ${not_interp} %{nor_directive} $${x}` + "\nline2\ttab"

func startMini(t *testing.T, opts harness.Options) (*harness.Plugin, *harness.LogBuffer) {
	t.Helper()
	logs := harness.NewLogBuffer()
	opts.Binary = miniBinary
	if opts.LogOutput == nil {
		opts.LogOutput = logs
	}
	p, err := harness.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	failed, err := p.SetConnections(harness.Connection{
		Name: "mini",
		Config: harness.Config(map[string]any{
			"api_key":   goodKey,
			"base_url":  "http://127.0.0.1:1234",
			"regions":   []string{"eu", "us"},
			"page_size": 50,
		}),
	})
	if err != nil || len(failed) > 0 {
		t.Fatalf("SetConnections: failed=%v err=%v\nlogs:\n%s", failed, err, logs)
	}
	return p, logs
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func ids(t *testing.T, r harness.Result) []int64 {
	t.Helper()
	if r.Err != nil {
		t.Fatalf("query error: %v", r.Err)
	}
	var out []int64
	for _, row := range r.Rows {
		out = append(out, row["id"].(int64))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func TestConfigRendering(t *testing.T) {
	got := harness.Config(map[string]any{
		"b":     `a"b\c`,
		"a":     42,
		"list":  []string{"x", "y${z}"},
		"flag":  true,
		"ratio": 0.5,
		"obj":   map[string]string{"k": "v"},
		"none":  nil,
	})
	want := `a = 42
b = "a\"b\\c"
flag = true
list = ["x", "y$${z}"]
none = null
obj = {"k" = "v"}
ratio = 0.5
`
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestConfigRoundTripAndSchema(t *testing.T) {
	p, _ := startMini(t, harness.Options{})

	s, err := p.Schema("mini")
	if err != nil {
		t.Fatal(err)
	}
	item := s.Schema["mini_item"]
	if item == nil {
		t.Fatalf("no mini_item in schema: %v", s.Schema)
	}
	types := map[string]proto.ColumnType{}
	for _, c := range item.Columns {
		types[c.Name] = c.Type
	}
	if types["id"] != proto.ColumnType_INT || types["created_at"] != proto.ColumnType_TIMESTAMP {
		t.Fatalf("unexpected column types: %v", types)
	}

	// The HCL the harness rendered must decode to exactly the same values.
	r := p.Query(ctx(t), harness.Query{Connection: "mini", Table: "mini_config"})
	if r.Err != nil || len(r.Rows) != 1 {
		t.Fatalf("rows=%v err=%v", r.Rows, r.Err)
	}
	row := r.Rows[0]
	if row["api_key"] != goodKey {
		t.Errorf("api_key round trip: got %q want %q", row["api_key"], goodKey)
	}
	if row["base_url"] != "http://127.0.0.1:1234" || row["page_size"] != int64(50) {
		t.Errorf("row: %v", row)
	}
	var regions []string
	if err := harness.UnmarshalJSON(row["regions"], &regions); err != nil || strings.Join(regions, ",") != "eu,us" {
		t.Errorf("regions: %v %v", regions, err)
	}
	if row["sp_connection_name"] != "mini" {
		t.Errorf("select * should include SDK columns, got %v", r.Columns)
	}
}

func TestBadConnectionConfig(t *testing.T) {
	p, err := harness.Start(harness.Options{Binary: miniBinary})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, err = p.SetConnections(
		harness.Connection{Name: "good", Config: harness.Config(map[string]any{"api_key": "x"})},
		harness.Connection{Name: "bad", Config: harness.Config(map[string]any{"base_url": "x"})}, // api_key missing
	)
	if err == nil || !strings.Contains(err.Error(), "bad") {
		t.Fatalf("want an error naming connection 'bad', got %v", err)
	}
	t.Logf("SetConnections error: %v", err)
	// The good connection still works: SetCacheOptions was still sent.
	r := p.Query(ctx(t), harness.Query{Connection: "good", Table: "mini_item", Columns: []string{"id"}})
	if len(ids(t, r)) != 10 {
		t.Fatalf("good connection: %v", r.Rows)
	}
	r = p.Query(ctx(t), harness.Query{Connection: "bad", Table: "mini_item", Columns: []string{"id"}})
	if r.Err == nil {
		t.Fatal("query on failed connection should error")
	}
	t.Logf("query on failed connection: %v", r.Err)
}

func TestQueries(t *testing.T) {
	p, logs := startMini(t, harness.Options{})

	t.Run("all columns and value types", func(t *testing.T) {
		r := p.Query(ctx(t), harness.Query{Connection: "mini", Table: "mini_item",
			Quals: []harness.Qual{{Column: "n", Operator: "=", Value: 3}}})
		if got := ids(t, r); fmt.Sprint(got) != "[1 2 3]" {
			t.Fatalf("ids %v", got)
		}
		sort.Slice(r.Rows, func(i, j int) bool { return r.Rows[i]["id"].(int64) < r.Rows[j]["id"].(int64) })
		row := r.Rows[1] // id 2
		if row["score"] != 1.0 || row["active"] != true || row["note"] != "note 2" || row["ip"] != "10.0.0.2" {
			t.Errorf("row 2: %#v", row)
		}
		if r.Rows[0]["note"] != nil {
			t.Errorf("null column should be nil, got %#v", r.Rows[0]["note"])
		}
		if ts, ok := row["created_at"].(time.Time); !ok || !ts.Equal(time.Date(2024, 1, 2, 5, 4, 5, 0, time.UTC)) || ts.Location() != time.UTC {
			t.Errorf("created_at %#v", row["created_at"])
		}
		tags, err := harness.DecodeJSON(row["tags"])
		if err != nil || tags.(map[string]any)["even"] != true {
			t.Errorf("tags %s: %v %v", row["tags"], tags, err)
		}
		if len(r.Columns) < 10 || r.RowsByConnection["mini"] != 3 || r.Metadata["mini"] == nil {
			t.Errorf("columns %v, by conn %v, metadata %v", r.Columns, r.RowsByConnection, r.Metadata)
		}
	})

	t.Run("range quals", func(t *testing.T) {
		r := p.Query(ctx(t), harness.Query{Connection: "mini", Table: "mini_item", Columns: []string{"id"},
			Quals: []harness.Qual{{"id", ">", int64(3)}, {"id", "<=", 6}, {"id", "<>", 5}}})
		if got := ids(t, r); fmt.Sprint(got) != "[4 6]" {
			t.Fatalf("ids %v", got)
		}
	})

	t.Run("qual value conversion", func(t *testing.T) {
		at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
		r := p.Query(ctx(t), harness.Query{Connection: "mini", Table: "mini_item", Columns: []string{"id", "quals"},
			Quals: []harness.Qual{
				{"n", "=", 1},
				{"score", ">", 0.25},
				{"active", "<>", false},
				{"created_at", ">=", at},
				{"kind", "=", "plain"},
			}})
		if r.Err != nil || len(r.Rows) != 1 {
			t.Fatalf("rows %v err %v", r.Rows, r.Err)
		}
		var got map[string][]struct {
			Op, Type string
			Value    any
		}
		if err := harness.UnmarshalJSON(r.Rows[0]["quals"], &got); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"n":          "= *proto.QualValue_Int64Value 1",
			"score":      "> *proto.QualValue_DoubleValue 0.25",
			"active":     "<> *proto.QualValue_BoolValue false",
			"created_at": ">= *proto.QualValue_TimestampValue " + at.Format(time.RFC3339),
			"kind":       "= *proto.QualValue_StringValue plain",
		}
		for col, w := range want {
			if len(got[col]) != 1 {
				t.Errorf("%s: %v", col, got[col])
				continue
			}
			q := got[col][0]
			v := fmt.Sprint(q.Value)
			if col == "created_at" {
				ts, _ := time.Parse(time.RFC3339Nano, q.Value.(string))
				v = ts.UTC().Format(time.RFC3339)
			}
			if g := q.Op + " " + q.Type + " " + v; g != w {
				t.Errorf("%s: got %q want %q", col, g, w)
			}
		}
	})

	t.Run("in list", func(t *testing.T) {
		r := p.Query(ctx(t), harness.Query{Connection: "mini", Table: "mini_item", Columns: []string{"id", "kind", "quals"},
			Quals: []harness.Qual{{"n", "=", 2}, {"kind", "=", []string{"a", "b", "c"}}}})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		kinds := map[string]int{}
		for _, row := range r.Rows {
			kinds[row["kind"].(string)]++
		}
		// The SDK calls List once per list element.
		if fmt.Sprint(kinds) != "map[a:2 b:2 c:2]" {
			t.Fatalf("kinds %v", kinds)
		}
		var q map[string][]struct{ Op, Type string }
		_ = harness.UnmarshalJSON(r.Rows[0]["quals"], &q)
		if len(q["kind"]) != 1 || q["kind"][0].Type != "*proto.QualValue_ListValue" || q["kind"][0].Op != "=" {
			t.Fatalf("kind qual as received: %v", q["kind"])
		}
		// []any works too.
		r = p.Query(ctx(t), harness.Query{Connection: "mini", Table: "mini_item", Columns: []string{"id"},
			Quals: []harness.Qual{{"n", "=", 1}, {"kind", "=", []any{"x", "y"}}}})
		if len(ids(t, r)) != 2 {
			t.Fatalf("[]any list: %v", r.Rows)
		}
	})

	t.Run("limit", func(t *testing.T) {
		req, err := p.Request(harness.Query{Connection: "mini", Table: "mini_item", Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		if req.ExecuteConnectionData["mini"].Limit.GetValue() != 4 || req.QueryContext.Limit.GetValue() != 4 {
			t.Fatalf("limit not in request: %v", req)
		}
		r := p.Query(ctx(t), harness.Query{Connection: "mini", Table: "mini_item", Columns: []string{"id"},
			Quals: []harness.Qual{{"n", "=", 100}}, Limit: 4})
		if got := ids(t, r); fmt.Sprint(got) != "[1 2 3 4]" {
			t.Fatalf("ids %v", got)
		}
	})

	t.Run("error surfaces in Result.Err", func(t *testing.T) {
		r := p.Query(ctx(t), harness.Query{Connection: "mini", Table: "mini_item", Columns: []string{"id"},
			Quals: []harness.Qual{{"kind", "=", "fail"}}})
		var rpcErr *harness.RPCError
		if !errors.As(r.Err, &rpcErr) || !strings.Contains(rpcErr.Message, "failed on purpose") || rpcErr.Call != "Execute" {
			t.Fatalf("want RPCError with the list error, got %#v", r.Err)
		}
		if len(r.Rows) > 2 {
			t.Fatalf("rows before the error: %v", r.Rows)
		}
		if r := p.Query(ctx(t), harness.Query{Connection: "mini", Table: "no_such_table", Columns: []string{"id"}}); r.Err == nil {
			t.Fatal("unknown table should error")
		}
		if r := p.Query(ctx(t), harness.Query{Connection: "mini", Table: "mini_item", Quals: []harness.Qual{{"id", "=", struct{}{}}}}); r.Err == nil {
			t.Fatal("unsupported qual value should error")
		}
	})

	t.Run("stop streaming cancels the call", func(t *testing.T) {
		n := 0
		start := time.Now()
		err := p.QueryRows(ctx(t), harness.Query{Connection: "mini", Table: "mini_item", Columns: []string{"id"},
			Quals: []harness.Qual{{"kind", "=", "slow"}, {"n", "=", 100000}}},
			func(row map[string]any) bool { n++; return n < 5 })
		if err != nil || n != 5 {
			t.Fatalf("err %v n %d", err, n)
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("QueryRows did not return promptly")
		}
		waitForLog(t, logs, "mini: list cancelled after")
	})

	t.Run("context cancel", func(t *testing.T) {
		c, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		err := p.QueryRows(c, harness.Query{Connection: "mini", Table: "mini_item", Columns: []string{"id"},
			Quals: []harness.Qual{{"kind", "=", "slow"}, {"n", "=", 100000}}},
			func(map[string]any) bool { return true })
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want deadline exceeded, got %v", err)
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := 1; i <= 16; i++ {
			wg.Add(1)
			go func(n int) {
				defer wg.Done()
				r := p.Query(ctx(t), harness.Query{Connection: "mini", Table: "mini_item", Columns: []string{"id", "n"},
					Quals: []harness.Qual{{"n", "=", n * 10}}})
				if r.Err != nil {
					errs <- r.Err
					return
				}
				if len(r.Rows) != n*10 {
					errs <- fmt.Errorf("n=%d: got %d rows", n*10, len(r.Rows))
					return
				}
				for _, row := range r.Rows {
					if row["n"] != int64(n*10) {
						errs <- fmt.Errorf("n=%d: row from another call: %v", n*10, row)
						return
					}
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})

	t.Run("process facts and logs", func(t *testing.T) {
		if p.Pid() <= 0 {
			t.Fatalf("pid %d", p.Pid())
		}
		rss, err := p.PeakRSSBytes()
		if err != nil || rss <= 0 {
			t.Fatalf("peak rss %d %v", rss, err)
		}
		// A plugin hclog line (through the raw stderr copy) and a plain
		// os.Stderr write made after Serve (through the gRPC stdio relay).
		waitForLog(t, logs, "base_url=http://127.0.0.1:1234")
		waitForLog(t, logs, "mini: stderr hello")
		if strings.Count(logs.String(), "mini: stderr hello") != 1 {
			t.Errorf("stderr line duplicated:\n%s", logs)
		}
	})
}

func TestCache(t *testing.T) {
	p, _ := startMini(t, harness.Options{CacheEnabled: true})
	q := harness.Query{Connection: "mini", Table: "mini_item", Columns: []string{"id"}, Cache: true,
		Quals: []harness.Qual{{"n", "=", 7}}}
	first := p.Query(ctx(t), q)
	second := p.Query(ctx(t), q)
	if len(ids(t, first)) != 7 || len(ids(t, second)) != 7 {
		t.Fatalf("rows %d %d", len(first.Rows), len(second.Rows))
	}
	if first.Metadata["mini"].GetCacheHit() || !second.Metadata["mini"].GetCacheHit() {
		t.Fatalf("cache hit: first %v second %v", first.Metadata, second.Metadata)
	}
	// Without Query.Cache the plugin goes to the source again.
	q.Cache = false
	if third := p.Query(ctx(t), q); third.Metadata["mini"].GetCacheHit() {
		t.Fatal("uncached query reported a cache hit")
	}
}

func TestEnvAndClose(t *testing.T) {
	logs := harness.NewLogBuffer()
	p, err := harness.Start(harness.Options{Binary: miniBinary, LogOutput: logs, Env: []string{"STEAMPIPE_LOG_LEVEL=TRACE"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.SetConnections(harness.Connection{Name: "mini", Config: `api_key = "x"`}); err != nil {
		t.Fatal(err)
	}
	// TRACE lines only appear if our env reached the plugin.
	waitForLog(t, logs, "[TRACE]")
	p.Close()
	p.Close()
	if !p.Exited() {
		t.Fatal("plugin still running after Close")
	}
}

func waitForLog(t *testing.T, logs *harness.LogBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !logs.Contains(s) {
		if time.Now().After(deadline) {
			t.Fatalf("log never contained %q:\n%s", s, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAggregatorAndUpdate(t *testing.T) {
	p, logs := startMini(t, harness.Options{Env: []string{"STEAMPIPE_LOG_LEVEL=INFO"}})
	defer func() {
		if t.Failed() {
			t.Log(logs)
		}
	}()
	cfg := harness.Config(map[string]any{"api_key": "other"})

	// CLI refresh path: add a connection to the running plugin.
	if _, err := p.UpdateConnections([]harness.Connection{{Name: "second", Config: cfg}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	r := p.Query(ctx(t), harness.Query{Connection: "second", Table: "mini_config", Columns: []string{"api_key"}})
	if r.Err != nil || len(r.Rows) != 1 || r.Rows[0]["api_key"] != "other" {
		t.Fatalf("second: %v %v", r.Rows, r.Err)
	}

	// An aggregator fans the scan out to its children via
	// ExecuteConnectionData; each row says which child produced it.
	if _, err := p.SetConnections(harness.Connection{Name: "all", Children: []string{"mini", "second"}}); err != nil {
		t.Fatal(err)
	}
	req, err := p.Request(harness.Query{Connection: "all", Table: "mini_item", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(req.ExecuteConnectionData) != 2 || req.ExecuteConnectionData["second"].Limit.GetValue() != 2 {
		t.Fatalf("execute connection data: %v", req.ExecuteConnectionData)
	}
	r = p.Query(ctx(t), harness.Query{Connection: "all", Table: "mini_item", Columns: []string{"id", "sp_connection_name"},
		Quals: []harness.Qual{{"n", "=", 3}}})
	if r.Err != nil || fmt.Sprint(r.RowsByConnection) != "map[mini:3 second:3]" {
		t.Fatalf("aggregator: %v %v", r.RowsByConnection, r.Err)
	}

	// And remove it again, with the aggregator over it (the SDK rejects an
	// aggregator whose child is gone, as the CLI's refresh would not send).
	if _, err := p.UpdateConnections(nil, nil, []string{"all", "second"}); err != nil {
		t.Fatal(err)
	}
	if r := p.Query(ctx(t), harness.Query{Connection: "second", Table: "mini_config", Columns: []string{"api_key"}}); r.Err == nil {
		t.Fatal("deleted connection still answers")
	}
}

func TestStartFailure(t *testing.T) {
	start := time.Now()
	p, err := harness.Start(harness.Options{Binary: "/bin/true", StartTimeout: 5 * time.Second})
	if err == nil {
		p.Close()
		t.Fatal("a binary that is not a plugin should fail the handshake")
	}
	t.Logf("%v (after %s)", err, time.Since(start))

	// The SDK reports a panic while building the plugin on stdout; the
	// harness digs the message out of go-plugin's handshake error.
	p, err = harness.Start(harness.Options{Binary: miniBinary, Env: []string{"MINI_PANIC_AT_START=mini: startup panic"}})
	if err == nil {
		p.Close()
		t.Fatal("want startup failure")
	}
	if !strings.HasPrefix(strings.TrimPrefix(err.Error(), "harness: start plugin "+miniBinary+": "), "mini: startup panic (") {
		t.Fatalf("startup failure message not extracted: %v", err)
	}
}
