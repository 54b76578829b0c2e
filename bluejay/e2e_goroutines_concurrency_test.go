//go:build unix

package bluejay_test

import (
	"context"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// Failed queries leave nothing running in the plugin: the calls of an IN list that did not fail
// stop (failure.go), and the SDK's row builders give up rows no one reads (SDK patch 0107). The plugin's goroutines are
// counted from the dump Go writes on SIGQUIT (which ends the process).
func TestFailedQueriesLeaveNoGoroutines(t *testing.T) {
	const calls = 40
	p, logs := lossPlugin(t, lossScenarioNamed("in-list-one-fails"), false)
	var failed atomic.Int64
	each(calls, 8, func(i int) {
		q := harness.Query{Connection: "bluejay", Table: "bluejay_call", Quals: lossScenarioNamed("in-list-one-fails").callQuals(i), Columns: []string{"id"}}
		if p.Query(context.Background(), q).Err != nil {
			failed.Add(1)
		}
	})
	if failed.Load() != calls {
		t.Fatalf("%d of %d queries failed", failed.Load(), calls)
	}
	if err := syscall.Kill(p.Pid(), syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !p.Exited() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	dump := logs.String()
	n := strings.Count(dump, "\ngoroutine ")
	if n == 0 {
		t.Fatal("no goroutine dump in the plugin's output")
	}
	// An idle plugin runs a few dozen goroutines; one left per failed query would be 40 more.
	if n > calls {
		t.Fatalf("%d goroutines after %d failed queries", n, calls)
	}
}
