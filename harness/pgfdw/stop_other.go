//go:build !linux

package pgfdw

import "syscall"

func stopWithParent(*syscall.SysProcAttr) {}
