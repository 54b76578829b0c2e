package fakeapi

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestDeterministicBySeed(t *testing.T) {
	target := "/v1/retrieve-call-logs/42?last=all&page_size=100&page=4"
	a := get(t, New(Options{Seed: 9}), target).body
	b := get(t, New(Options{Seed: 9}), target).body
	c := get(t, New(Options{Seed: 10}), target).body
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different bytes")
	}
	if bytes.Equal(a, c) {
		t.Fatal("different seeds, same bytes")
	}
	agentsA := get(t, New(Options{Seed: 9}), "/v1/all-agents").body
	agentsB := get(t, New(Options{Seed: 9}), "/v1/all-agents").body
	if !bytes.Equal(agentsA, agentsB) {
		t.Fatal("same seed, different agents")
	}
	// Serving order must not matter: a call generated late equals the one generated first.
	s := New(Options{Seed: 9})
	get(t, s, "/v1/retrieve-call-logs/42?last=all&page_size=100&page=9")
	if d := get(t, s, target).body; !bytes.Equal(a, d) {
		t.Fatal("bytes depend on what was served before")
	}
}

func TestCallIDs(t *testing.T) {
	s := New(Options{})
	seen := map[string]bool{}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, agent := range []string{"42", "7", "support-bot"} {
		for _, c := range s.Expected(agent, "", "all") {
			if seen[c.ID] || !uuid.MatchString(c.ID) {
				t.Fatalf("id %q duplicate or not a v4 uuid", c.ID)
			}
			seen[c.ID] = true
			if c.AgentID != agent {
				t.Fatalf("call %s has agent_id %q, want %q", c.ID, c.AgentID, agent)
			}
		}
	}
	codec := newIDCodec(5)
	for _, tc := range [][2]int{{0, 0}, {3, 99999}, {1000, 1<<32 - 1}} {
		ord, idx, ok := codec.decode(codec.encode(tc[0], tc[1]))
		if !ok || ord != tc[0] || idx != tc[1] {
			t.Fatalf("round trip %v -> %d %d %v", tc, ord, idx, ok)
		}
	}
	if _, _, ok := newIDCodec(6).decode(codec.encode(1, 1)); ok {
		t.Fatal("an id from another seed decoded")
	}
	if _, ok := New(Options{Seed: 1}).Call(s.Expected("42", "", "all")[0].ID); ok {
		t.Fatal("a server with another seed found this seed's call")
	}
}

// What goes on the wire decodes to exactly what Expected and Call return.
func TestWireRoundTrip(t *testing.T) {
	s := New(Options{})
	want := s.Expected("support-bot", "", "all")
	r := get(t, s, "/v1/retrieve-call-logs/support-bot?last=all&page_size=100")
	var p pageBody
	mustJSON(t, r.body, &p)
	sameCalls(t, p.CallLogs, want[:100])
	re, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(re, r.body) {
		t.Fatal("re-encoding a decoded page changes its bytes")
	}
	for _, c := range want[:20] {
		got, ok := s.Call(c.ID)
		c.Label = ""
		got.Label = ""
		if !ok {
			t.Fatalf("Call(%s) not found", c.ID)
		}
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(c)
		if !bytes.Equal(gb, wb) {
			t.Fatalf("Call(%s) differs from Expected", c.ID)
		}
	}
}

// FastAPI writes floats as Python's repr and strings as json.dumps(ensure_ascii=False).
func TestPythonStyleEncoding(t *testing.T) {
	for f, want := range map[float64]string{
		4: "4.0", 0: "0.0", -1: "-1.0", 4.5: "4.5", 0.0001: "0.0001", 0.00001: "1e-05",
		1.5e-7: "1.5e-07", 1e16: "1e+16", 123456789012345.0: "123456789012345.0", math.NaN(): "null",
	} {
		if got := string(appendFloat(nil, f)); got != want {
			t.Errorf("%v -> %s, want %s", f, got, want)
		}
	}
	for s, want := range map[string]string{
		"plain":          `"plain"`,
		"q\"b\\":         `"q\"b\\"`,
		"a\nb\tc\r\b\f":  `"a\nb\tc\r\b\f"`,
		"\x01\x1f":       `"\u0001\u001f"`,
		"café ☎ <&>":     `"café ☎ <&>"`,
		"bad\xffutf8":    `"bad\ufffdutf8"`,
		"\u2028 is kept": "\"\u2028 is kept\"",
	} {
		if got := string(appendStr(nil, s)); got != want {
			t.Errorf("%q -> %s, want %s", s, got, want)
		}
	}
}

// start_time_utc is naive (Python isoformat without a zone); created_at carries one and comes
// a little after the start.
func TestTimestampFormats(t *testing.T) {
	s := New(Options{})
	naive := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$`)
	fractions := map[int]bool{}
	for _, c := range s.Expected("42", "", "all") {
		if !naive.MatchString(c.StartTimeUTC) {
			t.Fatalf("start_time_utc %q", c.StartTimeUTC)
		}
		start, _ := time.Parse("2006-01-02T15:04:05.999999", c.StartTimeUTC)
		created, err := time.Parse(time.RFC3339Nano, c.CreatedAt)
		if err != nil || !strings.HasSuffix(c.CreatedAt, "Z") {
			t.Fatalf("created_at %q: %v", c.CreatedAt, err)
		}
		if !start.Before(created) || created.Sub(start) > 20*time.Minute {
			t.Fatalf("start %s, created %s", c.StartTimeUTC, c.CreatedAt)
		}
		if dot := strings.IndexByte(c.CreatedAt, '.'); dot < 0 {
			fractions[0] = true
		} else {
			fractions[len(c.CreatedAt)-dot-2] = true
		}
	}
	if !fractions[0] || !fractions[6] || len(fractions) < 4 {
		t.Fatalf("created_at fraction lengths seen: %v", fractions)
	}
}

func TestDataShape(t *testing.T) {
	s := New(Options{})
	calls := s.Expected("42", "", "all")
	var evals, halluc int
	for _, c := range calls {
		if len(c.Participants) != 2 || c.Participants[0].Role != "AGENT" || c.Participants[1].Role != "USER" {
			t.Fatalf("participants %+v", c.Participants)
		}
		if p := c.Participants[1].PhoneNumber; p != nil && !regexp.MustCompile(`^\+1\d{3}55501\d\d$`).MatchString(*p) {
			t.Fatalf("phone %s is outside the fictional 555-01xx block", *p)
		}
		for _, e := range c.Evaluations {
			evals++
			if e.Hallucination != nil && *e.Hallucination {
				halluc++
			}
		}
	}
	if rate := float64(halluc) / float64(evals); rate < 0.07 || rate > 0.13 {
		t.Fatalf("hallucination rate %.3f", rate)
	}
}
