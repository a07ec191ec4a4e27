//go:build !linux

package main

import "os/exec"

// setParentDeathSignal does nothing outside Linux: the demo stops its
// children itself on Ctrl-C and on every error.
func setParentDeathSignal(*exec.Cmd) {}
