// Command miniplugin is a throwaway one-table Steampipe plugin used only by the
// harness tests. It exists so the harness can be exercised end to end (real
// process, real go-plugin handshake, real SDK server) before the Bluejay
// plugin itself exists. It lives under testdata so `./...` ignores it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"
)

// config is decoded by the SDK from the HCL body the harness sends; api_key
// is a non-pointer without ",optional" (gohcl treats pointers as optional), so
// a config without it makes the connection fail.
type config struct {
	APIKey   string   `hcl:"api_key"`
	BaseURL  *string  `hcl:"base_url,optional"`
	Regions  []string `hcl:"regions,optional"`
	PageSize *int     `hcl:"page_size,optional"`
}

type item struct {
	ID        int64
	Kind      string
	N         int64
	Score     float64
	Active    bool
	CreatedAt time.Time
	Tags      map[string]any
	Note      *string
	IP        string
	Quals     map[string][]qualEcho
}

// qualEcho reports back exactly what the plugin received, so the test can
// check the harness's Go -> proto qual conversion.
type qualEcho struct {
	Op    string `json:"op"`
	Type  string `json:"type"`
	Value any    `json:"value"`
}

var baseTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func main() {
	plugin.Serve(&plugin.ServeOpts{PluginFunc: pluginFunc})
}

func pluginFunc(ctx context.Context) *plugin.Plugin {
	if msg := os.Getenv("MINI_PANIC_AT_START"); msg != "" {
		// plugin.Serve recovers this and prints it on stdout, where
		// go-plugin expects the handshake line.
		panic(msg)
	}
	// Written after plugin.Serve has swapped os.Stderr for go-plugin's stdio
	// pipe, so this line only reaches the host through SyncStderr.
	go func() {
		time.Sleep(100 * time.Millisecond)
		fmt.Fprintln(os.Stderr, "mini: stderr hello")
	}()
	return &plugin.Plugin{
		Name: "steampipe-plugin-mini",
		ConnectionConfigSchema: &plugin.ConnectionConfigSchema{
			NewInstance: func() any { return &config{} },
		},
		DefaultTransform: transform.FromGo(),
		TableMap: map[string]*plugin.Table{
			"mini_item":   tableItem(),
			"mini_config": tableConfig(),
		},
	}
}

func tableItem() *plugin.Table {
	opt := plugin.Optional
	return &plugin.Table{
		Name:        "mini_item",
		Description: "Rows generated from quals.",
		List: &plugin.ListConfig{
			Hydrate: listItems,
			KeyColumns: plugin.KeyColumnSlice{
				{Name: "n", Require: opt},
				{Name: "kind", Require: opt},
				{Name: "id", Operators: []string{"=", "<>", "<", "<=", ">", ">="}, Require: opt},
				{Name: "score", Operators: []string{"=", "<", ">"}, Require: opt},
				{Name: "active", Operators: []string{"=", "<>"}, Require: opt},
				{Name: "created_at", Operators: []string{"<", "<=", ">", ">="}, Require: opt},
			},
		},
		Columns: []*plugin.Column{
			{Name: "id", Type: proto.ColumnType_INT},
			{Name: "kind", Type: proto.ColumnType_STRING},
			{Name: "n", Type: proto.ColumnType_INT},
			{Name: "score", Type: proto.ColumnType_DOUBLE},
			{Name: "active", Type: proto.ColumnType_BOOL},
			{Name: "created_at", Type: proto.ColumnType_TIMESTAMP},
			{Name: "tags", Type: proto.ColumnType_JSON},
			{Name: "note", Type: proto.ColumnType_STRING},
			{Name: "ip", Type: proto.ColumnType_INET, Transform: transform.FromField("IP")},
			{Name: "quals", Type: proto.ColumnType_JSON},
		},
	}
}

func listItems(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
	cfg := d.Connection.Config.(config)
	if cfg.BaseURL != nil {
		// Warn, so it shows at the SDK's default log level.
		plugin.Logger(ctx).Warn("mini: listing", "base_url", *cfg.BaseURL)
	}
	n := int64(10)
	if q := d.EqualsQuals["n"]; q != nil {
		n = q.GetInt64Value()
	}
	// For `kind in (...)` the SDK calls this function once per list element,
	// each time with a single value in EqualsQuals.
	kind := d.EqualsQualString("kind")
	echo := echoQuals(d.QueryContext.UnsafeQuals)

	for i := int64(1); i <= n; i++ {
		if d.RowsRemaining(ctx) == 0 {
			// Limit reached, or the host cancelled the call.
			if ctx.Err() != nil {
				plugin.Logger(ctx).Warn(fmt.Sprintf("mini: list cancelled after %d rows", i-1))
			}
			return nil, nil
		}
		if kind == "fail" && i == 3 {
			return nil, errors.New("mini: list failed on purpose")
		}
		if kind == "slow" {
			select {
			case <-ctx.Done():
				plugin.Logger(ctx).Warn(fmt.Sprintf("mini: list cancelled after %d rows", i-1))
				return nil, nil
			case <-time.After(2 * time.Millisecond):
			}
		}
		if !idMatches(i, d) {
			continue
		}
		it := item{
			ID:        i,
			Kind:      kind,
			N:         n,
			Score:     float64(i) / 2,
			Active:    i%2 == 0,
			CreatedAt: baseTime.Add(time.Duration(i) * time.Hour),
			Tags:      map[string]any{"i": i, "even": i%2 == 0},
			IP:        fmt.Sprintf("10.0.0.%d", i%256),
			Quals:     echo,
		}
		if i%2 == 0 {
			s := fmt.Sprintf("note %d", i)
			it.Note = &s
		}
		d.StreamListItem(ctx, it)
	}
	return nil, nil
}

// idMatches applies the id quals itself: the SDK does not filter rows.
func idMatches(id int64, d *plugin.QueryData) bool {
	qs := d.Quals["id"]
	if qs == nil {
		return true
	}
	for _, q := range qs.Quals {
		v := q.Value.GetInt64Value()
		ok := true
		switch q.Operator {
		case "=":
			ok = id == v
		case "<>":
			ok = id != v
		case "<":
			ok = id < v
		case "<=":
			ok = id <= v
		case ">":
			ok = id > v
		case ">=":
			ok = id >= v
		}
		if !ok {
			return false
		}
	}
	return true
}

func echoQuals(m map[string]*proto.Quals) map[string][]qualEcho {
	res := map[string][]qualEcho{}
	for col, qs := range m {
		for _, q := range qs.Quals {
			res[col] = append(res[col], qualEcho{
				Op:    q.GetStringValue(),
				Type:  fmt.Sprintf("%T", q.Value.GetValue()),
				Value: grpc.GetQualValue(q.Value),
			})
		}
		sort.Slice(res[col], func(i, j int) bool {
			a, _ := json.Marshal(res[col][i])
			b, _ := json.Marshal(res[col][j])
			return string(a) < string(b)
		})
	}
	return res
}

type configRow struct {
	APIKey   string
	BaseURL  *string
	Regions  []string
	PageSize *int
}

func tableConfig() *plugin.Table {
	return &plugin.Table{
		Name:        "mini_config",
		Description: "One row echoing the parsed connection config.",
		List: &plugin.ListConfig{Hydrate: func(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
			c := d.Connection.Config.(config)
			d.StreamListItem(ctx, configRow(c))
			return nil, nil
		}},
		Columns: []*plugin.Column{
			{Name: "api_key", Type: proto.ColumnType_STRING},
			{Name: "base_url", Type: proto.ColumnType_STRING},
			{Name: "regions", Type: proto.ColumnType_JSON},
			{Name: "page_size", Type: proto.ColumnType_INT},
		},
	}
}
