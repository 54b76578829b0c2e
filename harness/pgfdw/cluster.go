// Package pgfdw runs SQL through Steampipe's Postgres FDW built for this plugin (`make fdw`), in
// a throwaway PostgreSQL server: the planner, the quals and the row conversion that Steampipe
// users get. Tests, the docs tests and the benchmark share it.
//
// In the FDW's standalone mode the plugin runs inside each PostgreSQL backend, so every
// database connection is a fresh plugin: its own page memo, its own SDK query cache.
package pgfdw

import (
	"context"
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
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// Extension is the name `make fdw` installs the FDW under.
const Extension = "steampipe_postgres_bluejay"

// EnvRequire makes a missing FDW or PostgreSQL a failure rather than a skip; CI sets it.
const EnvRequire = "BLUEJAY_REQUIRE_FDW"

// ErrNotInstalled says the machine lacks PostgreSQL or the FDW extension.
var ErrNotInstalled = errors.New("pgfdw: not installed")

// ClusterOptions configure a throwaway server.
type ClusterOptions struct {
	// Env is added to the server's environment, which the plugin inside each backend reads
	// (BLUEJAY_API_KEY, STEAMPIPE_LOG_LEVEL, ...).
	Env []string
	// JIT leaves PostgreSQL's JIT compiler on, as a stock server has it. The FDW's cost
	// estimates (a million rows a scan) put every query over jit_above_cost, and compiling it
	// costs tens of milliseconds a query (docs/performance.md), so it is off unless asked for.
	JIT bool
	// TCP makes the server listen on 127.0.0.1 too, at a free port, for clients that build
	// their connection from a host and a port (Powerpipe's connection blocks).
	TCP bool
}

// Cluster is a throwaway PostgreSQL server on a Unix socket in a temp dir.
type Cluster struct {
	bin  string
	dir  string
	cmd  *exec.Cmd
	cred *syscall.Credential
	port int
}

// BinDir finds the server binaries of the PostgreSQL that pg_config names (the one `make fdw`
// installs into), else the newest under /usr/lib/postgresql.
func BinDir() string {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	return ""
}

func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Installed reports whether PostgreSQL and the FDW extension are there, with what is missing.
func Installed() error {
	if BinDir() == "" {
		return fmt.Errorf("%w: no PostgreSQL server binaries (Debian: apt-get install postgresql-15)", ErrNotInstalled)
	}
	out, err := exec.Command("pg_config", "--pkglibdir").Output()
	if err != nil {
		return fmt.Errorf("%w: no pg_config (Debian: apt-get install postgresql-server-dev-15)", ErrNotInstalled)
	}
	so := filepath.Join(strings.TrimSpace(string(out)), Extension+".so")
	if _, err := os.Stat(so); err != nil {
		return fmt.Errorf("%w: no %s: run `make fdw`", ErrNotInstalled, so)
	}
	return nil
}

// StartCluster initialises and starts a server. It stops with the process that started it.
func StartCluster(opts ClusterOptions) (*Cluster, error) {
	if err := Installed(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "bluejay-pgfdw-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: BinDir(), dir: dir, port: 5432}
	if err := c.start(opts); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(opts ClusterOptions) error {
	if err := c.runAsPostgresUser(); err != nil {
		return err
	}
	data := filepath.Join(c.dir, "data")
	initdb := c.command(nil, "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	logFile, err := os.Create(c.LogPath())
	if err != nil {
		return err
	}
	listen := ""
	if opts.TCP {
		if c.port, err = harness.FreePort(); err != nil {
			return err
		}
		listen = "127.0.0.1"
	}
	c.cmd = c.command(opts.Env, "postgres", "-D", data, "-k", c.dir, "-c", "listen_addresses="+listen, "-p", strconv.Itoa(c.port),
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "TimeZone=UTC", "-c", "max_connections=300", "-c", "jit="+strconv.FormatBool(opts.JIT))
	c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	stopWithParent(c.cmd.SysProcAttr)
	// Linux sends the parent-death signal when the thread that started the server exits, and Go
	// may end a thread: start it from one that lives as long as the process.
	started := make(chan error)
	go func() {
		runtime.LockOSThread()
		started <- c.cmd.Start()
		select {}
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	return c.waitReady(30 * time.Second)
}

// runAsPostgresUser: PostgreSQL refuses to run as root, so as root it runs as postgres.
func (c *Cluster) runAsPostgresUser() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root and there is no postgres user to run the server as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	return os.Chown(c.dir, uid, gid)
}

func (c *Cluster) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		conn, err := c.connect(context.Background(), "postgres")
		if err == nil {
			return conn.Close(context.Background())
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(c.LogPath())
			return fmt.Errorf("postgres did not start in %s: %w\n%s", limit, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *Cluster) command(env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	cmd.Env = append(append(os.Environ(), "LC_ALL=C"), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred, Setpgid: true}
	return cmd
}

// Port is the server's port: its TCP port with ClusterOptions.TCP, else its socket's number.
func (c *Cluster) Port() int { return c.port }

// LogPath is the server's log: the plugin's log lines land there too.
func (c *Cluster) LogPath() string { return filepath.Join(c.dir, "server.log") }

func (c *Cluster) connect(ctx context.Context, database string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", c.dir, c.port, database))
	if err != nil {
		return nil, err
	}
	return pgx.ConnectConfig(ctx, cfg)
}

// Stop shuts the server down and removes its files.
func (c *Cluster) Stop() {
	if c.cmd != nil && c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(syscall.SIGINT) // fast shutdown
		done := make(chan struct{})
		go func() { _ = c.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = c.cmd.Process.Kill()
		}
	}
	_ = os.RemoveAll(c.dir)
}

// IsNotInstalled reports whether err says PostgreSQL or the FDW is missing.
func IsNotInstalled(err error) bool { return errors.Is(err, ErrNotInstalled) }
