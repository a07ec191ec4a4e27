package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

const samplePerfReport = `# To display the perf.data header info, please use --header/--header-only options.
#
#
# Total Lost Samples: 0
#
# Samples: 9K of event 'cpu-clock'
# Event count (approx.): 4502251000
#
# Overhead  Symbol
# ........  .......................................
#
    40.00%  [k] _raw_spin_unlock_irqrestore
    20.00%  [.] github.com/slackgen/slackgen/runtime/slackapp.scanObject
    10.00%  [.] runtime.mallocgc
     8.00%  [.] encoding/json.(*decodeState).object
     7.00%  [.] net/http.(*conn).serve
     5.00%  [.] crypto/internal/fips140/sha256.blockSHANI
     4.00%  [.] example.com/ticketdesk/handlers.Register.func2
     3.00%  [.] log/slog.(*Logger).log
     2.00%  [.] 0x00000000004a5b6c
     1.00%  [.] main.main.func1


#
# (Tip: ...)
#
`

func TestParsePerfReport(t *testing.T) {
	samples, syms, err := parsePerfReport([]byte(samplePerfReport))
	if err != nil {
		t.Fatal(err)
	}
	if samples != 9000 || len(syms) != 10 {
		t.Fatalf("samples %d, %d symbols", samples, len(syms))
	}
	if syms[0] != (perfShare{"[k] _raw_spin_unlock_irqrestore", 0.40}) || syms[1].Name != "github.com/slackgen/slackgen/runtime/slackapp.scanObject" {
		t.Errorf("first symbols %+v", syms[:2])
	}
	got := map[string]float64{}
	for _, c := range categorize(syms) {
		got[c.Name] = c.Share
	}
	want := map[string]float64{
		"kernel: system calls, TCP over loopback, scheduling":  0.40,
		"slackgen runtime (verify, parse, route, dispatch)":    0.20,
		"Go runtime: scheduler, garbage collector, allocation": 0.10,
		"encoding/json": 0.08,
		"net/http, bufio, net: the Go side of HTTP and sockets": 0.07,
		"crypto: HMAC-SHA256":                           0.05,
		"the handlers: example app or reference (main)": 0.05,
		"log/slog": 0.03,
		"other":    0.02,
	}
	for name, share := range want {
		if d := got[name] - share; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s: %.3f, want %.3f", name, got[name], share)
		}
	}
	if len(got) != len(want) {
		t.Errorf("categories %v", got)
	}
	if _, _, err := parsePerfReport([]byte("# nothing\n")); err == nil {
		t.Error("an empty report parsed")
	}
}

func TestParseCount(t *testing.T) {
	for in, want := range map[string]int{"1234": 1234, "9K": 9000, "1.5K": 1500, "2M": 2_000_000, "x": 0} {
		if got := parseCount(in); got != want {
			t.Errorf("parseCount(%q) = %d, want %d", in, got, want)
		}
	}
}

// TestLivePerfProfile records a busy process with perf and reads it back,
// where perf can record (it is optional: `make bench` installs it).
func TestLivePerfProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("records for a second")
	}
	tmp := t.TempDir()
	if err := perfAvailable(tmp); err != nil {
		t.Skip(err)
	}
	busy := exec.Command("sh", "-c", "while :; do :; done")
	if err := busy.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { busy.Process.Kill(); busy.Wait() }()
	data := filepath.Join(tmp, "busy.data")
	done := schedulePerf(t.Context(), busy.Process.Pid, "0", data, 100*time.Millisecond, time.Second)
	cmd, err := done()
	if err != nil {
		t.Fatal(err)
	}
	p, err := finishPerf(data, tmp, "busy.txt", cmd, 10)
	if err != nil {
		t.Fatal(err)
	}
	if p.Samples < 100 || len(p.Top) == 0 || len(p.Categories) == 0 {
		t.Errorf("profile of a busy loop: %d samples, top %v, categories %v", p.Samples, p.Top, p.Categories)
	}
}

// keepMedianPerf shows the round with the median CPU per request, so that a
// round disturbed by other processes does not stand for the server.
func TestKeepMedianPerf(t *testing.T) {
	dir, results := t.TempDir(), t.TempDir()
	var rounds []round
	for n, cpu := range []time.Duration{60 * time.Second, 30 * time.Second, 33 * time.Second} {
		name := fmt.Sprintf("perf-event-app-%d.txt", n+1)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
		r := round{N: n + 1, CPU: cpu, Wrk: wrkResult{Requests: 1_000_000}}
		r.Perf = &perfProfile{Round: n + 1, CPUPerReq: r.CPUPerReq(), ReportFile: name}
		rounds = append(rounds, r)
	}
	rounds = append(rounds, round{N: 4, CPU: time.Second, Wrk: wrkResult{Requests: 1_000_000}}) // not profiled
	p, err := keepMedianPerf(rounds, dir, results, "perf-event-app.txt")
	if err != nil {
		t.Fatal(err)
	}
	if p.Round != 3 || p.ReportFile != "perf-event-app.txt" {
		t.Errorf("kept round %d as %s, want round 3 (33 µs per request)", p.Round, p.ReportFile)
	}
	data, err := os.ReadFile(filepath.Join(results, "perf-event-app.txt"))
	if err != nil || string(data) != "perf-event-app-3.txt" {
		t.Errorf("results hold %q, %v", data, err)
	}
	if p, err := keepMedianPerf(rounds[3:], dir, results, "x.txt"); p != nil || err != nil {
		t.Errorf("no profiled round: %v, %v", p, err)
	}
}
