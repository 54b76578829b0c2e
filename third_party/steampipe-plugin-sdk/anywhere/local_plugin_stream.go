package anywhere

import (
	"context"
	"sync/atomic"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

const localPluginStreamBuffer = 1024

// LocalPluginStream implements the Sender and Receiver interfaces for local plugin connections.
type LocalPluginStream struct {
	ctx context.Context
	// rows is the stream's buffer, let go of (nil) once Recv has returned the stream's end or
	// error: the FDW keeps every scan's stream until its session ends (a rescan saves a new
	// execution state and never clears the one before), so a buffer kept past the end of a
	// scan is 8 KiB a join's inner scan never gives back.
	rows atomic.Pointer[chan *proto.ExecuteResponse]
	err  error
	// this channel is closed whenever the local plugin stream receives its first row or error
	// this is to make sure either it waits for the first row or error before returning from Recv
	ready chan struct{}
	// closed when the stream is done
	done chan struct{}
}

func NewLocalPluginStream(ctx context.Context) *LocalPluginStream {
	s := &LocalPluginStream{
		ctx:   ctx,
		ready: make(chan struct{}, 1),
		done:  make(chan struct{}),
	}
	rows := make(chan *proto.ExecuteResponse, localPluginStreamBuffer)
	s.rows.Store(&rows)
	return s
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
		rows := s.rows.Load()
		if rows == nil {
			// the reader has had the end already
			return nil
		}
		select {
		case *rows <- r:
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
	resp, err := s.recv()
	if resp == nil {
		// the end or an error: nothing more is read from the buffer
		s.rows.Store(nil)
	}
	return resp, err
}

func (s *LocalPluginStream) recv() (*proto.ExecuteResponse, error) {
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
	rows := s.rows.Load()
	if rows == nil {
		// the end was returned before
		return nil, nil
	}
	select {
	case <-s.done:
		return nil, s.takeErr()
	case <-s.ctx.Done():
		return nil, s.ctx.Err()
	case resp, ok := <-*rows:
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
	if rows := s.rows.Load(); rows != nil {
		return *rows
	}
	return nil
}
