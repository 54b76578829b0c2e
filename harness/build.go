// Package harness drives a built Steampipe plugin binary over the same
// go-plugin/gRPC protocol the Steampipe CLI and its Postgres FDW use, so that
// end-to-end tests and the benchmark command exercise exactly what a user's
// `steampipe query` would: a separate process, the SDK handshake, connection
// configs sent as HCL, Execute streams with quals/limit/cache flags.
//
// It is an ordinary (non-test) package so both _test.go files and a main
// package can import it.
package harness

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// ModulePath is the module whose main package Build compiles. ModuleRoot
// checks go.mod against it so we never build some other module by accident
// (e.g. when a binary using the harness is run from an unrelated directory).
const ModulePath = "github.com/bluejay-community/steampipe-plugin-bluejay"

// EnvBuildFlags adds flags to every `go build` the harness runs, split on
// whitespace, e.g. "-race" to run the plugin itself under the race detector
// in end-to-end tests.
const EnvBuildFlags = "BLUEJAY_PLUGIN_BUILD_FLAGS"

// EnvPluginBinary overrides Build: when set, Build returns it as is, so CI or
// a benchmark can point the harness at a pre-built (e.g. release) binary.
const EnvPluginBinary = "BLUEJAY_PLUGIN_BINARY"

type buildResult struct {
	once sync.Once
	path string
	err  error
}

var (
	buildsMu sync.Mutex
	builds   = map[string]*buildResult{}
	tempDirs []string
)

// Build compiles the plugin's main package (the module root, ".") once per
// process and returns the binary path. If BLUEJAY_PLUGIN_BINARY is set, that
// path is returned instead and nothing is compiled.
func Build() (string, error) {
	if p := os.Getenv(EnvPluginBinary); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("harness: %s=%q: %w", EnvPluginBinary, p, err)
		}
		return p, nil
	}
	return BuildPackage(".")
}

// BuildPackage compiles the main package pkg (a path relative to the module
// root, like "." or "./harness/testdata/miniplugin") into a fresh temp dir,
// once per process per pkg, and returns the binary path. Concurrent callers
// for the same pkg wait for the single build. The first build of the SDK takes
// about a minute; later ones hit the Go build cache.
func BuildPackage(pkg string) (string, error) {
	buildsMu.Lock()
	b, ok := builds[pkg]
	if !ok {
		b = &buildResult{}
		builds[pkg] = b
	}
	buildsMu.Unlock()

	b.once.Do(func() { b.path, b.err = buildPackage(pkg) })
	return b.path, b.err
}

func buildPackage(pkg string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "bluejay-harness-build-")
	if err != nil {
		return "", fmt.Errorf("harness: temp dir: %w", err)
	}
	buildsMu.Lock()
	tempDirs = append(tempDirs, dir)
	buildsMu.Unlock()

	// Name the binary like a Steampipe plugin; go-plugin names the plugin's
	// log lines after the binary's base name.
	name := filepath.Base(filepath.Join(root, pkg))
	if pkg == "." || pkg == "./" {
		name = "steampipe-plugin-bluejay"
	}
	out := filepath.Join(dir, name+".plugin")

	args := append([]string{"build"}, strings.Fields(os.Getenv(EnvBuildFlags))...)
	args = append(args, "-o", out, pkg)
	cmd := exec.Command(goTool(), args...)
	cmd.Dir = root
	cmd.Env = os.Environ()
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("harness: go build %s (in %s): %w\n%s", pkg, root, err, output)
	}
	return out, nil
}

// CleanupBuilds removes the temp dirs holding binaries built by this process.
// Call it at the very end (e.g. from TestMain after m.Run); binaries returned
// earlier are gone afterwards and will not be rebuilt.
func CleanupBuilds() {
	buildsMu.Lock()
	defer buildsMu.Unlock()
	for _, d := range tempDirs {
		_ = os.RemoveAll(d)
	}
	tempDirs = nil
}

// goTool finds the go command: PATH first (what the developer runs), then the
// toolchain this binary was built with.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// ModuleRoot finds the directory holding this module's go.mod. It walks up
// from this source file first (right for `go test` and `go run` regardless of
// the working directory), then from the working directory (for binaries built
// with -trimpath or moved elsewhere).
func ModuleRoot() (string, error) {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, start := range starts {
		for dir := start; ; dir = filepath.Dir(dir) {
			if modulePathOf(filepath.Join(dir, "go.mod")) == ModulePath {
				return dir, nil
			}
			if parent := filepath.Dir(dir); parent == dir {
				break
			}
		}
	}
	return "", fmt.Errorf("harness: no go.mod for module %s above %v", ModulePath, starts)
}

func modulePathOf(goMod string) string {
	f, err := os.Open(goMod)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}
