package fakeapi

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) callLogs(r *http.Request, agentID string) response {
	q, errs := parseCallLogsQuery(r.URL.Query())
	return s.guard(r, errs, func() response {
		if s.isDeleted(agentID) {
			return detailResponse(http.StatusNotFound, "Agent not found")
		}
		return s.pageResponse(agentID, q)
	})
}

func (s *Server) isDeleted(agentID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleted[agentID]
}

// pageResponse: an unknown agent is not an error on this endpoint, just an agent without calls
// (unless DeleteAgent said it was deleted).
// Ids containing '/' cannot be real agents (they would not route), so they never match.
func (s *Server) pageResponse(agentID string, q callLogsQuery) response {
	size := q.pageSize
	total, jobs := 0, []job(nil)
	s.mu.Lock()
	if d := s.byID[agentID]; d != nil && !strings.Contains(agentID, "/") {
		v := d.filter(q.label, s.cutoffUS(q.window))
		total = v.count()
		jobs = jobsOf(d, v, pageStart(q.page, size, total), size)
	}
	s.mu.Unlock()
	s.encode(jobs)

	need := 160 + len(q.pageEcho)
	for i := range jobs {
		need += len(jobs[i].enc) + 1
	}
	buf := bufPool.Get().(*[]byte)
	b := append(slices.Grow((*buf)[:0], need), `{"call_logs":[`...)
	for i := range jobs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, jobs[i].enc...)
	}
	b = append(b, `],"total_count":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"page":`...)
	b = append(b, q.pageEcho...)
	b = append(b, `,"page_size":`...)
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, `,"total_pages":`...)
	b = strconv.AppendInt(b, int64((total+size-1)/size), 10)
	b = append(b, '}')
	resp := jsonResponse(http.StatusOK, b)
	resp.pooled = buf
	return resp
}

// pageStart is the position of the page's first call, or total when the page is past the end
// (including pages too large to multiply out).
func pageStart(page int64, size, total int) int {
	if page-1 >= int64(total/size)+1 {
		return total
	}
	return min(int(page-1)*size, total)
}

func (s *Server) callResponse(id string) response {
	j, ok := s.findCall(id)
	if !ok {
		return detailResponse(http.StatusNotFound, "Call log not found")
	}
	jobs := []job{j}
	s.encode(jobs)
	b := append([]byte(`{"call_log":`), jobs[0].enc...)
	return jsonResponse(http.StatusOK, append(b, `,"status":"200"}`...))
}

func (s *Server) agentsResponse() response {
	s.mu.Lock()
	if s.agentsJS == nil {
		b := []byte{'['}
		for i, d := range s.listedLocked() {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendAgent(b, &d.prof.agent)
		}
		s.agentsJS = append(b, ']')
	}
	body := s.agentsJS
	s.mu.Unlock()
	return jsonResponse(http.StatusOK, body)
}
