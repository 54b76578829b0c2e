package fakeapi

import (
	"math"
	"net/http"
	"strings"
	"time"
)

// describe records what a test may want to assert about a request. At is wall-clock time, not
// the injected clock, so tests can measure backoff and concurrency.
func (s *Server) describe(r *http.Request) Request {
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), At: time.Now()}
	key, present := headerValue(r)
	req.KeyPresent, req.KeyValid = present, present && s.keyValid(key)
	p := r.URL.EscapedPath()
	switch {
	case strings.HasPrefix(p, pathCallLogs) && validSegment(p[len(pathCallLogs):]):
		req.AgentID = unescape(p[len(pathCallLogs):])
		describeQuery(&req)
	case strings.HasPrefix(p, pathCallLog) && validSegment(p[len(pathCallLog):]):
		req.CallID = unescape(p[len(pathCallLog):])
	default:
		describeTesting(&req, p)
	}
	s.redact(&req)
	return req
}

// describeTesting fills the path parameter of a testing endpoint.
func describeTesting(req *Request, p string) {
	fields := map[string]*string{pathSimulationsByAgent: &req.AgentID, pathSimulation: &req.SimulationID,
		pathSimulationRuns: &req.SimulationID, pathSimulationResults: &req.RunID, pathSimulationResult: &req.ResultID}
	for prefix, field := range fields {
		if strings.HasPrefix(p, prefix) && validSegment(p[len(prefix):]) {
			*field = unescape(p[len(prefix):])
		}
	}
}

func describeQuery(req *Request) {
	q, errs := parseCallLogsQuery(req.Query)
	req.Page, req.PageSize, req.Last = int(min(q.page, math.MaxInt)), q.pageSize, q.last
	if q.label != nil {
		req.Label = *q.label
	}
	for _, e := range errs {
		switch e.loc[1] {
		case "page":
			req.Page = 0
		case "page_size":
			req.PageSize = 0
		case "last":
			req.Last = *e.input
		}
	}
}

// redact keeps the key out of the log even when a client sends it somewhere it should not.
func (s *Server) redact(req *Request) {
	hide := func(v string) string { return strings.ReplaceAll(v, s.key, redacted) }
	req.Path, req.AgentID, req.CallID = hide(req.Path), hide(req.AgentID), hide(req.CallID)
	req.SimulationID, req.RunID, req.ResultID = hide(req.SimulationID), hide(req.RunID), hide(req.ResultID)
	req.Label, req.Last = hide(req.Label), hide(req.Last)
	clean := make(map[string][]string, len(req.Query))
	for k, vs := range req.Query {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = hide(v)
		}
		clean[hide(k)] = out
	}
	req.Query = clean
}

func (s *Server) log(req Request) *Request {
	p := &req
	s.mu.Lock()
	if s.logLimit > 0 && len(s.reqs) >= 2*s.logLimit {
		s.reqs = append(s.reqs[:0:0], s.reqs[len(s.reqs)-s.logLimit:]...) // amortised trim
	}
	s.inFlight++
	p.InFlight, p.open = s.inFlight, true
	s.reqs = append(s.reqs, p)
	s.mu.Unlock()
	return p
}

// answered ends the request's time in flight; only the first call counts.
func (s *Server) answered(slot *Request) {
	s.mu.Lock()
	if slot.open {
		slot.open = false
		s.inFlight--
	}
	s.mu.Unlock()
}

func (s *Server) setFault(slot *Request, kind string) {
	s.mu.Lock()
	slot.Fault = kind
	s.mu.Unlock()
}

func (s *Server) setStatus(slot *Request, status int) {
	s.mu.Lock()
	slot.Status = status
	s.mu.Unlock()
}
