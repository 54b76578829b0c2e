package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for everything the client reads from the network. The seeds (f.Add and
// testdata/fuzz) run with every `go test`; `make fuzz` explores further.

// FuzzPageDecode: any body either decodes into a page whose every call has an id and an agent,
// or fails with an error; it never panics.
func FuzzPageDecode(f *testing.F) {
	f.Add([]byte(`{"call_logs":[{"id":"c1","agent_id":"a","participants":null}],"total_count":1,"page":1,"page_size":100,"total_pages":1}`))
	f.Add([]byte(`{"call_logs":null,"total_count":5,"page":1,"page_size":100,"total_pages":1}`))
	f.Add([]byte(`{"total_count":0,"page":1,"page_size":0,"total_pages":0}`))
	f.Add([]byte(`{"call_logs":[{"id":"","agent_id":"a"}],"total_count":-1,"page":-9223372036854775808,"page_size":9223372036854775807,"total_pages":1}`))
	f.Add([]byte(`{"call_logs":[{"id":"c","agent_id":"a","duration_ms":1e400}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var w wirePage
		if json.Unmarshal(body, &w) != nil {
			return
		}
		page, err := w.page("GET /v1/retrieve-call-logs/a page 1")
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Error() == "" {
				t.Fatalf("error %v is not a DecodeError", err)
			}
			return
		}
		for _, c := range page.CallLogs {
			if c.ID == "" || c.AgentID == "" {
				t.Fatalf("a call without id or agent_id got through: %+v", c)
			}
		}
	})
}

// bodyTransport answers every request with one status and body, like a server would.
type bodyTransport struct {
	status int
	body   []byte
	header http.Header
}

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h := b.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: b.status, Header: h, Body: io.NopCloser(bytes.NewReader(b.body)), Request: r, ContentLength: int64(len(b.body))}, nil
}

// FuzzListCallLogsBody: whatever status, Retry-After and body the server sends, ListCallLogs
// returns a page or one of the client's typed errors, never panics, never takes longer than its
// budget, and never puts the key in the error.
func FuzzListCallLogsBody(f *testing.F) {
	f.Add(200, "", []byte(`{"call_logs":[],"total_count":0,"page":1,"page_size":100,"total_pages":0}`))
	f.Add(422, "", []byte(`{"detail":[{"loc":["query",1,{"x":null}],"msg":"bad","type":"t"}]}`))
	f.Add(422, "", []byte(`{"detail":[{"loc":["header","x-api-key"],"msg":"Field required"}]}`))
	f.Add(429, "3600", []byte(`{"detail":"Too Many Requests"}`))
	f.Add(503, "Wed, 21 Oct 2015 07:28:00 GMT", []byte("<html><title>503</title>"))
	f.Add(401, "", []byte(`{"detail":"key `+testKey+` is wrong"}`))
	f.Add(200, "", []byte(`{"call_logs":[{"id":"c"`))
	f.Add(302, "", []byte(``))
	f.Add(999, "-1", []byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		h := http.Header{}
		if utf8.ValidString(retryAfter) && !strings.ContainsAny(retryAfter, "\r\n") {
			h.Set("Retry-After", retryAfter)
		}
		c, err := New(Config{BaseURL: "https://api.example.com", APIKey: testKey, MaxRetries: 1,
			RetryWaitMin: time.Microsecond, RetryWaitMax: time.Millisecond, MaxRetryTime: time.Second,
			Transport: bodyTransport{status: status, body: body, header: h}})
		if err != nil {
			t.Fatal(err)
		}
		page, err := c.ListCallLogs(context.Background(), CallLogsQuery{AgentID: "a", Page: 1, PageSize: 100})
		if err == nil {
			if page == nil {
				t.Fatal("no page and no error")
			}
			return
		}
		if strings.Contains(err.Error(), testKey) {
			t.Fatalf("the key is in the error %q", err)
		}
		var (
			auth *AuthError
			nf   *NotFoundError
			ue   *UnprocessableError
			se   *StatusError
			re   *RequestError
			de   *DecodeError
		)
		if !errors.As(err, &auth) && !errors.As(err, &nf) && !errors.As(err, &ue) && !errors.As(err, &se) && !errors.As(err, &re) && !errors.As(err, &de) {
			t.Fatalf("untyped error %T: %v", err, err)
		}
	})
}

// FuzzParseTime: a parsed time is UTC, and its RFC 3339 form parses back to the same instant.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-25T10:04:05", "2026-11-25T10:04:05.123456Z", "2026-11-25 10:04:05+05:30",
		"2026-11-25T10:04:05.1234567891-0800", "2026-11-25", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999+14:00", "", "T", "2026-02-30T00:00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("%q parsed in %v", s, got.Location())
		}
		again, err := ParseTime(got.Format(time.RFC3339Nano))
		if err != nil || !again.Equal(got) {
			t.Fatalf("%q -> %v -> %v, %v", s, got, again, err)
		}
	})
}

// FuzzFlexibleID: an id decodes from a string, an integer or null, and what it encodes to
// decodes to the same id.
func FuzzFlexibleID(f *testing.F) {
	for _, s := range []string{`"42"`, `42`, `null`, ` 7 `, `-0`, `1e3`, `9223372036854775808`, `"\u0000"`, `true`, `{}`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var id FlexibleID
		if id.UnmarshalJSON(b) != nil {
			return
		}
		out, err := id.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back FlexibleID
		if err := back.UnmarshalJSON(out); err != nil || back != id {
			t.Fatalf("%s -> %+v -> %s -> %+v, %v", b, id, out, back, err)
		}
	})
}
