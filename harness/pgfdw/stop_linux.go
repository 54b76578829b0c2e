package pgfdw

import "syscall"

// stopWithParent has Linux stop the test PostgreSQL server (fast shutdown) if the test process
// dies without stopping it, as on a test timeout.
func stopWithParent(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGINT }
