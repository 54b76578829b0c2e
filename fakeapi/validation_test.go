package fakeapi

import (
	"net/http"
	"strings"
	"testing"
)

const (
	enumMsg = `"msg":"Input should be '1day', '3days', '7days', '30days', '90days' or 'all'"`
	enumCtx = `"ctx":{"expected":"'1day', '3days', '7days', '30days', '90days' or 'all'"}`
)

func TestValidationBodies(t *testing.T) {
	s := New(Options{})
	for _, tc := range []struct{ query, want string }{
		{"page_size=101", `{"detail":[{"type":"less_than_equal","loc":["query","page_size"],"msg":"Input should be less than or equal to 100","input":"101","ctx":{"le":100}}]}`},
		{"page_size=0", `{"detail":[{"type":"greater_than_equal","loc":["query","page_size"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]}`},
		{"page_size=abc", `{"detail":[{"type":"int_parsing","loc":["query","page_size"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}`},
		{"page=0", `{"detail":[{"type":"greater_than_equal","loc":["query","page"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]}`},
		{"page=-3", `{"detail":[{"type":"greater_than_equal","loc":["query","page"],"msg":"Input should be greater than or equal to 1","input":"-3","ctx":{"ge":1}}]}`},
		{"page=1.5", `{"detail":[{"type":"int_parsing","loc":["query","page"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"1.5"}]}`},
		{"page=", `{"detail":[{"type":"int_parsing","loc":["query","page"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":""}]}`},
		{"last=2days", `{"detail":[{"type":"enum","loc":["query","last"],` + enumMsg + `,"input":"2days",` + enumCtx + `}]}`},
		{"last=ALL", `{"detail":[{"type":"enum","loc":["query","last"],` + enumMsg + `,"input":"ALL",` + enumCtx + `}]}`},
		{"last=all&page_size=500&page=x", `{"detail":[` +
			`{"type":"less_than_equal","loc":["query","page_size"],"msg":"Input should be less than or equal to 100","input":"500","ctx":{"le":100}},` +
			`{"type":"int_parsing","loc":["query","page"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"}]}`},
	} {
		r := get(t, s, "/v1/retrieve-call-logs/42?"+tc.query)
		if r.status != http.StatusUnprocessableEntity || string(r.body) != tc.want {
			t.Errorf("%s: %d\n got %s\nwant %s", tc.query, r.status, r.body, tc.want)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", tc.query, ct)
		}
	}
}

// pydantic's lax integers: whitespace, sign, underscores and a zero fraction are fine.
func TestLaxIntegers(t *testing.T) {
	s := New(Options{})
	for _, v := range []string{"+5", "%205%20", "5.0", "5.", "0_5", "05"} {
		r := get(t, s, "/v1/retrieve-call-logs/42?last=all&page_size="+v)
		if r.status != 200 || !strings.Contains(string(r.body), `"page_size":5,`) {
			t.Errorf("page_size=%s: %d %s", v, r.status, truncate(r.body))
		}
	}
	for _, v := range []string{"1e1", "_5", "5_", "5__0", "0x5", "5.01", "five"} {
		if r := get(t, s, "/v1/retrieve-call-logs/42?page_size="+v); r.status != 422 {
			t.Errorf("page_size=%s: %d, want 422", v, r.status)
		}
	}
}

// The last occurrence of a repeated parameter wins, as with Starlette.
func TestRepeatedParameter(t *testing.T) {
	s := New(Options{})
	r := get(t, s, "/v1/retrieve-call-logs/42?last=all&page_size=500&page_size=3")
	if r.status != 200 || !strings.Contains(string(r.body), `"page_size":3,`) {
		t.Fatalf("%d %s", r.status, truncate(r.body))
	}
}

func TestAuth(t *testing.T) {
	s := New(Options{APIKey: "k-123"})
	missing := `{"detail":[{"type":"missing","loc":["header","X-API-Key"],"msg":"Field required","input":null}]}`
	for _, target := range []string{"/v1/all-agents", "/v1/retrieve-call-logs/42", "/v1/retrieve-call-log/x"} {
		if r := do(t, s, "GET", target, ""); r.status != 422 || string(r.body) != missing {
			t.Errorf("%s without key: %d %s", target, r.status, r.body)
		}
		if r := do(t, s, "GET", target, "wrong"); r.status != 401 || string(r.body) != `{"detail":"Invalid API key"}` {
			t.Errorf("%s with a wrong key: %d %s", target, r.status, r.body)
		}
		if r := do(t, s, "GET", target, DefaultAPIKey); r.status != 401 {
			t.Errorf("%s: the default key must not work when another is set: %d", target, r.status)
		}
	}
	// Parameters and the header are validated together, before the key is checked.
	r := do(t, s, "GET", "/v1/retrieve-call-logs/42?page=0", "")
	if r.status != 422 || strings.Count(string(r.body), `"type"`) != 2 {
		t.Fatalf("bad page and no key: %d %s", r.status, r.body)
	}
	if r := do(t, s, "GET", "/v1/retrieve-call-logs/42?page=0", "wrong"); r.status != 422 {
		t.Fatalf("bad page and wrong key: %d, want 422 first", r.status)
	}
	if r := do(t, s, "GET", "/v1/retrieve-call-logs/42", "k-123"); r.status != 200 {
		t.Fatalf("right key: %d", r.status)
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	s := New(Options{})
	for _, target := range []string{"/", "/v1", "/v1/all-agent", "/v1/retrieve-call-logs/", "/v1/retrieve-call-logs/42/extra", "/v2/all-agents", "/openapi.json"} {
		if r := get(t, s, target); r.status != 404 || string(r.body) != `{"detail":"Not Found"}` {
			t.Errorf("GET %s: %d %s", target, r.status, r.body)
		}
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		r := do(t, s, m, "/v1/all-agents", DefaultAPIKey)
		if r.status != 405 || string(r.body) != `{"detail":"Method Not Allowed"}` || r.header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d %s %v", m, r.status, r.body, r.header)
		}
	}
	if r := do(t, s, "HEAD", "/v1/all-agents", DefaultAPIKey); r.status != 200 {
		t.Errorf("HEAD: %d", r.status)
	}
	r := get(t, s, "/v1/all-agents/?x=1")
	if r.status != 307 || r.header.Get("Location") != "/v1/all-agents?x=1" {
		t.Errorf("trailing slash: %d %v", r.status, r.header)
	}
}

func TestRetrieveCallLog(t *testing.T) {
	s := New(Options{})
	want := s.Expected("42", "", "all")[1234]
	r := get(t, s, "/v1/retrieve-call-log/"+want.ID)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var body struct {
		CallLog Call   `json:"call_log"`
		Status  string `json:"status"`
	}
	mustJSON(t, r.body, &body)
	sameCalls(t, []Call{body.CallLog}, []Call{want})
	if body.Status != "200" || !strings.HasSuffix(string(r.body), `,"status":"200"}`) {
		t.Fatalf("status field: %q", body.Status)
	}
	upper := strings.ToUpper(want.ID)
	flipped := want.ID[:35] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", want.ID[35])+1)%16])
	for _, id := range []string{"nope", upper, flipped, "00000000-0000-4000-8000-000000000000"} {
		if r := get(t, s, "/v1/retrieve-call-log/"+id); r.status != 404 || string(r.body) != `{"detail":"Call log not found"}` {
			t.Errorf("id %s: %d %s", id, r.status, r.body)
		}
	}
}
