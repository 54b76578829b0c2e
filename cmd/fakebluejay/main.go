// Command fakebluejay serves the fake Bluejay API (package fakeapi) on a loopback address, for
// running Steampipe against the plugin by hand or in benchmarks.
//
//	go run ./cmd/fakebluejay -addr 127.0.0.1:8787 -seed 1 -latency 50ms -fault-rate 0.2 -fault-kinds 500,429
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

type config struct {
	addr          string
	opts          fakeapi.Options
	callsPerAgent int
	faultKinds    string
	now           string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fakebluejay:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("fakebluejay", flag.ContinueOnError)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8787", "loopback host:port to listen on")
	fs.Int64Var(&c.opts.Seed, "seed", 0, "data seed")
	fs.DurationVar(&c.opts.Latency, "latency", 0, "delay added to every request")
	fs.StringVar(&c.opts.APIKey, "api-key", fakeapi.DefaultAPIKey, "the API key to accept")
	fs.IntVar(&c.callsPerAgent, "calls-per-agent", -1, "calls for every default agent that has any (-1: defaults)")
	fs.Float64Var(&c.opts.Faults.Rate, "fault-rate", 0, "fraction of requests that fail (0..1)")
	fs.StringVar(&c.faultKinds, "fault-kinds", "", "comma-separated fault kinds: 500,502,503,429,429-retry-after,reset,truncate,timeout")
	fs.Int64Var(&c.opts.Faults.FaultSeed, "fault-seed", 0, "seed of the fault sequence")
	fs.DurationVar(&c.opts.Faults.Hold, "fault-hold", 0, "how long a timeout fault holds a request (default 1s)")
	fs.StringVar(&c.opts.Faults.OnlyPaths, "fault-paths", "", "only inject faults on paths with this prefix")
	fs.StringVar(&c.now, "now", "", `the server's clock: "" for the fixed default instant, "real", or an RFC 3339 time`)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.finish()
}

func (c *config) finish() error {
	if c.opts.Faults.Rate < 0 || c.opts.Faults.Rate > 1 {
		return errors.New("-fault-rate must be between 0 and 1")
	}
	if c.faultKinds != "" {
		c.opts.Faults.Kinds = strings.Split(c.faultKinds, ",")
	}
	if c.callsPerAgent >= 0 {
		c.opts.Agents = fakeapi.DefaultAgents()
		for i := range c.opts.Agents {
			if c.opts.Agents[i].Calls > 0 {
				c.opts.Agents[i].Calls = c.callsPerAgent
			}
		}
	}
	now, err := clock(c.now)
	c.opts.Now = now
	return err
}

func clock(spec string) (func() time.Time, error) {
	switch spec {
	case "":
		return fakeapi.DefaultNow, nil
	case "real":
		return time.Now, nil
	}
	t, err := time.Parse(time.RFC3339, spec)
	if err != nil {
		return nil, fmt.Errorf("-now: %w", err)
	}
	return func() time.Time { return t }, nil
}

// checkLoopback refuses to expose the fake (and its fake secrets) beyond this machine.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-addr %q is not a loopback address; use 127.0.0.1, [::1] or localhost", addr)
}

// run serves until ctx ends, then shuts down, giving requests in flight a few seconds.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	c, err := parseFlags(args)
	if err != nil {
		return err
	}
	if err := checkLoopback(c.addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	c.opts.LogLimit = 10000 // nobody reads this server's log; keep its memory flat
	fake := fakeapi.New(c.opts)
	srv := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "base URL: http://%s\nAPI key:  %s\nagents:   %s\n", ln.Addr(), c.opts.APIKey, agentSummary(c.opts.Agents))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	return nil
}

func agentSummary(specs []fakeapi.AgentSpec) string {
	if specs == nil {
		specs = fakeapi.DefaultAgents()
	}
	parts := make([]string, len(specs))
	for i, a := range specs {
		parts[i] = fmt.Sprintf("%q (%d calls)", a.ID, a.Calls)
	}
	return strings.Join(parts, ", ")
}
