package fakeapi

import (
	"fmt"
	"testing"
	"time"
)

func TestPagingMatchesExpected(t *testing.T) {
	s := New(Options{})
	for _, tc := range []struct {
		agent, label, last string
		size               int
	}{
		{"42", "", "all", 100},
		{"42", "", "30days", 7},
		{"42", "staging", "90days", 100},
		{"7", "", "all", 33},
		{"support-bot", "canary", "all", 20},
		{"sales team ☎", "", "7days", 3},
	} {
		t.Run(fmt.Sprintf("%s/%s/%s/%d", tc.agent, tc.label, tc.last, tc.size), func(t *testing.T) {
			want := s.Expected(tc.agent, tc.label, tc.last)
			if len(want) == 0 {
				t.Fatal("expected no calls; the case tests nothing")
			}
			got := readAll(t, s, tc.agent, tc.label, tc.last, tc.size)
			sameCalls(t, got, want)
			checkOrderAndUnique(t, got)
		})
	}
}

func checkOrderAndUnique(t *testing.T, calls []Call) {
	t.Helper()
	seen := map[string]bool{}
	var prev time.Time
	for i, c := range calls {
		if seen[c.ID] {
			t.Fatalf("duplicate id %s", c.ID)
		}
		seen[c.ID] = true
		at, err := time.Parse(time.RFC3339Nano, c.CreatedAt)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && at.After(prev) {
			t.Fatalf("call %d (%s) is newer than call %d", i, c.CreatedAt, i-1)
		}
		prev = at
	}
}

func TestPageFields(t *testing.T) {
	s := New(Options{})
	p := getPage(t, s, "42", "last", "all", "page_size", "100", "page", "3")
	if p.TotalCount != 2500 || p.Page != 3 || p.PageSize != 100 || p.TotalPages != 25 || len(p.CallLogs) != 100 {
		t.Fatalf("page 3: %+v (%d calls)", p, len(p.CallLogs))
	}
	beyond := getPage(t, s, "42", "last", "all", "page_size", "100", "page", "26")
	if len(beyond.CallLogs) != 0 || beyond.TotalCount != 2500 || beyond.TotalPages != 25 || beyond.Page != 26 {
		t.Fatalf("page past the end: %+v", beyond)
	}
	r := get(t, s, logsURL("42", "last", "all", "page", "99999999999999999999999"))
	if string(r.body) != `{"call_logs":[],"total_count":2500,"page":99999999999999999999999,"page_size":20,"total_pages":125}` {
		t.Fatalf("huge page: %s", r.body)
	}
	last := getPage(t, s, "42", "last", "all", "page_size", "100", "page", "25")
	if len(last.CallLogs) != 100 {
		t.Fatalf("last page has %d calls", len(last.CallLogs))
	}
}

func TestDefaults(t *testing.T) {
	s := New(Options{})
	p := getPage(t, s, "42")
	day := s.Expected("42", "", "1day")
	if p.PageSize != 20 || p.Page != 1 || p.TotalCount != len(day) {
		t.Fatalf("defaults: %+v, want page_size 20, page 1, total %d (1day)", p, len(day))
	}
	if got := s.Expected("42", "", ""); len(got) != len(day) {
		t.Fatalf("Expected with last \"\" = %d calls, want the 1day %d", len(got), len(day))
	}
}

func TestUnknownAgentIsEmpty(t *testing.T) {
	s := New(Options{})
	for _, target := range []string{
		logsURL("no-such-agent", "last", "all"),
		logsURL("empty", "last", "all"),
		"/v1/retrieve-call-logs/42%2Fx?last=all",
	} {
		r := get(t, s, target)
		want := `{"call_logs":[],"total_count":0,"page":1,"page_size":20,"total_pages":0}`
		if r.status != 200 || string(r.body) != want {
			t.Fatalf("%s: %d %s", target, r.status, r.body)
		}
	}
}

// The window counts are checked against created_at itself, not against the fake's index.
func TestWindows(t *testing.T) {
	s := New(Options{})
	all := s.Expected("42", "", "all")
	now := DefaultNow()
	prev := -1
	for _, w := range []string{"1day", "3days", "7days", "30days", "90days", "all"} {
		want := 0
		for _, c := range all {
			at, _ := time.Parse(time.RFC3339Nano, c.CreatedAt)
			if w == "all" || !at.Before(now.Add(-windows[w])) {
				want++
			}
		}
		p := getPage(t, s, "42", "last", w, "page_size", "1")
		if p.TotalCount != want || len(s.Expected("42", "", w)) != want {
			t.Fatalf("%s: served %d, data has %d", w, p.TotalCount, want)
		}
		if want <= prev {
			t.Fatalf("%s has %d calls, not more than the narrower window's %d", w, want, prev)
		}
		prev = want
	}
	if older := len(all) - len(s.Expected("42", "", "90days")); older < 200 {
		t.Fatalf("only %d calls older than 90 days", older)
	}
}

func TestWindowFollowsClock(t *testing.T) {
	now := DefaultNow()
	s := New(Options{Now: func() time.Time { return now }})
	before := getPage(t, s, "42", "last", "7days").TotalCount
	now = now.Add(3 * 24 * time.Hour)
	after := getPage(t, s, "42", "last", "7days").TotalCount
	if after >= before {
		t.Fatalf("7days window did not shrink when the clock moved on: %d -> %d", before, after)
	}
}

func TestLabelFilter(t *testing.T) {
	s := New(Options{})
	all := s.Expected("42", "", "all")
	counts := map[string]int{}
	for _, c := range all {
		counts[c.Label]++
		if c.Tags[0] != c.Label {
			t.Fatalf("call %s: label %q is not its first tag %v", c.ID, c.Label, c.Tags)
		}
	}
	if len(counts) != 3 || counts["production"] <= counts["staging"] || counts["staging"] <= counts["canary"] {
		t.Fatalf("label counts %v", counts)
	}
	for label, n := range counts {
		got := readAll(t, s, "42", label, "all", 100)
		if len(got) != n {
			t.Fatalf("label %s: %d calls, want %d", label, len(got), n)
		}
		for _, c := range got {
			if c.Tags[0] != label {
				t.Fatalf("label %s returned a call tagged %v", label, c.Tags)
			}
		}
	}
	for _, label := range []string{"Production", "prod", "", "staging "} {
		if p := getPage(t, s, "42", "last", "all", "label", label); p.TotalCount != 0 {
			t.Fatalf("label %q matched %d calls; matching must be exact", label, p.TotalCount)
		}
	}
}

// New calls arriving between two page reads push older calls onto later pages.
func TestAddCallsShiftsPages(t *testing.T) {
	s := New(Options{})
	first := getPage(t, s, "42", "page_size", "10", "last", "all")
	s.AddCalls("42", 3)
	second := getPage(t, s, "42", "page_size", "10", "last", "all", "page", "1")
	if second.TotalCount != first.TotalCount+3 {
		t.Fatalf("total %d after AddCalls, want %d", second.TotalCount, first.TotalCount+3)
	}
	if second.CallLogs[3].ID != first.CallLogs[0].ID {
		t.Fatal("the previous newest call is not fourth after 3 new calls")
	}
	page2 := getPage(t, s, "42", "page_size", "10", "last", "all", "page", "2")
	if page2.CallLogs[0].ID != first.CallLogs[7].ID {
		t.Fatal("page 2 does not start where 3 new calls pushed the old page 1")
	}
	day := s.Expected("42", "", "1day")
	for _, c := range second.CallLogs[:3] {
		if _, ok := s.Call(c.ID); !ok {
			t.Fatalf("new call %s not found by id", c.ID)
		}
	}
	if day[0].ID != second.CallLogs[0].ID {
		t.Fatal("new calls are not in the 1day window")
	}
	s.AddCalls("brand-new", 2)
	if p := getPage(t, s, "brand-new"); p.TotalCount != 2 {
		t.Fatalf("AddCalls on a new agent: %d calls", p.TotalCount)
	}
}

func TestSetCalls(t *testing.T) {
	s := New(Options{})
	at := func(d time.Duration) string { return DefaultNow().Add(-d).Format(time.RFC3339Nano) }
	calls := []Call{
		{ID: "b", AgentID: "7", CreatedAt: at(time.Hour), Label: "x", Status: "COMPLETED"},
		{ID: "a", AgentID: "7", CreatedAt: at(time.Hour), Label: "y", Status: "COMPLETED"},
		{ID: "c", AgentID: "7", CreatedAt: at(48 * time.Hour), Label: "x", Status: "QUEUED"},
		{ID: "d", AgentID: "7", CreatedAt: at(time.Minute), Label: "x", Status: "COMPLETED"},
	}
	s.SetCalls("7", calls)
	ids := func(cs []Call) string {
		out := ""
		for _, c := range cs {
			out += c.ID
		}
		return out
	}
	if got := ids(readAll(t, s, "7", "", "all", 1)); got != "dabc" {
		t.Fatalf("order %q, want dabc (newest first, ties by id)", got)
	}
	if got := ids(readAll(t, s, "7", "x", "1day", 2)); got != "db" {
		t.Fatalf("label x, 1day: %q", got)
	}
	if c, ok := s.Call("c"); !ok || c.Status != "QUEUED" {
		t.Fatalf("Call(c) = %+v, %v", c, ok)
	}
	if r := get(t, s, "/v1/retrieve-call-log/c"); r.status != 200 {
		t.Fatalf("retrieve-call-log/c: %d", r.status)
	}
	old := s.Expected("42", "", "all")[0].ID
	s.SetCalls("42", nil)
	if p := getPage(t, s, "42", "last", "all"); p.TotalCount != 0 {
		t.Fatalf("SetCalls(nil) left %d calls", p.TotalCount)
	}
	if _, ok := s.Call(old); ok {
		t.Fatal("a replaced generated call is still found by id")
	}
}

func TestLargeAgentIsLazy(t *testing.T) {
	start := time.Now()
	s := New(Options{Agents: []AgentSpec{{ID: "big", Calls: 100000}}})
	p := getPage(t, s, "big", "last", "all", "page_size", "100", "page", "777")
	if p.TotalCount != 100000 || len(p.CallLogs) != 100 {
		t.Fatalf("%+v", p)
	}
	if p2 := getPage(t, s, "big", "last", "all", "label", "production", "page_size", "100", "page", "1000"); p2.TotalCount != 100000 {
		t.Fatalf("single-label agent: label total %d", p2.TotalCount)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("a 100,000-call agent took %v to start and serve two pages", d)
	}
}
