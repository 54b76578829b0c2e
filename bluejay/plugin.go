// Package bluejay is the Steampipe plugin for Bluejay: SQL tables over the call logs, the
// evaluations Bluejay ran on them and the agents of a Bluejay organisation.
package bluejay

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// PluginName is the plugin's name as Steampipe knows it.
const PluginName = "steampipe-plugin-bluejay"

// Plugin returns the plugin definition.
func Plugin(ctx context.Context) *plugin.Plugin {
	freeMemoryLessOften()
	return &plugin.Plugin{
		Name: PluginName,
		ConnectionConfigSchema: &plugin.ConnectionConfigSchema{
			NewInstance: configInstance,
		},
		// The table map is built per connection (dynamic schema mode) only so that every
		// connection's config is checked when it loads: in static mode the SDK builds one table
		// map for the first connection and never looks at the others' config until a query.
		SchemaMode:   plugin.SchemaModeDynamic,
		TableMapFunc: tableMap,
		// No RateLimiters, on purpose. A Steampipe limiter takes a token for every list and get
		// call the SDK starts, before the plugin runs, whether or not the call sends a request;
		// in a nested-loop join PostgreSQL starts one inner scan per outer row, each answered
		// from the memo with no request. With the default this plugin used to declare (200
		// tokens, 100 a second), the 30-day call/evaluation join (607 inner scans, 7 requests)
		// took 4.3 s through the FDW on a fresh connection and 6.3 s on a used one; without it,
		// 1.2 s and 1.0 s (docs/index.md, "Rate limiting"). What that
		// limiter was for, keeping several queries or a dashboard from flooding the API, the
		// connection's request budget does (budget.go): at most max_concurrency requests in
		// flight, shared by every scan, and a 429 is retried after its Retry-After. Users can
		// still define a limiter: the tables' tags (service, action) let its `where` pick them.
	}
}

// tableMap checks the connection's config, so that a wrong base_url, last or limit fails the
// connection with a message naming the field, and returns the tables.
func tableMap(ctx context.Context, d *plugin.TableMapData) (map[string]*plugin.Table, error) {
	if _, err := connectionSettings(d.Connection); err != nil {
		return nil, err
	}
	return map[string]*plugin.Table{
		"bluejay_agent":              tableBluejayAgent(ctx),
		"bluejay_call":               tableBluejayCall(ctx),
		"bluejay_call_custom_metric": tableBluejayCallCustomMetric(ctx),
		"bluejay_call_evaluation":    tableBluejayCallEvaluation(ctx),
		"bluejay_call_event":         tableBluejayCallEvent(ctx),
		"bluejay_call_participant":   tableBluejayCallParticipant(ctx),
		"bluejay_call_tool_call":     tableBluejayCallToolCall(ctx),
		"bluejay_simulation":         tableBluejaySimulation(ctx),
		"bluejay_simulation_run":     tableBluejaySimulationRun(ctx),
		"bluejay_simulation_result":  tableBluejaySimulationResult(ctx),
	}, nil
}

// The SDK forces a garbage collection and hands free memory back to the OS
// (debug.FreeOSMemory) every STEAMPIPE_FREE_MEM_INTERVAL rows a scan streams, 100 by default:
// about one page of calls, almost half the plugin's CPU on a full scan. Any interval but 0 also
// forces one at the first row of every scan (the SDK tests rowsStreamed % interval before
// counting the row), which a nested loop pays once per outer row: through the FDW, the 30-day
// call/evaluation join took 12.9 s with 1,000 and 4.5 s with 0. So the plugin sets 0 and leaves
// memory to Go's collector, with GOGC at gcPercent. A value the user sets in Steampipe's
// environment still wins, for either.
const (
	envFreeMemInterval = "STEAMPIPE_FREE_MEM_INTERVAL"
	freeMemInterval    = "0"
)

// gcPercent is the plugin's GOGC. It was 20 while the SDK's query cache preallocated 320 MiB
// that Go counted as live heap; SDK fix 0205 preallocates nothing, and with the heap that small
// 20 collected after every few MiB. At 50 rather than Go's 100, through the FDW, a join's inner
// scans and a fresh session's first join ran faster (the FDW keeps every inner scan's state for
// the session, so its heap grows while it joins), and over gRPC a full scan took as long for
// 13 % less peak memory (docs/performance.md, "Memory").
const (
	envGOGC   = "GOGC"
	gcPercent = 50
)

// freeMemoryLessOften sets the SDK's free-memory interval, and GOGC, unless the user has. The
// SDK reads the interval for every query, so setting it before the first one is enough.
func freeMemoryLessOften() {
	if _, set := os.LookupEnv(envFreeMemInterval); !set {
		_ = os.Setenv(envFreeMemInterval, freeMemInterval)
	}
	if _, set := os.LookupEnv(envGOGC); !set {
		debug.SetGCPercent(gcPercent)
	}
}
