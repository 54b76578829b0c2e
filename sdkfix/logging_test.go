package sdkfix

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// A scan formats the lines of its log level and no others. v5.14.1 formatted every [TRACE] and
// [INFO] line of a scan and let the log level drop it afterwards. The table's matrix item is a
// value that counts its formatting: the SDK logs the matrix in [TRACE] and [INFO] lines of
// every scan, so at WARN (Steampipe's default) it is formatted once, for the qual value the
// SDK makes of it (QueryData.setMatrixItem), and by no log line; at TRACE the lines are still
// there, with the value's text.
func TestScanFormatsOnlyTheLinesItsLevelPrints(t *testing.T) {
	t.Run("WARN", func(t *testing.T) {
		var counter formatCounter
		scanWithMatrix(t, "WARN", &counter)
		if n := counter.n.Load(); n != 1 {
			t.Errorf("at WARN the matrix item was formatted %d times, want once (its qual value): log lines below the level were formatted", n)
		}
	})
	t.Run("TRACE", func(t *testing.T) {
		var counter formatCounter
		stderr := scanWithMatrix(t, "TRACE", &counter)
		if n := counter.n.Load(); n <= 1 {
			t.Errorf("at TRACE the matrix item was formatted %d times, want more than once: its [TRACE] lines were not formatted", n)
		}
		for _, line := range []string{"[TRACE] matrix-TRACE: unfiltered matrix: [map[region:region-counted]]", "[INFO]  matrix-TRACE: calling fetchItems, table: matrix_item, matrixItem: [map[region:region-counted]]", "[INFO]  matrix-TRACE: Plugin execute table name: matrix_item quals:"} {
			if !strings.Contains(stderr, line) {
				t.Errorf("at TRACE the log has no %q:\n%s", line, tail(stderr, 3000))
			}
		}
	})
}

// formatCounter is a matrix value that counts how often it is formatted.
type formatCounter struct{ n atomic.Int64 }

func (f *formatCounter) String() string {
	f.n.Add(1)
	return "region-counted"
}

// scanWithMatrix serves a one-table plugin in this process at the given log level, scans its
// table once, and returns what the SDK logged (its logger writes to os.Stderr).
func scanWithMatrix(t *testing.T, level string, region *formatCounter) string {
	logged, rows, err := scanLogged(t, level, matrixPlugin(region), "matrix_item")
	if err != nil {
		t.Fatalf("%v\n%s", err, tail(logged, 3000))
	}
	if rows != 1 {
		t.Fatalf("%d rows, want 1", rows)
	}
	return logged
}

// scanLogged serves p in this process at the given log level, scans the table's name column
// once, and returns what the SDK logged (its logger writes to os.Stderr), the rows and the
// scan's error.
func scanLogged(t *testing.T, level string, p *plugin.Plugin, table string) (string, int, error) {
	t.Setenv("STEAMPIPE_LOG_LEVEL", level)
	logFile, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = logFile
	server := plugin.Server(&plugin.ServeOpts{PluginFunc: func(context.Context) *plugin.Plugin { return p }})
	os.Stderr = stderr
	if _, err := server.SetCacheOptions(&proto.SetCacheOptionsRequest{Ttl: 300}); err != nil {
		t.Fatal(err)
	}
	if _, err := server.SetAllConnectionConfigs(&proto.SetAllConnectionConfigsRequest{MaxCacheSizeMb: -1, Configs: []*proto.ConnectionConfig{{
		Connection: "m", Plugin: p.Name, PluginShortName: p.Name, PluginInstance: p.Name,
	}}}); err != nil {
		t.Fatal(err)
	}
	rows := &rowStream{ctx: context.Background()}
	scanErr := server.Execute(&proto.ExecuteRequest{
		Table:                 table,
		QueryContext:          proto.NewQueryContext([]string{"name"}, nil, -1, nil),
		Connection:            "m",
		CallId:                p.Name + "-" + level,
		ExecuteConnectionData: map[string]*proto.ExecuteConnectionData{"m": {CacheTtl: 300}},
	}, rows)
	logged, err := os.ReadFile(logFile.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(logged), rows.rows, scanErr
}

// matrixPlugin has one table, listed once per matrix item: the one region.
func matrixPlugin(region *formatCounter) *plugin.Plugin {
	return &plugin.Plugin{
		Name: "matrix",
		TableMap: map[string]*plugin.Table{"matrix_item": {
			Name: "matrix_item",
			GetMatrixItemFunc: func(context.Context, *plugin.QueryData) []map[string]any {
				return []map[string]any{{"region": region}}
			},
			List: &plugin.ListConfig{Hydrate: func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
				d.StreamListItem(ctx, map[string]any{"name": "one"})
				return nil, nil
			}},
			Columns: []*plugin.Column{{Name: "name", Type: proto.ColumnType_STRING}},
		}},
	}
}

// rowStream is the Execute stream: it counts the rows.
type rowStream struct {
	proto.WrapperPlugin_ExecuteServer
	ctx  context.Context
	rows int
}

func (s *rowStream) Send(r *proto.ExecuteResponse) error {
	if r.GetRow() != nil {
		s.rows++
	}
	return nil
}

func (s *rowStream) Context() context.Context { return s.ctx }

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	return s[max(0, len(s)-n):]
}
