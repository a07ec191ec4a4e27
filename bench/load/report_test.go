package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReportRenders(t *testing.T) {
	rounds := func(server string, rps float64, p99 int64, rss int64) []round {
		var out []round
		for n := 1; n <= 3; n++ {
			out = append(out, round{Server: server, N: n, CPU: 10 * time.Second,
				Wrk: wrkResult{Requests: int64(rps * 10), DurationUS: 10_000_000, P50US: 500, P99US: p99}, RSSMax: rss, HWM: rss})
		}
		return out
	}
	var benches benchSet
	if err := parseBench(strings.NewReader(strings.Replace(sampleBench, "PASS\n", "BenchmarkFloorHMAC-2 1000 550 ns/op 0 B/op 0 allocs/op\nPASS\n"+scaleBench, 1)), &benches); err != nil {
		t.Fatal(err)
	}
	r := &report{
		Started: time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC), Finished: time.Date(2026, 11, 23, 3, 5, 0, 0, time.UTC),
		Machine:    machine{CPUs: 2, CPUModel: "Test CPU", MemTotal: 8 << 30, GoVersion: "go1.26 linux/amd64"},
		LoadBefore: "1.00 1.00 1.00", LoadAfter: "2.00 2.00 2.00", LoadEnd: "3.00 3.00 3.00",
		LoadConfig: loadConfig{Installations: 10000, ActiveTeams: 1000, Rounds: 3, Conns: 32, Warmup: 3 * time.Second, Duration: 10 * time.Second},
		Load: &loadResults{
			IdleApp: 15 << 20, IdleRef: 7 << 20, HWMApp: 35 << 20, HWMRef: 13 << 20,
			Payloads: []payloadResult{
				{Payload: payload{Name: "command", Bodies: [][]byte{[]byte("command=%2Fticket")}}, App: rounds("app", 9000, 3000, 30<<20), Ref: rounds("reference", 10000, 2500, 12<<20)},
				{Payload: payload{Name: "event", Bodies: [][]byte{[]byte(`{"type":"event_callback"}`)}}, App: rounds("app", 5000, 9000, 35<<20), Ref: rounds("reference", 10000, 2000, 12<<20)},
			},
		},
		Benches:  &benches,
		Profiles: []profile{{Bench: "HandlerEvent", Top: []profileLine{{40, 40, "crypto/sha256.block"}}}},
	}
	r.Load.GCProbe = &gcProbe{GOGC: "400", Rows: []gcProbeRow{{Payload: "event", App: rounds("app GOGC=400", 9500, 3000, 40<<20)[0], Ref: rounds("reference", 10000, 2000, 12<<20)[0]}}}
	ev := &r.Load.Payloads[1]
	ev.PerfApp = &perfProfile{Round: 2, Command: "taskset -c 1 perf record -e cpu-clock -F 1999 -p <pid> -o perf-event-app-2.data -- sleep 8.0", CPUPerReq: 40, Samples: 9000, ReportFile: "perf-event-app.txt",
		Categories: categorize([]perfShare{{"[k] tcp_sendmsg", 0.5}, {"github.com/slackgen/slackgen/runtime/slackapp.scanObject", 0.25}, {"runtime.mallocgc", 0.25}}),
		Top:        []perfShare{{"[k] tcp_sendmsg", 0.5}}}
	ev.PerfRef = &perfProfile{Round: 3, CPUPerReq: 20, Samples: 8000, ReportFile: "perf-event-reference.txt",
		Categories: categorize([]perfShare{{"[k] tcp_sendmsg", 0.75}, {"main.main.func1", 0.25}}),
		Top:        []perfShare{{"[k] tcp_sendmsg", 0.75}, {"main.main.func1", 0.25}}}
	md := renderReport(t, r)
	reportHas(t, md,
		"| CPU model (/proc/cpuinfo) | Test CPU |",
		"| command: req/s, app / reference | ≥ 0.8 | 0.900 | yes |",
		"req/s\napp / reference: 0.900, 0.900, 0.900.",
		"### The garbage collector's share: the app with GOGC=400 (not how it ships)",
		"| event | 9500 | 10000 | 0.950 | 1.053 | 40.0 |",
		"| event: req/s, app / reference | ≥ 0.8 | 0.500 | **no** |",
		"| event: p99 latency, app / reference | ≤ 1.5 | 4.500 | **no** |",
		"| app RSS under load (peak: VmHWM) | ≤ 40 MB | 35.0 MB | yes |",
		"| signature.Verify allocations | 0 allocs/op | 0 allocs/op | yes |",
		"| signature.Verify / pooled crypto/hmac floor (~300-byte body) | ≤ 1.2 | 1.09 (600 ns vs 550 ns) | yes |",
		"| `Verify` | 600 ns (590 ns–610 ns) | 0 | 0 |",
		"| `FindBot/installations=1000` | 40.0 µs | 2000 | 50 |",
		"| `crypto/sha256.block` | 40.0 | 40.0 |",
		"| FindBot on SQLite: 100k / 1k installations (indexed: flat) | ≤ 2.0 | 1.25 (50.0 µs vs 40.0 µs) | yes |",
		"| FindBot on PostgreSQL: 100k / 1k installations (indexed: flat) | ≤ 2.0 | 100.00 (10.0 ms vs 100 µs) | **no** |",
		"| generate (cold): time per command, 200 / 50 commands (linear) | ≤ 1.5 | 0.80 (800 µs vs 1.00 ms a command) | yes |",
		"| generate (noop): time per command, 200 / 50 commands (linear) | ≤ 1.5 | 4.00 (400 µs vs 100 µs a command) | **no** |",
		"command=%2Fticket",
		"| kernel: system calls, TCP over loopback, scheduling | 50.0% | 20.0 | 75.0% | 15.0 |",
		"| slackgen runtime (verify, parse, route, dispatch) | 25.0% | 10.0 | 0.0% | 0.0 |",
		"| the handlers: example app or reference (main) | 0.0% | 0.0 | 25.0% | 5.0 |",
		"| **all (9000 and 8000 samples)** | 100.0% | 40.0 | 100.0% | 20.0 |",
		"(app: round 2, reference: round 3)",
		"taskset -c 1 perf record -e cpu-clock -F 1999 -p <pid> -o perf-event-app-2.data -- sleep 8.0\nperf report -i <data>",
		"| `[k] tcp_sendmsg` | 50.0% | `[k] tcp_sendmsg` | 75.0% |",
		"| `` | 0.0% | `main.main.func1` | 25.0% |",
	)
}

// scaleBench completes sampleBench with the sizes the flatness and
// linearity goals compare: a flat SQLite lookup, a PostgreSQL one that
// scans, a linear cold generate and a quadratic no-op one.
const scaleBench = `pkg: github.com/slackgen/slackgen/runtime/installstore/sqlitestore
BenchmarkFindBot/installations=100000-2 30000 50000 ns/op 2000 B/op 50 allocs/op
pkg: github.com/slackgen/slackgen/runtime/installstore/pgstore
BenchmarkFindBot/installations=1000-2 10000 100000 ns/op 2000 B/op 50 allocs/op
BenchmarkFindBot/installations=100000-2 100 10000000 ns/op 2000 B/op 50 allocs/op
pkg: github.com/slackgen/slackgen/generator
BenchmarkGenerate/cold/commands=50/events=0-2 20 50000000 ns/op
BenchmarkGenerate/cold/commands=200/events=0-2 20 160000000 ns/op
BenchmarkGenerate/noop/commands=50/events=0-2 20 5000000 ns/op
BenchmarkGenerate/noop/commands=200/events=0-2 20 80000000 ns/op
`

// renderReport writes r as BENCHMARKS.md in a temporary directory and
// returns it, failing t if a template value is missing.
func renderReport(t *testing.T, r *report) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := r.write(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "<no value>") {
		t.Error("report has a missing template value")
	}
	return string(data)
}

// reportHas fails t for each of wants that md lacks.
func reportHas(t *testing.T, md string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
