//go:build !linux

package docs_test

import "syscall"

func stopWithParent(*syscall.SysProcAttr) {}
