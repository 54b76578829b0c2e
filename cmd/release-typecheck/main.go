// Command release-typecheck type-checks packages from source for other platforms than the
// machine's, as a release build would compile them (CGO off, the given build tags), without
// compiling or linking anything:
//
//	go run ./cmd/release-typecheck -targets 'darwin/amd64 darwin/arm64' -tags netgo . ./cmd/bluejay-sql
//
// It proves what the release's cross builds proved for this project: every package of each
// main, dependencies and the standard library included, has a complete, well-typed set of files
// on that platform with cgo off. `make release-check` runs it for the cross targets and still
// builds and links the linux/amd64 release, which checks what only the compiler and linker see
// (assembly, go:linkname); see README's CI section.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"
)

func main() {
	targets := flag.String("targets", "", "space-separated GOOS/GOARCH pairs, e.g. 'darwin/arm64 linux/arm64'")
	tags := flag.String("tags", "", "comma-separated build tags, as for go build -tags")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: release-typecheck -targets 'GOOS/GOARCH ...' [-tags t1,t2] package...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(strings.Fields(*targets), *tags, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "release-typecheck:", err)
		os.Exit(1)
	}
}

func run(targets []string, tags string, patterns []string) error {
	if len(targets) == 0 || len(patterns) == 0 {
		flag.Usage()
		return errors.New("give -targets and at least one package")
	}
	for _, t := range targets {
		start := time.Now()
		n, err := typecheck("", t, tags, patterns)
		if err != nil {
			return err
		}
		fmt.Printf("typecheck %s %s: %d packages, %.1fs\n", t, strings.Join(patterns, " "), n, time.Since(start).Seconds())
	}
	return nil
}

// typecheck loads the patterns (in module dir, "" for the current one) and every package they
// import for one GOOS/GOARCH, parsing and type-checking all of them from source (NeedDeps
// without NeedExportFile: go list compiles nothing), and returns how many packages it checked.
func typecheck(dir, target, tags string, patterns []string) (int, error) {
	goos, goarch, ok := strings.Cut(target, "/")
	if !ok || goos == "" || goarch == "" {
		return 0, fmt.Errorf("target %q: want GOOS/GOARCH, e.g. darwin/arm64", target)
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps |
			packages.NeedSyntax | packages.NeedTypes,
		Env: append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0"),
		Dir: dir,
	}
	if tags != "" {
		cfg.BuildFlags = []string{"-tags", tags}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", target, err)
	}
	n := 0
	var problems []string
	for p := range packages.Postorder(pkgs) {
		n++
		for _, e := range p.Errors {
			problems = append(problems, e.Error())
		}
	}
	if len(problems) > 0 {
		return n, fmt.Errorf("%s (CGO_ENABLED=0, tags %q): %d error(s):\n  %s", target, tags, len(problems), strings.Join(problems, "\n  "))
	}
	return n, nil
}
