package fakeapi

import (
	"bytes"
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	pathCallLogs = "/v1/retrieve-call-logs/"
	pathCallLog  = "/v1/retrieve-call-log/"
	pathAgents   = "/v1/all-agents"
	redacted     = "[redacted]"
)

type response struct {
	status int
	header http.Header
	body   []byte
	pooled *[]byte // returned to bufPool once written
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// Handler serves the API.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// serve applies, in order: latency, the fault decision, a fault that replaces the answer, the
// hold of a timeout, the raw hook or the API itself, then a fault that mangles the answer.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	req := s.describe(r)
	slot := s.log(req)
	defer s.answered(slot)
	if !sleepCtx(r.Context(), s.currentLatency()) {
		return
	}
	kind, cfg := s.faults.pick(req)
	s.setFault(slot, kind)
	if resp, ok := statusFault(kind, cfg); ok {
		s.write(w, slot, resp)
		return
	}
	if kind == FaultTimeout && !sleepCtx(r.Context(), cfg.Hold) {
		return
	}
	resp := s.answer(r)
	defer release(resp)
	switch kind {
	case FaultTruncate:
		resp = truncated(resp)
	case FaultReset:
		s.answered(slot)
		s.setStatus(slot, resp.status)
		writeReset(w, resp)
		return
	}
	s.write(w, slot, resp)
}

func (s *Server) answer(r *http.Request) response {
	s.mu.Lock()
	raw := s.raw
	s.mu.Unlock()
	if raw != nil {
		if status, h, body, ok := raw(r); ok {
			if h == nil {
				h = http.Header{}
			}
			return response{status: status, header: h.Clone(), body: body}
		}
	}
	return s.route(r)
}

func release(r response) {
	if r.pooled != nil && cap(r.body) <= 4<<20 { // a rare huge buffer is left to the GC
		*r.pooled = r.body[:0]
		bufPool.Put(r.pooled)
	}
}

func (s *Server) write(w http.ResponseWriter, slot *Request, r response) {
	s.answered(slot) // before the client can have the answer, and send its next request
	copyHeader(w.Header(), r.header)
	if w.Header().Get("Content-Length") == "" { // a raw hook may set a lying one on purpose
		w.Header().Set("Content-Length", strconv.Itoa(len(r.body)))
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
	s.setStatus(slot, r.status)
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		dst[k] = append([]string(nil), vs...)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) currentLatency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latency
}

// route is FastAPI's order: match the path, then the method, then validate parameters
// (422), then check the key (401), then do the work.
func (s *Server) route(r *http.Request) response {
	p := r.URL.EscapedPath()
	if resp := s.routeTesting(r, p); resp != nil {
		return *resp
	}
	switch {
	case p == pathAgents:
		return s.guard(r, nil, s.agentsResponse)
	case strings.HasPrefix(p, pathCallLogs) && validSegment(p[len(pathCallLogs):]):
		return s.callLogs(r, unescape(p[len(pathCallLogs):]))
	case strings.HasPrefix(p, pathCallLog) && validSegment(p[len(pathCallLog):]):
		id := unescape(p[len(pathCallLog):])
		return s.guard(r, nil, func() response { return s.callResponse(id) })
	case strings.HasSuffix(p, "/") && isRoute(strings.TrimSuffix(p, "/")):
		return redirect(r, strings.TrimSuffix(p, "/"))
	}
	return detailResponse(http.StatusNotFound, "Not Found")
}

// routeTesting answers a testing endpoint, or nil when p is none of them.
func (s *Server) routeTesting(r *http.Request, p string) *response {
	for _, rt := range s.testingRoutes() {
		if strings.HasPrefix(p, rt.prefix) && validSegment(p[len(rt.prefix):]) {
			resp := rt.answer(r, unescape(p[len(rt.prefix):]))
			return &resp
		}
	}
	return nil
}

func validSegment(seg string) bool { return seg != "" && !strings.Contains(seg, "/") }

func isRoute(p string) bool {
	for _, prefix := range []string{pathCallLogs, pathCallLog, pathSimulationsByAgent, pathSimulation, pathSimulationRuns, pathSimulationResults, pathSimulationResult} {
		if strings.HasPrefix(p, prefix) && validSegment(p[len(prefix):]) {
			return true
		}
	}
	return p == pathAgents
}

func unescape(seg string) string {
	if v, err := url.PathUnescape(seg); err == nil {
		return v
	}
	return seg
}

// redirect is Starlette's redirect_slashes: a trailing slash earns a 307 to the path without it.
func redirect(r *http.Request, p string) response {
	u := *r.URL
	u.Path, u.RawPath = "", p
	if dec, err := url.PathUnescape(p); err == nil {
		u.Path = dec
	}
	h := http.Header{}
	h.Set("Location", u.RequestURI())
	return response{status: http.StatusTemporaryRedirect, header: h}
}

// guard rejects the wrong method, bad parameters, then a missing or wrong key.
func (s *Server) guard(r *http.Request, errs []valErr, ok func() response) response {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		resp := detailResponse(http.StatusMethodNotAllowed, "Method Not Allowed")
		resp.header.Set("Allow", "GET, HEAD")
		return resp
	}
	key, present := headerValue(r)
	if !present {
		errs = append(errs, missingKeyErr())
	}
	if len(errs) > 0 {
		return s.validationResponse(errs)
	}
	if !s.keyValid(key) {
		return detailResponse(http.StatusUnauthorized, "Invalid API key")
	}
	return ok()
}

func headerValue(r *http.Request) (string, bool) {
	vs, ok := r.Header[http.CanonicalHeaderKey(apiKeyHeader)]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

func (s *Server) keyValid(key string) bool {
	return subtle.ConstantTimeCompare([]byte(key), []byte(s.key)) == 1
}

// validationResponse never echoes the key, even if a client put it in a query parameter.
func (s *Server) validationResponse(errs []valErr) response {
	body := appendValErrs(nil, errs)
	body = bytes.ReplaceAll(body, []byte(s.key), []byte(redacted))
	return jsonResponse(http.StatusUnprocessableEntity, body)
}

func jsonResponse(status int, body []byte) response {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return response{status: status, header: h, body: body}
}

func detailResponse(status int, detail string) response {
	b := appendStr([]byte(`{"detail":`), detail)
	return jsonResponse(status, append(b, '}'))
}
