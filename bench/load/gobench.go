package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// benchResult collects the measurements of one benchmark over -count runs:
// every metric ("ns/op", "B/op", "allocs/op", custom ones) by unit.
type benchResult struct {
	Pkg     string
	Name    string // without the "Benchmark" prefix and the -GOMAXPROCS suffix
	Metrics map[string][]float64
}

// metric summarizes one unit of the result.
func (r *benchResult) metric(unit string) spread {
	if r == nil {
		return spread{}
	}
	return summarize(r.Metrics[unit])
}

// benchSet is the parsed output of one or more `go test -bench` runs.
type benchSet struct {
	results []*benchResult
	byKey   map[string]*benchResult
}

// procsSuffix is the -GOMAXPROCS suffix go test appends to names.
var procsSuffix = regexp.MustCompile(`-\d+$`)

// parseBench reads the standard benchmark format (the one benchstat
// reads): "pkg:" lines set the package of the lines that follow, and each
// "BenchmarkName-N  iterations  value unit  value unit ..." line adds one
// measurement per unit. Other lines are ignored.
func parseBench(r io.Reader, into *benchSet) error {
	if into.byKey == nil {
		into.byKey = map[string]*benchResult{}
	}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || len(f)%2 != 0 {
			continue // a name alone (a benchmark that logged) or a malformed line
		}
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			continue
		}
		name := procsSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		key := pkg + "." + name
		res := into.byKey[key]
		if res == nil {
			res = &benchResult{Pkg: pkg, Name: name, Metrics: map[string][]float64{}}
			into.byKey[key] = res
			into.results = append(into.results, res)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return fmt.Errorf("benchmark line %q: value %q: %w", line, f[i], err)
			}
			res.Metrics[f[i+1]] = append(res.Metrics[f[i+1]], v)
		}
	}
	return sc.Err()
}

// get returns the result of the benchmark name (without "Benchmark") in the
// package whose import path ends with pkgSuffix, or nil.
func (s *benchSet) get(pkgSuffix, name string) *benchResult {
	for _, r := range s.results {
		if r.Name == name && strings.HasSuffix(r.Pkg, pkgSuffix) {
			return r
		}
	}
	return nil
}

// benchRun is one `go test -bench` invocation of the driver.
type benchRun struct {
	File    string   // results file under the results directory
	Dir     string   // module directory to run in, relative to the root
	Pkgs    []string // packages
	Bench   string   // -bench regexp
	Time    string   // -benchtime
	Count   int      // -count
	Timeout time.Duration
	// Interleave runs go test Count times with -count 1 instead of once
	// with -count Count: each run measures every benchmark once, in
	// order, so that benchmarks compared with each other (Verify and its
	// floor) are measured seconds apart rather than one's three runs
	// after the other's, through whatever the machine did meanwhile.
	Interleave bool
}

// args returns the go command's arguments.
func (b benchRun) args() []string {
	count := b.Count
	if b.Interleave {
		count = 1
	}
	a := []string{"test", "-run", "^$", "-bench", b.Bench, "-benchmem", "-benchtime", b.Time, "-count", strconv.Itoa(count),
		"-timeout", b.Timeout.String()}
	return append(a, b.Pkgs...)
}

// command renders the run as a shell command, for the report.
func (b benchRun) command() string {
	var sb strings.Builder
	if b.Interleave {
		sb.WriteString("for i in $(seq " + strconv.Itoa(b.Count) + "); do ")
	}
	if b.Dir != "." {
		sb.WriteString("(cd " + b.Dir + " && ")
	}
	sb.WriteString("go")
	for _, a := range b.args() {
		if strings.ContainsAny(a, "^$|()* ") {
			a = "'" + a + "'"
		}
		sb.WriteString(" " + a)
	}
	if b.Dir != "." {
		sb.WriteString(")")
	}
	if b.Interleave {
		sb.WriteString("; done")
	}
	sb.WriteString(" > bench/results/" + b.File)
	return sb.String()
}

// run executes b from root, saves its output to resultsDir/b.File and
// parses it into set.
func (b benchRun) run(root, resultsDir string, set *benchSet, logw io.Writer) error {
	fmt.Fprintf(logw, "== %s\n", b.command())
	runs := 1
	if b.Interleave {
		runs = b.Count
	}
	var out bytes.Buffer
	var err error
	for range runs {
		cmd := exec.Command("go", b.args()...)
		cmd.Dir = filepath.Join(root, b.Dir)
		cmd.Stdout = io.MultiWriter(&out, logw)
		cmd.Stderr = logw
		if err = cmd.Run(); err != nil {
			break
		}
	}
	if werr := os.WriteFile(filepath.Join(resultsDir, b.File), out.Bytes(), 0o644); werr != nil {
		return fmt.Errorf("saving %s: %w", b.File, werr)
	}
	if err != nil {
		return fmt.Errorf("go %s: %w (output in bench/results/%s)", strings.Join(b.args(), " "), err, b.File)
	}
	return parseBench(&out, set)
}
