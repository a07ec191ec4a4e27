package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// machine describes where the benchmarks ran.
type machine struct {
	CPUs      int
	CPUModel  string
	MemTotal  int64 // bytes
	Kernel    string
	GoVersion string
	Wrk       string
}

func readMachine() (machine, error) {
	var m machine
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return m, fmt.Errorf("reading /proc/cpuinfo (the benchmarks need Linux): %w", err)
	}
	m.CPUs, m.CPUModel = parseCPUInfo(info)
	if mem, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemTotal = parseMemTotal(mem)
	}
	if k, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(k))
	}
	out, err := exec.Command("go", "version").Output()
	if err != nil {
		return m, fmt.Errorf("go version: %w", err)
	}
	m.GoVersion = strings.TrimPrefix(strings.TrimSpace(string(out)), "go version ")
	// wrk -v prints its version and exits 1.
	out, _ = exec.Command("wrk", "-v").CombinedOutput()
	if line, _, _ := strings.Cut(string(out), "\n"); strings.HasPrefix(line, "wrk ") {
		m.Wrk, _, _ = strings.Cut(line, " Copyright")
	}
	return m, nil
}

// parseCPUInfo counts the processors of /proc/cpuinfo and returns the
// first model name.
func parseCPUInfo(data []byte) (n int, model string) {
	for line := range bytes.Lines(data) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		switch string(bytes.TrimSpace(k)) {
		case "processor":
			n++
		case "model name":
			if model == "" {
				model = string(bytes.TrimSpace(v))
			}
		}
	}
	return n, model
}

// parseMemTotal returns MemTotal of /proc/meminfo in bytes.
func parseMemTotal(data []byte) int64 {
	for line := range bytes.Lines(data) {
		if v, ok := bytes.CutPrefix(line, []byte("MemTotal:")); ok {
			f := strings.Fields(string(v))
			if len(f) == 2 && f[1] == "kB" {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n * 1024
			}
		}
	}
	return 0
}

// loadAvg returns the 1, 5 and 15 minute load averages of /proc/loadavg.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
