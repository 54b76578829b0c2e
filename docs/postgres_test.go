package docs_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The Postgres examples run in a real PostgreSQL server (the one the machine image ships), over
// temporary tables holding the rows the plugin returned for each scan of the example: what
// Steampipe's foreign tables would hand Postgres for the same qualifiers. A server is started
// once per test run, on a Unix socket in a temp dir, and stopped at the end.

// envRequirePostgres makes a missing PostgreSQL a failure instead of a skip; CI sets it.
const envRequirePostgres = "BLUEJAY_DOCS_REQUIRE_POSTGRES"

var errNoPostgres = errors.New("no PostgreSQL server binaries (initdb, postgres) on this machine")

type pgServer struct {
	bin  string // directory of initdb, postgres
	dir  string // data dir's parent and socket dir
	cmd  *exec.Cmd
	cred *syscall.Credential
}

var (
	pgOnce sync.Once
	pg     *pgServer
	pgErr  error
)

func postgres() (*pgServer, error) {
	pgOnce.Do(func() {
		pg, pgErr = startPostgres()
		if pgErr != nil && pg != nil {
			pg.stop()
			pg = nil
		}
	})
	return pg, pgErr
}

func pgBinDir() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	return ""
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func startPostgres() (*pgServer, error) {
	bin := pgBinDir()
	if bin == "" {
		return nil, errNoPostgres
	}
	dir, err := os.MkdirTemp("", "bluejay-docs-pg-")
	if err != nil {
		return nil, err
	}
	s := &pgServer{bin: bin, dir: dir}
	// PostgreSQL refuses to run as root: as root, run it as the postgres user.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return s, fmt.Errorf("running as root and there is no postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return s, err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := s.command("initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		return s, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return s, err
	}
	s.cmd = s.command("postgres", "-D", data, "-k", dir, "-c", "listen_addresses=", "-p", "5432",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "TimeZone=UTC")
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	stopWithParent(s.cmd.SysProcAttr)
	// Linux sends the parent-death signal when the thread that started the server exits, and
	// Go may end a thread; start it from a thread that lives as long as the test process.
	started := make(chan error)
	go func() {
		runtime.LockOSThread()
		started <- s.cmd.Start()
		select {}
	}()
	if err := <-started; err != nil {
		return s, fmt.Errorf("start postgres: %w", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := s.psql("select 1"); err == nil {
			return s, nil
		} else if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			return s, fmt.Errorf("postgres did not start in 30s: %w\n%s", err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *pgServer) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Setpgid: true}
	return cmd
}

// psql runs a script and returns what it printed (CSV for queries).
func (s *pgServer) psql(script string) (string, error) {
	psql := filepath.Join(s.bin, "psql")
	if _, err := os.Stat(psql); err != nil {
		psql = "psql"
	}
	cmd := exec.Command(psql, "-X", "-q", "--csv", "-v", "ON_ERROR_STOP=1", "-h", s.dir, "-p", "5432", "-U", "postgres", "-d", "postgres", "-f", "-")
	cmd.Stdin = strings.NewReader(script)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("psql: %w: %s", err, strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}

func (s *pgServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGINT) // fast shutdown
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	}
	_ = os.RemoveAll(s.dir)
}

func stopPostgres() {
	if pg != nil {
		pg.stop()
	}
}

// pgTypes maps the plugin's column types to the types Steampipe's foreign tables use.
var pgTypes = map[string]string{
	"BOOL":      "boolean",
	"INT":       "bigint",
	"DOUBLE":    "double precision",
	"STRING":    "text",
	"JSON":      "jsonb",
	"DATETIME":  "timestamptz",
	"TIMESTAMP": "timestamptz",
	"IPADDR":    "inet",
	"CIDR":      "cidr",
	"INET":      "inet",
	"LTREE":     "text",
}

// pgScript builds the script that loads each scan's rows into a temporary table and runs the
// example over them, all in one transaction that is rolled back.
func pgScript(a *analysis, sql string, schema map[string]*tableSchema, rows map[*fromItem][]map[string]any) (string, error) {
	var b strings.Builder
	b.WriteString("begin;\n")
	names := map[*fromItem]string{}
	for i, it := range a.items {
		name := fmt.Sprintf("scan_%d_%s", i+1, it.name)
		names[it] = name
		ts := schema[it.name]
		var cols []string
		for _, c := range ts.Order {
			typ, ok := pgTypes[ts.Columns[c]]
			if !ok {
				return "", fmt.Errorf("column %s.%s: no Postgres type for %s", it.name, c, ts.Columns[c])
			}
			cols = append(cols, fmt.Sprintf("%q %s", c, typ))
		}
		fmt.Fprintf(&b, "create temp table %q (%s);\n", name, strings.Join(cols, ", "))
		if len(rows[it]) == 0 {
			continue
		}
		data, err := json.Marshal(rows[it])
		if err != nil {
			return "", fmt.Errorf("rows of %s: %w", it.name, err)
		}
		tag := "$rows$"
		for n := 0; bytes.Contains(data, []byte(tag)); n++ {
			tag = fmt.Sprintf("$rows%d$", n)
		}
		fmt.Fprintf(&b, "insert into %q select * from json_populate_recordset(null::%q, %s%s%s);\n", name, name, tag, data, tag)
	}
	query := strings.TrimRight(strings.TrimSpace(a.rewrite(sql, func(it *fromItem) string { return strconv.Quote(names[it]) })), ";")
	b.WriteString(query)
	b.WriteString(";\nrollback;\n")
	return b.String(), nil
}

// pgRows runs a script built by pgScript and returns the query's rows (header first).
func (s *pgServer) rows(script string) ([][]string, error) {
	out, err := s.psql(script)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read psql's CSV: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("psql printed no header")
	}
	return recs, nil
}
