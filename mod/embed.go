// Package mod holds the Powerpipe mod of this repository (the .pp files beside this one), for
// `bluejay-sql check` to carry inside its binary. Powerpipe reads only the .pp files.
package mod

import "embed"

// Files are the mod's .pp files.
//
//go:embed *.pp
var Files embed.FS
