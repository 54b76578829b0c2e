package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/anywhere"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// These drive a LocalPluginStream through the sequences the SDK produces, with the reader at
// each point where it can be, to check that scan.next tells a clean end from a failure.

// send is stream.Send for a test: it fails only on a cancelled stream.
func send(t *testing.T, s *scan, r *proto.ExecuteResponse) {
	t.Helper()
	if err := s.stream.Send(r); err != nil {
		t.Fatal(err)
	}
}

func newTestScan() *scan {
	ctx, cancel := context.WithCancel(context.Background())
	return &scan{stream: anywhere.NewLocalPluginStream(ctx), cancel: cancel, query: context.Background()}
}

var errPlugin = errors.New("bluejay: boom")

func row() *proto.ExecuteResponse {
	return &proto.ExecuteResponse{Row: &proto.Row{Columns: map[string]*proto.Column{}}}
}

// drain reads the scan to the end, returning the rows read and the error.
func drain(s *scan) (int, error) {
	n := 0
	for {
		r, err := s.next()
		if err != nil || r == nil {
			return n, err
		}
		n++
	}
}

func TestScanCleanEnd(t *testing.T) {
	s := newTestScan()
	send(t, s, row())
	send(t, s, nil) // execute's end row
	send(t, s, nil) // CallExecuteAsync's success
	if n, err := drain(s); n != 1 || err != nil {
		t.Errorf("got %d rows, %v", n, err)
	}
}

func TestScanErrorAfterEndRow(t *testing.T) {
	for name, delay := range map[string]time.Duration{
		"error already there": 0,
		"error while waiting": 50 * time.Millisecond,
	} {
		t.Run(name, func(t *testing.T) {
			s := newTestScan()
			send(t, s, row())
			send(t, s, nil) // execute's end row, then it returns the error
			fail := func() { s.stream.Error(errPlugin) }
			if delay == 0 {
				fail()
			} else {
				time.AfterFunc(delay, fail)
			}
			// Rows still buffered when the error is set may be skipped: the error wins.
			if n, err := drain(s); n > 1 || !errors.Is(err, errPlugin) {
				t.Errorf("got %d rows, %v; want the plugin's error", n, err)
			}
		})
	}
}

func TestScanErrorOnly(t *testing.T) {
	s := newTestScan()
	s.stream.Error(errPlugin) // a panic recovered by CallExecuteAsync: no end row
	if _, err := drain(s); !errors.Is(err, errPlugin) {
		t.Errorf("got %v", err)
	}
}
