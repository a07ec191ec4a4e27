package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// profile is the CPU profile of one whole-path benchmark.
type profile struct {
	Bench   string
	Command string
	Top     []profileLine // by flat time
	Cum     []profileLine // by cumulative time, the runtime's own functions
}

// profileLine is one row of `go tool pprof -top`.
type profileLine struct {
	FlatPct, CumPct float64
	Func            string
}

// profiledBenches are the whole-path benchmarks of runtime/slackapp that
// the report profiles.
var profiledBenches = []string{"HandlerCommand", "HandlerEvent"}

// runProfiles collects a CPU profile of each whole-path benchmark with go
// test -cpuprofile and summarizes it with go tool pprof.
func runProfiles(root, resultsDir, tmp string, logw io.Writer) ([]profile, error) {
	var out []profile
	bin := filepath.Join(tmp, "slackapp.test")
	for _, name := range profiledBenches {
		prof := filepath.Join(tmp, name+".pprof")
		args := []string{"test", "-run", "^$", "-bench", "^Benchmark" + name + "$", "-benchtime", "2s", "-cpuprofile", prof, "-o", bin, "./slackapp"}
		p := profile{Bench: name, Command: "(cd runtime && go " + strings.ReplaceAll(quoteArgs(args), tmp, "$TMP") + ")"}
		fmt.Fprintf(logw, "== %s\n", p.Command)
		cmd := exec.Command("go", args...)
		cmd.Dir = filepath.Join(root, "runtime")
		cmd.Stdout, cmd.Stderr = logw, logw
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("profiling %s: %w", name, err)
		}
		var saved bytes.Buffer
		for _, sort := range []string{"-top", "-cum"} {
			pargs := []string{"tool", "pprof", "-top", "-nodecount=40"}
			if sort == "-cum" {
				pargs = append(pargs, "-cum")
			}
			top, err := exec.Command("go", append(pargs, bin, prof)...).Output()
			if err != nil {
				return nil, fmt.Errorf("go tool pprof %s: %w", name, err)
			}
			saved.WriteString("$ go " + strings.Join(pargs, " ") + " slackapp.test " + name + ".pprof\n")
			saved.Write(top)
			saved.WriteString("\n")
			lines := parsePprofTop(top)
			if sort == "-top" {
				p.Top = lines[:min(len(lines), 12)]
				continue
			}
			for _, l := range lines {
				if strings.Contains(l.Func, "slackgen/slackgen/runtime") && len(p.Cum) < 12 {
					p.Cum = append(p.Cum, l)
				}
			}
		}
		if err := os.WriteFile(filepath.Join(resultsDir, "profile-"+name+".txt"), saved.Bytes(), 0o644); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// parsePprofTop reads the rows of `go tool pprof -top`:
//
//	flat  flat%   sum%        cum   cum%
//	1.20s 20.00% 20.00%      1.50s 25.00%  crypto/sha256.block
func parsePprofTop(out []byte) []profileLine {
	var rows []profileLine
	header := false
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if !header {
			header = len(f) >= 5 && f[0] == "flat" && f[1] == "flat%"
			continue
		}
		if len(f) < 6 {
			continue
		}
		flat, err1 := strconv.ParseFloat(strings.TrimSuffix(f[1], "%"), 64)
		cum, err2 := strconv.ParseFloat(strings.TrimSuffix(f[4], "%"), 64)
		if err1 != nil || err2 != nil {
			continue
		}
		rows = append(rows, profileLine{FlatPct: flat, CumPct: cum, Func: strings.Join(f[5:], " ")})
	}
	return rows
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, "^$|()* ") {
			a = "'" + a + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}
