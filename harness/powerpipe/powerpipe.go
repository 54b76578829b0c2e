// Package powerpipe runs the project's mod in Powerpipe (`make powerpipe`), the engine Steampipe
// users run mods with, against a PostgreSQL holding the plugin's foreign tables (harness/pgfdw).
// Tests and benchmarks share it.
//
// Every run gets its own install directory, so Powerpipe never reads or writes the user's
// ~/.powerpipe, never checks for updates and sends no telemetry.
package powerpipe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// EnvRequire makes a missing Powerpipe (or its dashboard UI) a failure rather than a skip; CI
// sets it.
const EnvRequire = "BLUEJAY_REQUIRE_POWERPIPE"

// EnvBinary points at a Powerpipe binary other than the one `make powerpipe` links.
const EnvBinary = "BLUEJAY_POWERPIPE"

// ErrNotInstalled says the machine lacks Powerpipe or its dashboard UI.
var ErrNotInstalled = errors.New("powerpipe: not installed")

// Binary is $BLUEJAY_POWERPIPE, else bin/powerpipe, which `make powerpipe` links.
func Binary() (string, error) {
	if p := os.Getenv(EnvBinary); p != "" {
		return p, executable(p)
	}
	return fromBin("powerpipe", "run `make powerpipe`")
}

// Assets is bin/dashboard-assets, the dashboard UI `make dashboard-assets` builds.
func Assets() (string, error) {
	dir, err := fromBin("dashboard-assets", "run `make dashboard-assets`")
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return "", fmt.Errorf("%w: no index.html in %s: run `make dashboard-assets`", ErrNotInstalled, dir)
	}
	return dir, nil
}

func fromBin(name, fix string) (string, error) {
	root, err := harness.ModuleRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "bin", name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%w: no %s: %s", ErrNotInstalled, p, fix)
	}
	return p, nil
}

func executable(p string) error {
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		return fmt.Errorf("%w: %s=%q is not a file", ErrNotInstalled, EnvBinary, p)
	}
	return nil
}

// IsNotInstalled reports whether err says Powerpipe or its UI is missing.
func IsNotInstalled(err error) bool { return errors.Is(err, ErrNotInstalled) }

// Database is the PostgreSQL Powerpipe queries: the one holding the plugin's foreign tables.
type Database struct {
	Host             string
	Port             int
	Name             string
	User             string
	SearchPathPrefix []string
}

// Options configure a Powerpipe.
type Options struct {
	// ModDir is the mod to run: the repository's mod/ unless set.
	ModDir string
	// Database is written as the default connection of a .ppc file in the install directory,
	// the form Powerpipe prefers to the deprecated --database.
	Database Database
	// Assets installs the dashboard UI (Assets()), which `powerpipe server` needs.
	Assets bool
}

// Powerpipe runs commands of one Powerpipe binary with its own install directory.
type Powerpipe struct {
	Bin        string
	InstallDir string
	ModDir     string
}

// New makes a fresh install directory holding the connection; Close removes it.
func New(opts Options) (*Powerpipe, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	if opts.ModDir == "" {
		root, err := harness.ModuleRoot()
		if err != nil {
			return nil, err
		}
		opts.ModDir = filepath.Join(root, "mod")
	}
	dir, err := os.MkdirTemp("", "bluejay-powerpipe-")
	if err != nil {
		return nil, err
	}
	p := &Powerpipe{Bin: bin, InstallDir: dir, ModDir: opts.ModDir}
	if err := p.writeConnection(opts.Database); err != nil {
		p.Close()
		return nil, err
	}
	if opts.Assets {
		if err := p.copyAssets(); err != nil {
			p.Close()
			return nil, err
		}
	}
	return p, nil
}

// ConnectionConfig is the .ppc file New writes: Steampipe's default connection, pointed at db.
func ConnectionConfig(db Database) string {
	quoted := make([]string, len(db.SearchPathPrefix))
	for i, s := range db.SearchPathPrefix {
		quoted[i] = strconv.Quote(s)
	}
	return fmt.Sprintf(`connection "steampipe" "default" {
  host               = %q
  port               = %d
  db                 = %q
  username           = %q
  search_path_prefix = [%s]
}
`, db.Host, db.Port, db.Name, db.User, strings.Join(quoted, ", "))
}

func (p *Powerpipe) writeConnection(db Database) error {
	dir := filepath.Join(p.InstallDir, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "bluejay.ppc"), []byte(ConnectionConfig(db)), 0o644)
}

// copyAssets puts the UI where a Powerpipe built from source reads it (builtBy "local"):
// dashboard/assets under the install directory. A copy, not a link: Powerpipe's check that the
// assets are there does not follow a symlinked directory.
func (p *Powerpipe) copyAssets() error {
	src, err := Assets()
	if err != nil {
		return err
	}
	return os.CopyFS(filepath.Join(p.InstallDir, "dashboard", "assets"), os.DirFS(src))
}

// Close removes the install directory.
func (p *Powerpipe) Close() { _ = os.RemoveAll(p.InstallDir) }

// Result is one command's output and exit status.
type Result struct {
	Stdout, Stderr []byte
	Exit           int
}

// Run runs `powerpipe args...` in the mod's directory and waits for it. err is set only when
// the command could not run or was cancelled; a non-zero exit status is in Result.
func (p *Powerpipe) Run(ctx context.Context, args ...string) (*Result, error) {
	cmd := p.Command(ctx, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	res := &Result{Stdout: out.Bytes(), Stderr: errOut.Bytes()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && ctx.Err() == nil:
		res.Exit = exit.ExitCode()
	case err != nil:
		return res, fmt.Errorf("powerpipe %s: %w\n%s", strings.Join(args, " "), err, errOut.Bytes())
	}
	return res, nil
}

// Command is `powerpipe args...` in the mod's directory with the install directory's
// environment, for a caller that starts it itself (powerpipe server).
func (p *Powerpipe) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, p.Bin, args...)
	cmd.Dir = p.ModDir
	cmd.Env = append(os.Environ(), p.Env()...)
	// Its own process group, so that cancelling it stops whatever it started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return cmd
}

// Env keeps Powerpipe inside its install directory and quiet: no update check, no telemetry.
func (p *Powerpipe) Env() []string {
	return []string{
		"POWERPIPE_INSTALL_DIR=" + p.InstallDir,
		"POWERPIPE_UPDATE_CHECK=false",
		"POWERPIPE_TELEMETRY=none",
	}
}

// Chromium is Debian's chromium, which the browser test drives headless.
func Chromium() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: no chromium (Debian: apt-get install chromium)", ErrNotInstalled)
}
