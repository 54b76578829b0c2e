package bluejay

import (
	"strings"
	"testing"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	protobuf "google.golang.org/protobuf/proto"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// Fuzz targets for the mapping of quals and config onto requests. The seeds (f.Add and
// testdata/fuzz) run with every `go test`; `make fuzz` explores further.

// FuzzWindowCovering: the window is one the API accepts, it reaches back to the bound with the
// slack, and no narrower window would.
func FuzzWindowCovering(f *testing.F) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).UnixNano()
	for _, ago := range []time.Duration{0, time.Hour, 24 * time.Hour, 24*time.Hour - windowSlack, 90 * 24 * time.Hour, -time.Hour} {
		f.Add(now, now-int64(ago))
	}
	f.Add(int64(0), int64(-1<<63))
	f.Add(int64(1<<63-1), int64(-1<<63)) // now - from saturates: a bound centuries back
	f.Fuzz(func(t *testing.T, nowNS, fromNS int64) {
		now, from := time.Unix(0, nowNS), time.Unix(0, fromNS)
		w := windowCovering(now, from)
		if !api.IsWindow(w) {
			t.Fatalf("window %q is not the API's", w)
		}
		ago := now.Sub(from) // saturates rather than wraps
		for i, span := range windowSpans {
			if span.name == w && ago > span.span-windowSlack {
				t.Fatalf("window %s does not reach back %s and the slack", w, ago)
			}
			if span.name == w && i > 0 && ago <= windowSpans[i-1].span-windowSlack {
				t.Fatalf("window %s where %s reaches back %s", w, windowSpans[i-1].name, ago)
			}
		}
		if last := windowSpans[len(windowSpans)-1]; w == "all" && ago <= last.span-windowSlack {
			t.Fatalf("all where %s reaches back %s", last.name, ago)
		}
	})
}

// FuzzPageSizeFor: a page size the API accepts, exactly a small LIMIT.
func FuzzPageSizeFor(f *testing.F) {
	for _, l := range []int64{-1, 0, 1, 7, 99, 100, 101, 1 << 40, -1 << 63} {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, limit int64) {
		n := pageSizeFor(limit)
		if n < 1 || n > api.MaxPageSize {
			t.Fatalf("limit %d: page size %d", limit, n)
		}
		if limit > 0 && limit < api.MaxPageSize && int64(n) != limit {
			t.Fatalf("limit %d: page size %d", limit, n)
		}
	})
}

// FuzzQualValueStrings: any qual value the FDW can send (here, any protobuf bytes) yields the
// strings it holds, flattening lists, without panicking.
func FuzzQualValueStrings(f *testing.F) {
	for _, v := range []*proto.QualValue{
		{Value: &proto.QualValue_StringValue{StringValue: "42"}},
		{Value: &proto.QualValue_Int64Value{Int64Value: 42}},
		{Value: &proto.QualValue_ListValue{ListValue: &proto.QualValueList{Values: []*proto.QualValue{
			{Value: &proto.QualValue_StringValue{StringValue: "a/b"}}, {Value: &proto.QualValue_StringValue{StringValue: ""}}, nil}}}},
		{},
	} {
		b, err := protobuf.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v proto.QualValue
		if protobuf.Unmarshal(b, &v) != nil {
			return
		}
		got := qualValueStrings(&v)
		if s := v.GetStringValue(); s != "" || v.GetValue() != nil && v.GetListValue() == nil {
			if _, isString := v.Value.(*proto.QualValue_StringValue); isString && (len(got) != 1 || got[0] != s) {
				t.Fatalf("string qual %q read as %q", s, got)
			}
		}
		if list := v.GetListValue(); list != nil && len(got) > countStrings(list) {
			t.Fatalf("%d strings from a list holding %d", len(got), countStrings(list))
		}
	})
}

func countStrings(list *proto.QualValueList) int {
	n := 0
	for _, v := range list.Values {
		switch {
		case v.GetListValue() != nil:
			n += countStrings(v.GetListValue())
		default:
			if _, ok := v.GetValue().(*proto.QualValue_StringValue); ok {
				n++
			}
		}
	}
	return n
}

// FuzzResolveSettings: any connection config is either refused with an error naming what to fix,
// or resolves to settings in range. The error is the same whatever the key is, so it cannot
// carry the key.
func FuzzResolveSettings(f *testing.F) {
	f.Add("secret-key", "https://api.getbluejay.ai", "7days", "42", 8, 5, "30s", "2m")
	f.Add("", "http://localhost:8000/prefix/", "all", "", 0, -1, "0s", "-1m")
	f.Add("k", "api.getbluejay.ai", "2days", " ", 51, 21, "forever", "1h")
	f.Add("k\n", "https://user:pw@h?x#y", "1day", "☎", 1, 0, "1ns", "9223372036s")
	f.Fuzz(func(t *testing.T, key, base, last, agent string, conc, retries int, timeout, retryTime string) {
		t.Setenv(envAPIKey, "")
		t.Setenv(envBaseURL, "")
		config := func(key string) bluejayConfig {
			return bluejayConfig{APIKey: &key, BaseURL: &base, Last: &last, AgentIDs: []string{agent},
				MaxConcurrency: &conc, MaxRetries: &retries, RequestTimeout: &timeout, MaxRetryTime: &retryTime}
		}
		s, err := resolveSettings(config(key))
		_, other := resolveSettings(config("another key"))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "connection config: ") {
				t.Fatalf("error %q does not say it is the connection config", err)
			}
			if other == nil || other.Error() != err.Error() {
				t.Fatalf("the error depends on the key: %q", err)
			}
			return
		}
		if _, err := api.ParseBaseURL(s.BaseURL); err != nil || !api.IsWindow(s.Last) ||
			s.MaxConcurrency < 1 || s.MaxConcurrency > maxMaxConcurrency || s.MaxRetries < 0 || s.MaxRetries > maxMaxRetries ||
			s.RequestTimeout < 0 || s.MaxRetryTime < 0 || len(s.AgentIDs) != 1 {
			t.Fatalf("settings out of range: %s", redacted(s))
		}
	})
}
