package fakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
)

type reply struct {
	status int
	header http.Header
	body   []byte
}

// do runs one request through the handler in process; key "" sends no X-API-Key header.
func do(t testing.TB, s *Server, method, target, key string) reply {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return reply{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func get(t testing.TB, s *Server, target string) reply {
	t.Helper()
	return do(t, s, http.MethodGet, target, DefaultAPIKey)
}

// httpGet goes over the network, for what only a real connection shows.
func httpGet(t testing.TB, base, target string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-API-Key", DefaultAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

type pageBody struct {
	CallLogs   []Call `json:"call_logs"`
	TotalCount int    `json:"total_count"`
	Page       int    `json:"page"`
	PageSize   int    `json:"page_size"`
	TotalPages int    `json:"total_pages"`
}

func logsURL(agentID string, params ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	u := "/v1/retrieve-call-logs/" + url.PathEscape(agentID)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func getPage(t testing.TB, s *Server, agentID string, params ...string) pageBody {
	t.Helper()
	r := get(t, s, logsURL(agentID, params...))
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", logsURL(agentID, params...), r.status, r.body)
	}
	var p pageBody
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("decode page: %v", err)
	}
	return p
}

// readAll pages through a filtered read the way a client would.
func readAll(t testing.TB, s *Server, agentID, label, last string, size int) []Call {
	t.Helper()
	params := []string{"page_size", fmt.Sprint(size)}
	if label != "" {
		params = append(params, "label", label)
	}
	if last != "" {
		params = append(params, "last", last)
	}
	var out []Call
	for page := 1; ; page++ {
		p := getPage(t, s, agentID, append(params, "page", fmt.Sprint(page))...)
		out = append(out, p.CallLogs...)
		if page >= p.TotalPages {
			return out
		}
	}
}

// sameCalls compares served calls with expected ones; Label is server-side only.
func sameCalls(t testing.TB, got, want []Call) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d calls, want %d", len(got), len(want))
	}
	for i := range want {
		w := want[i]
		w.Label = ""
		if !reflect.DeepEqual(got[i], w) {
			gb, _ := json.Marshal(got[i])
			wb, _ := json.Marshal(w)
			t.Fatalf("call %d differs:\n got %s\nwant %s", i, gb, wb)
		}
	}
}

func mustJSON(t testing.TB, b []byte, v any) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		t.Fatalf("invalid JSON %q: %v", truncate(b), err)
	}
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}
