package fakeapi

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// The contract test walks the fake's responses against the OpenAPI components in
// testdata/openapi-subset.json: required fields, types (integer means no fraction, as Python
// writes ints), enums, formats, nullability, and no field the contract does not declare. It
// also checks coverage: every nullable field of a call is null somewhere and set somewhere, and
// every enum value of a call occurs, so clients are exercised on all of it.

type spec struct {
	schemas map[string]any
	paths   map[string]any
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	raw, err := os.ReadFile("testdata/openapi-subset.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return &spec{schemas: doc.Components.Schemas, paths: doc.Paths}
}

// responseSchema is the schema the contract gives a path's GET response for a status.
func (sp *spec) responseSchema(t *testing.T, path, status string) map[string]any {
	t.Helper()
	op := sp.paths[path].(map[string]any)["get"].(map[string]any)
	resp := op["responses"].(map[string]any)[status].(map[string]any)
	return resp["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
}

func (sp *spec) resolve(s map[string]any) map[string]any {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		s = sp.schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
	}
}

// walker validates one document and records what it saw, per field path ("[]" for items).
type walker struct {
	sp       *spec
	errs     []string
	nulls    map[string]int
	values   map[string]int
	enumSeen map[string]map[string]bool
}

func newWalker(sp *spec) *walker {
	return &walker{sp: sp, nulls: map[string]int{}, values: map[string]int{}, enumSeen: map[string]map[string]bool{}}
}

func (w *walker) fail(path, format string, args ...any) {
	if len(w.errs) < 20 {
		w.errs = append(w.errs, path+": "+fmt.Sprintf(format, args...))
	}
}

func (w *walker) check(path string, v any, s map[string]any) {
	s = w.sp.resolve(s)
	if anyOf, ok := s["anyOf"].([]any); ok {
		w.checkAnyOf(path, v, anyOf)
		return
	}
	if enum, ok := s["enum"].([]any); ok {
		w.checkEnum(path, v, enum)
	}
	typ, _ := s["type"].(string)
	if typ == "" {
		return // {} is any JSON value
	}
	if !hasType(v, typ) {
		w.fail(path, "%T (%v) is not %s", v, v, typ)
		return
	}
	w.checkFormat(path, v, s)
	switch typ {
	case "object":
		w.checkObject(path, v.(map[string]any), s)
	case "array":
		if items, ok := s["items"].(map[string]any); ok {
			for _, item := range v.([]any) {
				w.check(path+"[]", item, items)
			}
		}
	}
}

// checkAnyOf accepts the first branch the value satisfies, and records null or set.
func (w *walker) checkAnyOf(path string, v any, branches []any) {
	nullable := false
	for _, b := range branches {
		if t, _ := w.sp.resolve(b.(map[string]any))["type"].(string); t == "null" {
			nullable = true
		}
	}
	if nullable {
		if v == nil {
			w.nulls[path]++
		} else {
			w.values[path]++
		}
	}
	var reasons []string
	for _, b := range branches {
		trial := newWalker(w.sp)
		trial.check(path, v, b.(map[string]any))
		if len(trial.errs) == 0 {
			w.check(path, v, b.(map[string]any)) // again, to record what is inside
			return
		}
		reasons = append(reasons, trial.errs[0])
	}
	w.fail(path, "matches no anyOf branch: %s", strings.Join(reasons, " | "))
}

func (w *walker) checkEnum(path string, v any, enum []any) {
	for _, e := range enum {
		if e == v {
			if w.enumSeen[path] == nil {
				w.enumSeen[path] = map[string]bool{}
			}
			w.enumSeen[path][fmt.Sprint(v)] = true
			return
		}
	}
	w.fail(path, "%v is not one of %v", v, enum)
}

func (w *walker) checkObject(path string, obj map[string]any, s map[string]any) {
	props, _ := s["properties"].(map[string]any)
	for _, r := range asStrings(s["required"]) {
		if _, ok := obj[r]; !ok {
			w.fail(path, "required field %q missing", r)
		}
	}
	for k, v := range obj {
		if p, ok := props[k]; ok {
			w.check(path+"."+k, v, p.(map[string]any))
			continue
		}
		switch extra := s["additionalProperties"].(type) {
		case map[string]any:
			w.check(path+"."+k, v, extra)
		case bool:
			if !extra {
				w.fail(path, "field %q not allowed", k)
			}
		default:
			title, _ := s["title"].(string)
			if !knownExtras[title][k] {
				w.fail(path, "field %q is not in the contract", k)
			}
		}
	}
}

// knownExtras are fields the published schema lags behind on: pydantic v2 added input and
// ctx to every validation error, and FastAPI sends them, so clients must tolerate them.
var knownExtras = map[string]map[string]bool{"ValidationError": {"input": true, "ctx": true}}

// alwaysSet are nullable fields the fake never nulls, on purpose: a call's tags always carry
// its label.
var alwaysSet = map[string]bool{".call_logs[].tags": true}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func (w *walker) checkFormat(path string, v any, s map[string]any) {
	switch s["format"] {
	case "date-time":
		if _, err := time.Parse(time.RFC3339Nano, v.(string)); err != nil {
			w.fail(path, "%q is not an RFC 3339 date-time", v)
		}
	case "uuid":
		if !uuidRE.MatchString(v.(string)) {
			w.fail(path, "%q is not a uuid", v)
		}
	}
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		if min, ok := s["minimum"].(float64); ok && f < min {
			w.fail(path, "%v < minimum %v", n, min)
		}
		if max, ok := s["maximum"].(float64); ok && f > max {
			w.fail(path, "%v > maximum %v", n, max)
		}
	}
}

func hasType(v any, typ string) bool {
	switch typ {
	case "null":
		return v == nil
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		return ok && !strings.ContainsAny(n.String(), ".eE")
	}
	return false
}

func asStrings(v any) []string {
	var out []string
	for _, x := range asSlice(v) {
		out = append(out, x.(string))
	}
	return out
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func (w *walker) checkBody(t *testing.T, what string, body []byte, s map[string]any) {
	t.Helper()
	var v any
	mustJSON(t, body, &v)
	w.check("", v, s)
	if len(w.errs) > 0 {
		t.Fatalf("%s breaks the contract:\n%s", what, strings.Join(w.errs, "\n"))
	}
}

func TestContractCallLogs(t *testing.T) {
	sp := loadSpec(t)
	s := New(Options{})
	w := newWalker(sp)
	schema := sp.responseSchema(t, "/v1/retrieve-call-logs/{agent_id}", "200")
	for _, agent := range []string{"42", "support-bot", "sales team ☎", "empty", "unknown"} {
		for page := 1; ; page++ {
			r := get(t, s, logsURL(agent, "last", "all", "page_size", "100", "page", fmt.Sprint(page)))
			w.checkBody(t, "call logs of "+agent, r.body, schema)
			var p pageBody
			mustJSON(t, r.body, &p)
			if page >= p.TotalPages {
				break
			}
		}
	}
	checkCoverage(t, sp, w)
}

// checkCoverage requires each nullable field under CallLog to be both null and set somewhere,
// and each enum value of a call to occur.
func checkCoverage(t *testing.T, sp *spec, w *walker) {
	t.Helper()
	var missing []string
	paths := nullablePaths(sp, ".call_logs[]", sp.schemas["CallLog"].(map[string]any), 0)
	if len(paths) < 50 {
		t.Fatalf("only %d nullable fields found under CallLog; the walker lost its way", len(paths))
	}
	for _, path := range paths {
		if alwaysSet[path] {
			continue
		}
		if w.nulls[path] == 0 || w.values[path] == 0 {
			missing = append(missing, fmt.Sprintf("%s (null %d, set %d)", path, w.nulls[path], w.values[path]))
		}
	}
	if len(missing) > 0 {
		t.Errorf("nullable fields not seen both null and set:\n%s", strings.Join(missing, "\n"))
	}
	for path, enum := range map[string]string{
		".call_logs[].status": "CallStatus", ".call_logs[].call_direction": "CallDirection",
		".call_logs[].interface": "CallInterface", ".call_logs[].participants[].role": "ParticipantRole",
		".call_logs[].conversation_ended_by": "ParticipantRole",
	} {
		for _, v := range asSlice(sp.schemas[enum].(map[string]any)["enum"]) {
			if !w.enumSeen[path][v.(string)] {
				t.Errorf("%s never takes the value %s", path, v)
			}
		}
	}
}

// nullablePaths lists the fields, under a schema, whose anyOf allows null.
func nullablePaths(sp *spec, path string, s map[string]any, depth int) []string {
	s = sp.resolve(s)
	if depth > 6 {
		return nil
	}
	var out []string
	if anyOf, ok := s["anyOf"].([]any); ok {
		for _, b := range anyOf {
			bs := sp.resolve(b.(map[string]any))
			if bs["type"] == "null" {
				out = append(out, path)
			} else {
				out = append(out, nullablePaths(sp, path, bs, depth+1)...)
			}
		}
		return out
	}
	if items, ok := s["items"].(map[string]any); ok {
		out = append(out, nullablePaths(sp, path+"[]", items, depth+1)...)
	}
	props, _ := s["properties"].(map[string]any)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, nullablePaths(sp, path+"."+k, props[k].(map[string]any), depth+1)...)
	}
	return out
}

func TestContractCallLogAndAgents(t *testing.T) {
	sp := loadSpec(t)
	s := New(Options{})
	one := sp.responseSchema(t, "/v1/retrieve-call-log/{call_id}", "200")
	for _, c := range s.Expected("7", "", "all")[:50] {
		newWalker(sp).checkBody(t, "call "+c.ID, get(t, s, "/v1/retrieve-call-log/"+c.ID).body, one)
	}
	agents := sp.responseSchema(t, "/v1/all-agents", "200")
	newWalker(sp).checkBody(t, "all-agents", get(t, s, "/v1/all-agents").body, agents)
}

func TestContractValidationErrors(t *testing.T) {
	sp := loadSpec(t)
	s := New(Options{})
	schema := sp.responseSchema(t, "/v1/retrieve-call-logs/{agent_id}", "422")
	r := do(t, s, "GET", "/v1/retrieve-call-logs/42?page=0&page_size=abc&last=x", "")
	if r.status != 422 {
		t.Fatalf("status %d", r.status)
	}
	newWalker(sp).checkBody(t, "422", r.body, schema)
	r = do(t, s, "GET", "/v1/all-agents", "")
	newWalker(sp).checkBody(t, "422 all-agents", r.body, sp.responseSchema(t, "/v1/all-agents", "422"))
}

// The walker itself must catch what it is there to catch.
func TestContractWalkerCatches(t *testing.T) {
	sp := loadSpec(t)
	schema := sp.schemas["CallLog"].(map[string]any)
	good := get(t, New(Options{}), "/v1/retrieve-call-log/"+New(Options{}).Expected("42", "", "all")[0].ID).body
	var doc map[string]any
	mustJSON(t, good, &doc)
	for name, mutate := range map[string]func(map[string]any){
		"missing required": func(c map[string]any) { delete(c, "recording_url") },
		"bad enum":         func(c map[string]any) { c["status"] = "DONE" },
		"float as integer": func(c map[string]any) { c["duration_ms"] = json.Number("1.0") },
		"undeclared field": func(c map[string]any) { c["label"] = "production" },
		"null not allowed": func(c map[string]any) { c["start_time_utc"] = nil },
		"bad date-time":    func(c map[string]any) { c["created_at"] = "yesterday" },
		"string as boolean": func(c map[string]any) {
			c["participants"] = []any{map[string]any{"role": "USER", "spoke_first": "yes"}}
		},
		"negative offset": func(c map[string]any) {
			c["tool_calls"] = []any{map[string]any{"name": "x", "start_offset_ms": json.Number("-1")}}
		},
		"object as array": func(c map[string]any) { c["tags"] = map[string]any{} },
		"bad sentiment type": func(c map[string]any) {
			c["evaluations"] = []any{map[string]any{"agent_speak_percentage": nil, "avg_agent_latency": nil, "sentiment_scores": map[string]any{"x": "high"}}}
		},
	} {
		call := clone(t, doc["call_log"].(map[string]any))
		mutate(call)
		w := newWalker(sp)
		w.check("", call, schema)
		if len(w.errs) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}

func clone(t *testing.T, m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	mustJSON(t, b, &out)
	return out
}
