package engine

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/anywhere"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// scan is one running plugin Execute and the stream its rows arrive on.
type scan struct {
	stream *anywhere.LocalPluginStream
	// cancel stops the plugin call (and its API requests) when the cursor is done with it.
	cancel context.CancelFunc
	// query is the context of the SQL query the scan belongs to.
	query context.Context
	// progress counts the rows the scan returns, when the query asked (WithProgress).
	progress *Progress
	done     bool
}

var callSeq atomic.Int64

// callID is unique per Execute: the SDK keys its per-call state on it, and grpc.BuildCallId
// (seconds plus a random number under 1000) can repeat within a busy second.
func callID() string {
	return fmt.Sprintf("sqlite-%d-%d", time.Now().UnixNano(), callSeq.Add(1))
}

// startScan runs the request on the plugin, in the plugin's own goroutine.
func startScan(query context.Context, h *host, req *scanRequest) *scan {
	ctx, cancel := context.WithCancel(query)
	s := &scan{stream: anywhere.NewLocalPluginStream(ctx), cancel: cancel, query: query, progress: progressOf(query)}
	h.server.CallExecuteAsync(req.proto(h.connection, callID()), s.stream)
	return s
}

// next returns the next row, nil at the end.
func (s *scan) next() (*proto.Row, error) {
	for !s.done {
		resp, err := s.stream.Recv()
		switch {
		case err != nil:
			s.done = true
			return nil, s.failure(err)
		case resp == nil:
			s.done = true
			return nil, s.finish()
		case resp.Row != nil:
			if s.progress != nil {
				s.progress.Rows.Add(1)
			}
			return resp.Row, nil
		}
	}
	return nil, nil
}

// finish reads the stream to its last word. On success the SDK's execute sends a nil "end" row
// and CallExecuteAsync a second one; the second Recv waits for it, and the third, after
// cancelling the stream's context so it cannot block, returns the cancellation. A failed scan
// sends no end row and Recv returns its error (SDK patches 0101 and 0103, third_party/README.md;
// on plain v5.14.1 the first nil was no proof of success, which is why this reads past it).
func (s *scan) finish() error {
	if _, err := s.stream.Recv(); err != nil {
		return s.failure(err)
	}
	s.cancel()
	_, err := s.stream.Recv()
	switch {
	case errors.Is(err, context.Canceled) && s.query.Err() == nil:
		return nil // our own cancel answered: no error was kept
	case err != nil:
		return s.failure(err)
	}
	return nil
}

// failure reports a cancelled query as such, whatever the plugin made of it.
func (s *scan) failure(err error) error {
	if qerr := s.query.Err(); qerr != nil {
		return qerr
	}
	return err
}

func (s *scan) close() {
	s.cancel()
	s.done = true
}
