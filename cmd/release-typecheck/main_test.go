package main

import (
	"strings"
	"testing"
)

// The test module builds on linux; on darwin its only definition of platformName needs cgo,
// so with CGO_ENABLED=0, as a release builds, darwin has no platformName.
const platformModule = "testdata/platform"

func TestTypecheckPassesWhereTheFilesAreComplete(t *testing.T) {
	n, err := typecheck(platformModule, "linux/arm64", "netgo", []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 { // the main package, fmt and what fmt imports
		t.Errorf("checked %d packages; the main package and the standard library under it are more", n)
	}
}

func TestTypecheckFindsATargetThatNeedsCgo(t *testing.T) {
	_, err := typecheck(platformModule, "darwin/arm64", "netgo", []string{"."})
	if err == nil {
		t.Fatal("darwin/arm64 with CGO_ENABLED=0 passed; its only platformName is in a cgo file")
	}
	for _, want := range []string{"darwin/arm64", "CGO_ENABLED=0", "undefined: platformName"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q:\n%v", want, err)
		}
	}
}

func TestTypecheckRejectsATargetWithoutArch(t *testing.T) {
	_, err := typecheck(platformModule, "darwin", "", []string{"."})
	if err == nil || !strings.Contains(err.Error(), "want GOOS/GOARCH") {
		t.Fatalf("target darwin: %v, want an error asking for GOOS/GOARCH", err)
	}
}
