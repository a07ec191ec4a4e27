package main

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal makes Linux send SIGTERM to the child when the demo
// dies without cleaning up (e.g. SIGKILL), so no orphan keeps its port.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
