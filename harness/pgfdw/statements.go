package pgfdw

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"time"
)

// LogStatements turns on (or off) the server's log of every connection and every statement's
// phases with their durations, for a diagnostic run: ReadStatementLog reads it back. It costs a
// log line a phase, so benchmarks leave it off.
func (c *Cluster) LogStatements(ctx context.Context, on bool) error {
	conn, err := c.connect(ctx, "postgres")
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(ctx) }()
	set := []string{
		"alter system set log_min_duration_statement = 0",
		"alter system set log_connections = on",
		"alter system set log_line_prefix = '%m [%p] '",
	}
	if !on {
		set = []string{"alter system reset log_min_duration_statement", "alter system reset log_connections", "alter system reset log_line_prefix"}
	}
	for _, sql := range append(set, "select pg_reload_conf()") {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return fmt.Errorf("%s: %w", sql, err)
		}
	}
	return nil
}

// LogSize is where the server's log ends now: ReadStatementLog from there reads what follows.
func (c *Cluster) LogSize() (int64, error) {
	st, err := os.Stat(c.LogPath())
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// LoggedPhase is one line of the statement log: a connection arriving, or a statement's phase
// (parse, bind, execute, or a simple-protocol statement) ending, with how long it took.
type LoggedPhase struct {
	At       time.Time
	PID      int
	Kind     string // "connection" or "parse", "bind", "execute", "statement"
	Duration time.Duration
}

var (
	logLine      = regexp.MustCompile(`^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+) \[(\d+)\] LOG:  (.*)$`)
	durationLine = regexp.MustCompile(`^duration: ([\d.]+) ms  (parse|bind|execute|statement)`)
)

// ReadStatementLog reads the log LogStatements turned on, from offset (LogSize before the run).
func (c *Cluster) ReadStatementLog(offset int64) ([]LoggedPhase, error) {
	f, err := os.Open(c.LogPath())
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil, err
	}
	var phases []LoggedPhase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if p, ok := parsePhase(sc.Text()); ok {
			phases = append(phases, p)
		}
	}
	return phases, sc.Err()
}

func parsePhase(line string) (LoggedPhase, bool) {
	m := logLine.FindStringSubmatch(line)
	if m == nil {
		return LoggedPhase{}, false
	}
	at, err := time.Parse("2006-01-02 15:04:05.000 MST", m[1])
	if err != nil {
		return LoggedPhase{}, false
	}
	pid, _ := strconv.Atoi(m[2])
	p := LoggedPhase{At: at, PID: pid}
	if d := durationLine.FindStringSubmatch(m[3]); d != nil {
		ms, _ := strconv.ParseFloat(d[1], 64)
		p.Kind, p.Duration = d[2], time.Duration(ms*float64(time.Millisecond))
		return p, true
	}
	if len(m[3]) >= 19 && m[3][:19] == "connection received" {
		p.Kind = "connection"
		return p, true
	}
	return LoggedPhase{}, false
}
