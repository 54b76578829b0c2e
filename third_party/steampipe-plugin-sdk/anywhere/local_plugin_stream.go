package anywhere

import (
	"context"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// localPluginStreamBuffer is as deep as the FDW's own row channel behind the stream (its hub's
// rowBufferSize). The FDW keeps every rescanned scan's stream until the session ends (a rescan
// saves a new execution state and never clears the one before), so 1,024 slots were 8 KiB a
// join's inner scan that the session never got back, for a scan of one row or none.
const localPluginStreamBuffer = 100

// LocalPluginStream implements the Sender and Receiver interfaces for local plugin connections.
type LocalPluginStream struct {
	ctx  context.Context
	rows chan *proto.ExecuteResponse
	err  error
	// this channel is closed whenever the local plugin stream receives its first row or error
	// this is to make sure either it waits for the first row or error before returning from Recv
	ready chan struct{}
	// closed when the stream is done
	done chan struct{}
}

func NewLocalPluginStream(ctx context.Context) *LocalPluginStream {
	return &LocalPluginStream{
		ctx:   ctx,
		rows:  make(chan *proto.ExecuteResponse, localPluginStreamBuffer),
		ready: make(chan struct{}, 1),
		done:  make(chan struct{}),
	}
}

func (s *LocalPluginStream) Send(r *proto.ExecuteResponse) error {
	select {
	case <-s.done:
		return nil
	default:
		// make the ready channel
		select {
		case <-s.ready:
			// already closed
		default:
			close(s.ready)
		}
		select {
		case s.rows <- r:
			return nil
		case <-s.done:
			return nil
		case <-s.ctx.Done():
			return s.ctx.Err()
		}
	}
}

func (s *LocalPluginStream) Error(err error) {
	select {
	case <-s.done:
		return
	default:
		s.err = err
		// Ensure ready channel is closed
		select {
		case <-s.ready:
			// already closed
		default:
			close(s.ready)
		}
		close(s.done)
	}
}

func (s *LocalPluginStream) Recv() (*proto.ExecuteResponse, error) {
	// Check if done
	select {
	case <-s.done:
		return nil, s.takeErr()
	case <-s.ctx.Done():
		return nil, s.ctx.Err()
	default:
	}

	// Wait for ready or context cancellation
	select {
	case <-s.ready:
		// ready channel closed, proceed
	case <-s.ctx.Done():
		return nil, s.ctx.Err()
	case <-s.done:
		return nil, s.takeErr()
	}

	// Try to get a row
	select {
	case <-s.done:
		return nil, s.takeErr()
	case <-s.ctx.Done():
		return nil, s.ctx.Err()
	case resp, ok := <-s.rows:
		if !ok {
			// Channel is closed, we're done
			close(s.done)
			return nil, nil
		}
		// Don't create a new ready channel - this was causing the issue
		// The ready channel should only be used for the first row
		return resp, nil
	}
}

// takeErr returns the error Error set, once. Error sets err before it closes done, so err is
// read only once done is seen closed: then the read cannot race the write, and a stream that
// ended with an error always reports it, whichever select saw done first.
func (s *LocalPluginStream) takeErr() error {
	err := s.err
	s.err = nil
	return err
}

func (s *LocalPluginStream) Context() context.Context {
	return s.ctx
}

// Ready returns a channel that is closed when the stream is ready to receive data
func (s *LocalPluginStream) Ready() <-chan struct{} {
	return s.ready
}

// Rows returns the rows channel for direct access
func (s *LocalPluginStream) Rows() chan *proto.ExecuteResponse {
	return s.rows
}
