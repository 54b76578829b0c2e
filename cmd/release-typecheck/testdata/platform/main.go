// A program that builds on linux and, with cgo, on darwin: a release with CGO_ENABLED=0 cannot
// build it for darwin, which release-typecheck must report.
package main

import "fmt"

func main() { fmt.Println(platformName()) }
