package sdkfix

import (
	"context"
	"errors"
	"io"
	"log"
	"strings"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// Below INFO a host's own log.Printf lines are not formatted once the SDK has run a scan. In
// the FDW the plugin shares its process, and so the standard logger, with the FDW, which logs
// several [INFO] lines a scan (one of them the whole execute request in protobuf's text format)
// through log.Printf; v5.14.1's execute pointed the standard logger at hclog's writer at every
// scan, which formats each line before dropping it below the level. The line here stands for
// the FDW's: at WARN (Steampipe's default) its value must not be formatted. The SDK's own
// [WARN] lines must still reach the log, here the one of a failing list call; and at INFO the
// host's line is printed.
func TestBelowInfoTheStandardLoggerSkipsFormatting(t *testing.T) {
	defer log.SetOutput(log.Writer())
	t.Run("WARN", func(t *testing.T) {
		logged, _, err := scanLogged(t, "WARN", failingPlugin(), "failing_item")
		if err == nil || !strings.Contains(err.Error(), "list-failed") {
			t.Fatalf("the scan returned %v, want its list call's error", err)
		}
		if !strings.Contains(logged, "[WARN]  failing-WARN: doList callHydrateWithRetries") || !strings.Contains(logged, "list-failed") {
			t.Errorf("at WARN the SDK's [WARN] line of the failed list call is not in the log:\n%s", tail(logged, 3000))
		}
		var host formatCounter
		log.Printf("[INFO] a host's line after the scan: %v", &host)
		if n := host.n.Load(); n != 0 {
			t.Errorf("at WARN a host's [INFO] line was formatted %d times after a scan, want 0: the standard logger formats what its level drops", n)
		}
	})
	t.Run("INFO", func(t *testing.T) {
		var host formatCounter
		logged, _, _ := scanLogged(t, "INFO", failingPlugin(), "failing_item")
		var out strings.Builder
		log.SetOutput(io.MultiWriter(log.Writer(), &out))
		log.Printf("[INFO] a host's line after the scan: %v", &host)
		if n := host.n.Load(); n != 1 || !strings.Contains(out.String(), "a host's line after the scan: region-counted") {
			t.Errorf("at INFO a host's [INFO] line was formatted %d times (%q), want once and printed\n%s", n, out.String(), tail(logged, 2000))
		}
	})
}

// failingPlugin has one table whose list call fails.
func failingPlugin() *plugin.Plugin {
	return &plugin.Plugin{
		Name: "failing",
		TableMap: map[string]*plugin.Table{"failing_item": {
			Name: "failing_item",
			List: &plugin.ListConfig{Hydrate: func(context.Context, *plugin.QueryData, *plugin.HydrateData) (any, error) {
				return nil, errors.New("list-failed")
			}},
			Columns: []*plugin.Column{{Name: "name", Type: proto.ColumnType_STRING}},
		}},
	}
}
