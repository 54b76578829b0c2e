package powerpipetest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// Every benchmark of the mod on the fake account, as users run it: `powerpipe benchmark run all`
// through the FDW (a fresh Powerpipe process, its sessions fresh plugins), beside
// `bluejay-sql check all` (a fresh process on the SQLite engine). The target: Powerpipe within 2x.
// Each reports the requests a run sends to the API (requests/op): every PostgreSQL backend
// Powerpipe opens runs the plugin with a memo of its own, where bluejay-sql has one.

func BenchmarkPowerpipeBenchmarkRunAll(b *testing.B) {
	e := sharedEnv(b)
	// Powerpipe's default --max-parallel is 10 connections; fewer backends share more of their
	// plugin's memo and start fewer plugins.
	for _, parallel := range []string{"default", "1", "2"} {
		b.Run("max-parallel="+parallel, func(b *testing.B) {
			args := []string{"benchmark", "run", "all", "--output", "none", "--progress=false"}
			if parallel != "default" {
				args = append(args, "--max-parallel", parallel)
			}
			defer reportRequests(b, e)()
			for b.Loop() {
				res, err := e.pp.Run(context.Background(), args...)
				if err != nil {
					b.Fatal(err)
				}
				if res.Exit != exitAlarm {
					b.Fatalf("exit status %d, want %d (the fake account has alarms)\n%s", res.Exit, exitAlarm, res.Stderr)
				}
			}
		})
	}
}

// BenchmarkCheckAllSQLite needs no FDW: its fake API is its own, with the package's frozen clock,
// so it serves the data the FDW's fake serves to Powerpipe.
func BenchmarkCheckAllSQLite(b *testing.B) {
	bin, err := harness.BuildPackage("./cmd/bluejay-sql")
	if err != nil {
		b.Fatal(err)
	}
	api := fakeapi.NewServer(fakeapi.Options{Now: func() time.Time { return now }})
	defer api.Close()
	// --config takes a file: a Steampipe .spc, or the connection's bare body as here.
	config := filepath.Join(b.TempDir(), "bluejay.spc")
	if err := os.WriteFile(config, []byte(engine.FakeHCL(api, fakeapi.DefaultAPIKey)), 0o600); err != nil {
		b.Fatal(err)
	}
	e := &env{api: api}
	defer reportRequests(b, e)()
	for b.Loop() {
		cmd := exec.Command(bin, "check", "--config", config, "--output", "json", "--progress", "off", "all")
		out, err := cmd.Output()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			b.Fatalf("bluejay-sql check: %v, want exit status 1 (the fake account has alarms)\n%s\n%.2000s", err, stderrOf(err), out)
		}
	}
}

// stderrOf is what a command that failed printed on stderr.
func stderrOf(err error) []byte {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.Stderr
	}
	return nil
}

// reportRequests counts the fake API's requests from now; the function it returns reports them
// per run.
func reportRequests(b *testing.B, e *env) func() {
	e.api.ResetRequests()
	return func() { b.ReportMetric(float64(len(e.api.Requests()))/float64(b.N), "requests/op") }
}
