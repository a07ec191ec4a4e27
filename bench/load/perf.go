package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A live profile: perf record samples a server process (kernel and user
// space, cpu-clock, so it works without hardware counters) while wrk loads
// it, and the samples are split into categories. Unlike the pprof profiles
// of the in-process benchmarks, it shows the whole cost of a request as the
// load test pays it: the system calls and TCP over loopback, net/http, the
// garbage collector, and the code of the app or of the reference.

// perfHz is the sampling frequency: enough samples in a few seconds,
// without disturbing the server measurably.
const perfHz = 1999

// perfProfile is one server's live profile during one measured run.
type perfProfile struct {
	Round      int
	CPUPerReq  float64 // µs, of the profiled run
	Samples    int
	Categories []perfShare // largest first
	Top        []perfShare // symbols, largest first
	Command    string
	ReportFile string // raw perf report, under bench/results
}

// perfShare is a category's or a symbol's share of the samples.
type perfShare struct {
	Name  string
	Share float64 // 0..1
}

// PerReq is the share's CPU time per request in µs.
func (p *perfProfile) PerReq(s perfShare) float64 { return s.Share * p.CPUPerReq }

// perfAvailable reports whether perf can record a process here (it may be
// missing, or forbidden by kernel.perf_event_paranoid).
func perfAvailable(tmp string) error {
	if _, err := exec.LookPath("perf"); err != nil {
		return fmt.Errorf("perf is not installed (Debian: apt-get install linux-perf)")
	}
	out, err := exec.Command("perf", "record", "-q", "-e", "cpu-clock", "-o", filepath.Join(tmp, "probe.data"), "--", "true").CombinedOutput()
	if err != nil {
		return fmt.Errorf("perf record does not work here: %v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// startPerf records pid for d on cpu (the client's CPU, so that perf does
// not take the server's) into out, and returns a wait function.
func startPerf(ctx context.Context, pid int, cpu, out string, d time.Duration) (wait func() error, command string) {
	secs := strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
	args := []string{"-c", cpu, "perf", "record", "-q", "-e", "cpu-clock", "-F", strconv.Itoa(perfHz),
		"-p", strconv.Itoa(pid), "-o", out, "--", "sleep", secs}
	cmd := exec.CommandContext(ctx, "taskset", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return func() error { return fmt.Errorf("starting perf: %w", err) }, ""
	}
	command = fmt.Sprintf("taskset -c %s perf record -e cpu-clock -F %d -p <pid> -o %s -- sleep %s",
		cpu, perfHz, filepath.Base(out), secs)
	return func() error {
		if err := cmd.Wait(); err != nil {
			return fmt.Errorf("perf record: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
		}
		return nil
	}, command
}

// schedulePerf records pid for d, starting after delay, in the background
// (startPerf); the function it returns waits for the recording and returns
// the command line the report shows.
func schedulePerf(ctx context.Context, pid int, cpu, out string, delay, d time.Duration) func() (string, error) {
	done := make(chan error, 1)
	var command string
	go func() {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			done <- ctx.Err()
			return
		}
		var wait func() error
		wait, command = startPerf(ctx, pid, cpu, out, d)
		done <- wait()
	}()
	return func() (string, error) {
		err := <-done
		return command, err
	}
}

// perfReport runs perf report on data and returns its per-symbol text.
func perfReport(data string) ([]byte, error) {
	out, err := exec.Command("perf", "report", "-i", data, "--stdio", "--sort", "sym", "--percent-limit", "0.01").Output()
	if err != nil {
		return nil, fmt.Errorf("perf report -i %s: %w", data, err)
	}
	return out, nil
}

// parsePerfReport reads `perf report --stdio --sort sym` output: lines
// "  12.34%  [k] symbol" (kernel) or "  1.23%  [.] symbol" (user space),
// and the "# Samples: N" header.
func parsePerfReport(out []byte) (samples int, syms []perfShare, err error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "# Samples: "); ok {
			// "# Samples: 9K of event 'cpu-clock'" or "# Samples: 1234 of event …"
			n, _, _ := strings.Cut(rest, " ")
			samples = parseCount(n)
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		pct, rest, ok := strings.Cut(line, "%")
		if !ok {
			continue
		}
		p, perr := strconv.ParseFloat(strings.TrimSpace(pct), 64)
		if perr != nil {
			continue
		}
		rest = strings.TrimSpace(rest)
		var sym string
		switch {
		case strings.HasPrefix(rest, "[k] "):
			sym = "[k] " + strings.TrimSpace(rest[4:])
		case strings.HasPrefix(rest, "[.] "):
			sym = strings.TrimSpace(rest[4:])
		default:
			continue
		}
		syms = append(syms, perfShare{Name: sym, Share: p / 100})
	}
	if err := sc.Err(); err != nil {
		return 0, nil, err
	}
	if len(syms) == 0 {
		return 0, nil, fmt.Errorf("no symbols in the perf report")
	}
	return samples, syms, nil
}

// parseCount reads perf's sample counts: "1234", "9K", "1M".
func parseCount(s string) int {
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1e3, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1e6, strings.TrimSuffix(s, "M")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return int(f * mult)
}

// perfCategory names a category of a live profile and the symbol prefixes
// it takes (nil: every symbol).
type perfCategory struct {
	name     string
	prefixes []string
}

// takes reports whether sym belongs to c.
func (c perfCategory) takes(sym string) bool {
	return c.prefixes == nil || slices.ContainsFunc(c.prefixes, func(p string) bool { return strings.HasPrefix(sym, p) })
}

// perfCategories are the categories of a live profile, tried in order on
// each symbol; the last takes the rest.
var perfCategories = []perfCategory{
	{"kernel: system calls, TCP over loopback, scheduling", []string{"[k] "}},
	{"slackgen runtime (verify, parse, route, dispatch)", []string{"github.com/slackgen/slackgen/runtime/"}},
	{"the handlers: example app or reference (main)", []string{"example.com/", "main."}},
	{"encoding/json", []string{"encoding/json."}},
	{"log/slog", []string{"log/slog."}},
	{"crypto: HMAC-SHA256", []string{"crypto/", "vendor/golang.org/x/crypto"}},
	{"net/url (form parsing)", []string{"net/url."}},
	{"net/http, bufio, net: the Go side of HTTP and sockets", []string{"net/http.", "net/textproto.", "bufio.", "net.", "internal/poll.", "syscall.", "internal/runtime/syscall"}},
	{"Go runtime: scheduler, garbage collector, allocation", []string{"runtime.", "internal/runtime/", "gcWriteBarrier", "aeshash", "memeqbody", "indexbytebody", "internal/bytealg.", "internal/sync.", "sync.", "sync/atomic."}},
	{"other", nil},
}

// categorize sums symbol shares into perfCategories (largest first,
// empty ones left out).
func categorize(syms []perfShare) []perfShare {
	sums := make([]float64, len(perfCategories))
	for _, s := range syms {
		sums[slices.IndexFunc(perfCategories, func(c perfCategory) bool { return c.takes(s.Name) })] += s.Share
	}
	var out []perfShare
	for i, c := range perfCategories {
		if sums[i] > 0 {
			out = append(out, perfShare{Name: c.name, Share: sums[i]})
		}
	}
	slices.SortStableFunc(out, func(a, b perfShare) int { return cmp.Compare(b.Share, a.Share) })
	return out
}

// finishPerf turns a recorded profile into a perfProfile and saves perf
// report's text to dir/name.
func finishPerf(data, dir, name, command string, cpuPerReq float64) (*perfProfile, error) {
	out, err := perfReport(data)
	if err != nil {
		return nil, err
	}
	samples, syms, err := parsePerfReport(out)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", data, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), append([]byte("$ perf report --stdio --sort sym\n"), out...), 0o644); err != nil {
		return nil, err
	}
	p := &perfProfile{CPUPerReq: cpuPerReq, Samples: samples, Categories: categorize(syms),
		Command: command, ReportFile: name}
	p.Top = syms[:min(len(syms), 12)]
	return p, nil
}

// perfTable sets the live profiles of the app and the reference side by
// side, for the report.
type perfTable struct {
	App, Ref *perfProfile
	Rows     []perfRow
	Total    perfRow
}

// perfRow is one category's share and µs per request on both servers.
type perfRow struct {
	Name                             string
	AppShare, AppUS, RefShare, RefUS float64
}

// keepMedianPerf returns the live profile of the round with the median CPU
// per request (a run disturbed by other processes shows as an outlier
// there), after copying its perf report from dir to resultsDir/name.
func keepMedianPerf(rounds []round, dir, resultsDir, name string) (*perfProfile, error) {
	var profiled []round
	for _, r := range rounds {
		if r.Perf != nil {
			profiled = append(profiled, r)
		}
	}
	if len(profiled) == 0 {
		return nil, nil
	}
	slices.SortStableFunc(profiled, func(a, b round) int { return cmp.Compare(a.CPUPerReq(), b.CPUPerReq()) })
	med := *profiled[(len(profiled)-1)/2].Perf
	data, err := os.ReadFile(filepath.Join(dir, med.ReportFile))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(resultsDir, name), data, 0o644); err != nil {
		return nil, err
	}
	med.ReportFile = name
	return &med, nil
}

// PerfTable returns the side-by-side live profiles of the median rounds, or
// nil.
func (p payloadResult) PerfTable() *perfTable {
	t := perfTable{App: p.PerfApp, Ref: p.PerfRef}
	if t.App == nil || t.Ref == nil {
		return nil
	}
	share := func(pp *perfProfile, name string) float64 {
		for _, c := range pp.Categories {
			if c.Name == name {
				return c.Share
			}
		}
		return 0
	}
	for _, c := range perfCategories {
		r := perfRow{Name: c.name, AppShare: share(t.App, c.name), RefShare: share(t.Ref, c.name)}
		if r.AppShare == 0 && r.RefShare == 0 {
			continue
		}
		r.AppUS, r.RefUS = r.AppShare*t.App.CPUPerReq, r.RefShare*t.Ref.CPUPerReq
		t.Rows = append(t.Rows, r)
		t.Total.AppShare += r.AppShare
		t.Total.RefShare += r.RefShare
		t.Total.AppUS += r.AppUS
		t.Total.RefUS += r.RefUS
	}
	return &t
}

// TopPairs lines the two servers' top symbols up, row by row.
func (t *perfTable) TopPairs() [][2]perfShare {
	n := max(len(t.App.Top), len(t.Ref.Top))
	out := make([][2]perfShare, n)
	for i := range n {
		if i < len(t.App.Top) {
			out[i][0] = t.App.Top[i]
		}
		if i < len(t.Ref.Top) {
			out[i][1] = t.Ref.Top[i]
		}
	}
	return out
}
