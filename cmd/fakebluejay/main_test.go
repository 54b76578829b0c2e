package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCheckLoopback(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:8787", "127.0.0.1:0", "[::1]:8787", "localhost:8787", "127.1.2.3:80"} {
		if err := checkLoopback(addr); err != nil {
			t.Errorf("%s refused: %v", addr, err)
		}
	}
	for _, addr := range []string{":8787", "0.0.0.0:8787", "[::]:8787", "10.0.0.5:8787", "example.com:80", "8787"} {
		if err := checkLoopback(addr); err == nil {
			t.Errorf("%s accepted", addr)
		}
	}
}

func TestFlags(t *testing.T) {
	c, err := parseFlags([]string{"-seed", "3", "-latency", "50ms", "-calls-per-agent", "10", "-fault-rate", "0.2", "-fault-kinds", "500,429", "-now", "real"})
	if err != nil {
		t.Fatal(err)
	}
	if c.opts.Seed != 3 || c.opts.Latency != 50*time.Millisecond || c.opts.Faults.Rate != 0.2 || strings.Join(c.opts.Faults.Kinds, ",") != "500,429" {
		t.Fatalf("%+v", c.opts)
	}
	for _, a := range c.opts.Agents {
		if a.Calls != 10 && a.ID != "empty" {
			t.Fatalf("agent %s has %d calls", a.ID, a.Calls)
		}
	}
	for _, bad := range [][]string{{"-fault-rate", "2"}, {"-now", "tomorrow"}, {"-nope"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestRunServesAndStops(t *testing.T) {
	if err := run(context.Background(), []string{"-addr", "0.0.0.0:0"}, io.Discard); err == nil {
		t.Fatal("a non-loopback address was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-api-key", "k"}, pw) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	base := strings.TrimSpace(strings.TrimPrefix(line, "base URL:"))
	req, _ := http.NewRequest("GET", base+"/v1/all-agents", nil)
	req.Header.Set("X-API-Key", "k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop")
	}
}
