package pgfdw

import (
	"testing"
	"time"
)

// Lines as PostgreSQL 15 writes them with LogStatements' settings (from a diagnostic run).
func TestParsePhase(t *testing.T) {
	at := time.Date(2026, 12, 5, 13, 40, 6, 488e6, time.UTC)
	cases := []struct {
		line string
		want LoggedPhase
		ok   bool
	}{
		{"2026-12-05 13:40:06.488 UTC [11529] LOG:  duration: 273.889 ms  bind stmtcache_fa4f: with production as materialized (",
			LoggedPhase{At: at, PID: 11529, Kind: "bind", Duration: 273889 * time.Microsecond}, true},
		{"2026-12-05 13:40:06.488 UTC [11529] LOG:  duration: 0.020 ms  statement: -- ping",
			LoggedPhase{At: at, PID: 11529, Kind: "statement", Duration: 20 * time.Microsecond}, true},
		{"2026-12-05 13:40:06.488 UTC [11523] LOG:  connection received: host=127.0.0.1 port=36940",
			LoggedPhase{At: at, PID: 11523, Kind: "connection"}, true},
		{"2026-12-05 13:40:06.488 UTC [11524] LOG:  connection authorized: user=postgres database=bluejay_1", LoggedPhase{}, false},
		{"2026-12-05 13:40:06.488 UTC [11529] DETAIL:  parameters: $1 = '7days', $2 = '7'", LoggedPhase{}, false},
		{"\t  select agent_id, count(*) as calls", LoggedPhase{}, false},
	}
	for _, c := range cases {
		got, ok := parsePhase(c.line)
		if ok != c.ok || !got.At.Equal(c.want.At) && c.ok || got.PID != c.want.PID || got.Kind != c.want.Kind || got.Duration != c.want.Duration {
			t.Errorf("parsePhase(%q) = %+v, %v; want %+v, %v", c.line, got, ok, c.want, c.ok)
		}
	}
}
