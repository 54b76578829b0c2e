package powerpipe

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// Server is a running `powerpipe server`: the dashboards in a browser.
type Server struct {
	URL    string
	cmd    *exec.Cmd
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	output bytes.Buffer
}

// StartServer starts `powerpipe server` on a free local port and waits until it answers. The
// Powerpipe needs the UI (Options.Assets).
func (p *Powerpipe) StartServer(ctx context.Context) (*Server, error) {
	port, err := harness.FreePort()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &Server{URL: fmt.Sprintf("http://localhost:%d", port), cancel: cancel, done: make(chan struct{})}
	s.cmd = p.Command(ctx, "server", "--port", strconv.Itoa(port), "--listen", "local")
	s.cmd.Stdout, s.cmd.Stderr = s, s
	if err := s.cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	if err := s.waitReady(2 * time.Minute); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Write keeps the server's output for errors.
func (s *Server) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.output.Write(b)
}

// Output is what the server printed so far.
func (s *Server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.output.String()
}

func (s *Server) waitReady(limit time.Duration) error {
	deadline := time.After(limit)
	for {
		select {
		case <-s.done:
			return fmt.Errorf("powerpipe server exited: %s", s.Output())
		case <-deadline:
			return fmt.Errorf("powerpipe server did not answer in %s: %s", limit, s.Output())
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := http.Get(s.URL)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
}

// Stop ends the server and waits for it.
func (s *Server) Stop() {
	s.cancel()
	<-s.done
}
