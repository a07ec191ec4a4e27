package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// wrkResult is the summary line bench/signed.lua prints when wrk is done.
type wrkResult struct {
	Requests   int64
	DurationUS int64
	Errors     int64 // connect, read, write and timeout errors
	Non2xx     int64
	P50US      int64
	P99US      int64
}

// RPS is the rate of requests.
func (r wrkResult) RPS() float64 {
	if r.DurationUS == 0 {
		return 0
	}
	return float64(r.Requests) / (float64(r.DurationUS) / 1e6)
}

// parseWrk finds the "BENCH k=v ..." line in wrk's output.
func parseWrk(out []byte) (wrkResult, error) {
	for line := range strings.Lines(string(out)) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "BENCH ")
		if !ok {
			continue
		}
		var r wrkResult
		fields := map[string]*int64{
			"requests": &r.Requests, "duration_us": &r.DurationUS, "errors": &r.Errors,
			"non2xx": &r.Non2xx, "p50_us": &r.P50US, "p99_us": &r.P99US,
		}
		seen := 0
		for _, kv := range strings.Fields(rest) {
			k, v, _ := strings.Cut(kv, "=")
			p := fields[k]
			if p == nil {
				continue
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return wrkResult{}, fmt.Errorf("wrk summary %q: %s: %w", line, k, err)
			}
			*p = n
			seen++
		}
		if seen != len(fields) {
			return wrkResult{}, fmt.Errorf("wrk summary %q: want %d fields, got %d", line, len(fields), seen)
		}
		return r, nil
	}
	return wrkResult{}, fmt.Errorf("no BENCH line in wrk's output (is bench/signed.lua in use?):\n%s", out)
}

// wrkRun is one wrk invocation against a server.
type wrkRun struct {
	CPU         string // taskset CPU list
	Conns       int
	Duration    time.Duration
	Script      string
	URL         string
	Requests    string // file of signed requests
	TS          string
	ContentType string
}

func (w wrkRun) args() []string {
	return []string{"-c", w.CPU, "wrk", "-c" + strconv.Itoa(w.Conns), "-t1", "-d" + w.Duration.String(), "-s", w.Script, w.URL}
}

// command renders the invocation as a shell command, for the report.
func (w wrkRun) command() string {
	return "BENCH_REQUESTS=<file> BENCH_TS=<now> BENCH_CONTENT_TYPE=" + w.ContentType + " taskset " + strings.Join(w.args(), " ")
}

func (w wrkRun) run() (wrkResult, error) {
	cmd := exec.Command("taskset", w.args()...)
	cmd.Env = append(os.Environ(), "BENCH_REQUESTS="+w.Requests, "BENCH_TS="+w.TS, "BENCH_CONTENT_TYPE="+w.ContentType)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %w\n%s", err, out.Bytes())
	}
	return parseWrk(out.Bytes())
}
