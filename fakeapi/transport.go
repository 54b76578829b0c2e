package fakeapi

import (
	"bytes"
	"io"
	"net/http"
)

// MemoryTransport is an http.RoundTripper that answers every request with 200 and the same JSON
// body, without a network: benchmarks use it to time a client's decoding alone.
type MemoryTransport []byte

// RoundTrip answers r with the body.
func (t MemoryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(t)),
		ContentLength: int64(len(t)),
		Request:       r,
	}, nil
}
