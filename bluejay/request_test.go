package bluejay

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

func TestWindowCoveringPicksTheNarrowestWindowWithSlack(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		ago  time.Duration
		want string
	}{
		{time.Hour, "1day"},
		{23*time.Hour + 55*time.Minute, "1day"},
		{23*time.Hour + 56*time.Minute, "3days"},
		{24 * time.Hour, "3days"},
		{2 * 24 * time.Hour, "3days"}, // the example: now() - interval '2 days' reads 3days
		{3 * 24 * time.Hour, "7days"},
		{6 * 24 * time.Hour, "7days"},
		{7 * 24 * time.Hour, "30days"},
		{29 * 24 * time.Hour, "30days"},
		{30 * 24 * time.Hour, "90days"},
		{89 * 24 * time.Hour, "90days"},
		{90 * 24 * time.Hour, "all"},
		{365 * 24 * time.Hour, "all"},
		{-time.Hour, "1day"}, // a bound in the future still needs the newest window
	}
	for _, c := range cases {
		if got := windowCovering(now, now.Add(-c.ago)); got != c.want {
			t.Errorf("bound %s ago: window %s, want %s", c.ago, got, c.want)
		}
	}
}

// Every bound from one hour to one year ago, hour by hour: the window chosen covers the bound
// with the slack, and no narrower window would.
func TestWindowCoveringEveryHourToAYear(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	span := map[string]time.Duration{}
	for _, w := range windowSpans {
		span[w.name] = w.span
	}
	for h := 1; h <= 365*24; h++ {
		ago := time.Duration(h) * time.Hour
		got := windowCovering(now, now.Add(-ago))
		need := ago + windowSlack
		if s, ok := span[got]; ok && s < need {
			t.Fatalf("%dh ago: %s (%s) does not cover %s", h, got, s, need)
		}
		for _, w := range windowSpans {
			if w.span >= need && w.span < spanOrInf(span, got) {
				t.Fatalf("%dh ago: chose %s but narrower %s covers it", h, got, w.name)
			}
		}
	}
}

func spanOrInf(span map[string]time.Duration, name string) time.Duration {
	if s, ok := span[name]; ok {
		return s
	}
	return time.Duration(1<<63 - 1)
}

func TestPageSizeFollowsSmallLimits(t *testing.T) {
	for _, c := range []struct {
		limit int64
		want  int
	}{{-1, 100}, {1, 1}, {7, 7}, {99, 99}, {100, 100}, {250, 100}} {
		if got := pageSizeFor(c.limit); got != c.want {
			t.Errorf("limit %d: page_size %d, want %d", c.limit, got, c.want)
		}
	}
}

func TestResolveSettingsNamesTheFieldAndTheFix(t *testing.T) {
	t.Setenv(envAPIKey, "")
	t.Setenv(envBaseURL, "")
	str := func(s string) *string { return &s }
	num := func(n int) *int { return &n }
	cases := []struct {
		name string
		cfg  bluejayConfig
		want string
	}{
		{"bad last", bluejayConfig{Last: str("2days")}, `last = "2days" is not a window the API accepts; use one of '1day', '3days', '7days', '30days', '90days', 'all'`},
		{"no scheme", bluejayConfig{BaseURL: str("api.getbluejay.ai")}, `base_url "api.getbluejay.ai" must be an absolute URL`},
		{"http off loopback", bluejayConfig{BaseURL: str("http://api.getbluejay.ai")}, "plain http to a host that is not loopback; use https"},
		{"zero concurrency", bluejayConfig{MaxConcurrency: num(0)}, "max_concurrency = 0 is out of range; use 1 (one page at a time) to 50"},
		{"bad timeout", bluejayConfig{RequestTimeout: str("soon")}, `request_timeout = "soon" is not a positive duration`},
		{"empty agent", bluejayConfig{AgentIDs: []string{"42", " "}}, "agent_ids[1] is empty"},
		{"negative retries", bluejayConfig{MaxRetries: num(-1)}, "max_retries = -1 is out of range"},
	}
	for _, c := range cases {
		_, err := resolveSettings(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestResolveSettingsFallsBackToEnvironmentThenDefaults(t *testing.T) {
	t.Setenv(envAPIKey, "from-env")
	t.Setenv(envBaseURL, "http://127.0.0.1:9999")
	s, err := resolveSettings(bluejayConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if s.APIKey != "from-env" || s.BaseURL != "http://127.0.0.1:9999" || s.Last != "all" || s.MaxConcurrency != 8 || s.MaxRetries != 5 {
		t.Fatalf("unexpected settings %+v", redacted(s))
	}
	key := "from-config"
	s, err = resolveSettings(bluejayConfig{APIKey: &key})
	if err != nil || s.APIKey != "from-config" {
		t.Fatalf("config key should win over env: %v %+v", err, redacted(s))
	}
	t.Setenv(envAPIKey, "")
	s, _ = resolveSettings(bluejayConfig{})
	err = s.requireAPIKey()
	if err == nil || !strings.Contains(err.Error(), "api_key") || !strings.Contains(err.Error(), "BLUEJAY_API_KEY") {
		t.Fatalf("missing key error must name both places: %v", err)
	}
}

func redacted(s settings) string {
	s.APIKey = fmt.Sprintf("<%d chars>", len(s.APIKey))
	return fmt.Sprintf("%+v", s)
}

// TestAnInListMemberChecksTheWholeList: the SDK runs `agent_id in ('42', ”)` as one list call
// per value. The call for '42' sees only '42' in EqualsQuals, and must still refuse the query
// from the whole list in QueryContext, before it sends a request.
func TestAnInListMemberChecksTheWholeList(t *testing.T) {
	str := func(s string) *proto.QualValue {
		return &proto.QualValue{Value: &proto.QualValue_StringValue{StringValue: s}}
	}
	list := &proto.QualValue{Value: &proto.QualValue_ListValue{ListValue: &proto.QualValueList{Values: []*proto.QualValue{str("42"), str("")}}}}
	for _, column := range []string{colAgentID, colLabel} {
		d := &plugin.QueryData{
			EqualsQuals: map[string]*proto.QualValue{colAgentID: str("42"), column: str("42")},
			QueryContext: &plugin.QueryContext{UnsafeQuals: map[string]*proto.Quals{column: {Quals: []*proto.Qual{{
				FieldName: column, Operator: &proto.Qual_StringValue{StringValue: "="}, Value: list,
			}}}}},
		}
		_, err := scanRequestFor(d, settings{}, time.Now())
		if err == nil || !strings.Contains(err.Error(), column+" = '' matches no call") {
			t.Errorf("%s in ('42', ''), the call for '42': error %v", column, err)
		}
	}
}

// TestANullInAnAgentListIsNoAgent: `agent_id = any('{42,NULL}')` reaches the list call for '42'
// with the whole list, NULL as nil, in QueryContext; the check of the whole list reads the NULL
// as no value rather than failing on it.
func TestANullInAnAgentListIsNoAgent(t *testing.T) {
	str := &proto.QualValue{Value: &proto.QualValue_StringValue{StringValue: "42"}}
	list := &proto.QualValue{Value: &proto.QualValue_ListValue{ListValue: &proto.QualValueList{Values: []*proto.QualValue{str, nil, {}}}}}
	d := &plugin.QueryData{
		EqualsQuals: map[string]*proto.QualValue{colAgentID: str},
		QueryContext: &plugin.QueryContext{UnsafeQuals: map[string]*proto.Quals{colAgentID: {Quals: []*proto.Qual{{
			FieldName: colAgentID, Operator: &proto.Qual_StringValue{StringValue: "="}, Value: list,
		}}}}},
	}
	r, err := scanRequestFor(d, settings{}, time.Now())
	if err != nil || fmt.Sprint(r.AgentIDs) != "[42]" {
		t.Fatalf("agents %v, error %v; want agent 42 and no error", r.AgentIDs, err)
	}
}

// TestTheFDWsPlaceholderIsRefused: `agent_id = (select ...)` reaches the plugin through
// Steampipe's Postgres FDW as agent_id = '?' (it reads the value before PostgreSQL computes it);
// read, it would be no rows. It is refused, for agent_id and label, alone or in a list.
func TestTheFDWsPlaceholderIsRefused(t *testing.T) {
	str := func(s string) *proto.QualValue {
		return &proto.QualValue{Value: &proto.QualValue_StringValue{StringValue: s}}
	}
	list := &proto.QualValue{Value: &proto.QualValue_ListValue{ListValue: &proto.QualValueList{Values: []*proto.QualValue{str("42"), str("?")}}}}
	for _, column := range []string{colAgentID, colLabel} {
		for _, v := range []*proto.QualValue{str("?"), list} {
			d := &plugin.QueryData{EqualsQuals: map[string]*proto.QualValue{column: v}}
			_, err := scanRequestFor(d, settings{}, time.Now())
			want := column + " = '?' is what Steampipe's Postgres FDW sends for a value it has not computed yet, such as " + column + " = (select ...)"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s = %v: error %v, want it to say %q", column, v, err, want)
			}
		}
	}
}
