package engine

import (
	"slices"
	"strings"
	"testing"
)

func TestParseConnection(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
		err       string
	}{
		{
			name: "steampipe block, plugin dropped",
			src:  "connection \"bluejay\" {\n  plugin  = \"local/bluejay\"\n  # key\n  api_key = \"bj_1\"\n  agent_ids = [\"42\",\n    \"7\"]\n  options \"connection\" {\n    cache = false\n  }\n}\n",
			want: []string{`api_key = "bj_1"`, "agent_ids = [\"42\",\n    \"7\"]"},
		},
		{
			name: "bare body",
			src:  "base_url = \"http://127.0.0.1:1\"\nlast = \"7days\"\n",
			want: []string{`base_url = "http://127.0.0.1:1"`, `last = "7days"`},
		},
		{
			name: "named among several",
			src:  "connection \"other\" {\n  last = \"1day\"\n}\nconnection \"bluejay\" {\n  last = \"30days\"\n}\n",
			want: []string{`last = "30days"`},
		},
		{name: "empty", src: ""},
		{
			name: "no such connection",
			src:  "connection \"a\" {}\nconnection \"b\" {}\n",
			err:  `no connection "bluejay" among "a", "b"`,
		},
		{name: "syntax", src: "api_key = ", err: "connection config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, err := ParseConnection(tc.src, "bluejay")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want error %q, got %v", tc.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Split(strings.TrimSuffix(body.Text, "\n"), "\n")
			if body.Text == "" {
				got = nil
			}
			if want := strings.Split(strings.Join(tc.want, "\n"), "\n"); len(tc.want) > 0 && !slices.Equal(got, want) {
				t.Errorf("body\n%s\nwant\n%s", body.Text, strings.Join(tc.want, "\n"))
			}
			if body.Has("plugin") {
				t.Error("plugin kept")
			}
		})
	}
}
