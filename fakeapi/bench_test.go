package fakeapi

import (
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

func BenchmarkGenerateEncode(b *testing.B) {
	s := New(Options{Agents: []AgentSpec{{ID: "big", Calls: 100000}}})
	d := s.byID["big"]
	total := 0
	var buf []byte
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		idx := i % 100000
		c := d.gen.call(idx, d.baseTS(idx))
		buf = appendCall(buf[:0], &c)
		total += len(buf)
	}
	b.ReportMetric(float64(total)/float64(b.N), "bytes/call")
}

// BenchmarkPages100k reads 100-call pages over loopback from a 100,000-call agent, the way a
// benchmark of the plugin does: uncached (every call generated), and warmed.
func BenchmarkPages100k(b *testing.B) {
	for _, mode := range []string{"cold", "warm"} {
		b.Run(mode, func(b *testing.B) {
			opts := Options{Agents: []AgentSpec{{ID: "big", Calls: 100000}}}
			if mode == "cold" {
				opts.CacheBytes = -1
			}
			s := NewServer(opts)
			defer s.Close()
			if mode == "warm" {
				s.Warm("big")
			}
			var page atomic.Int64
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
			b.SetParallelism(2)
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					p := page.Add(1)%1000 + 1
					req, _ := http.NewRequest("GET", fmt.Sprintf("%s/v1/retrieve-call-logs/big?last=all&page_size=100&page=%d", s.URL, p), nil)
					req.Header.Set("X-API-Key", DefaultAPIKey)
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "pages/s")
		})
	}
}
