// Command load is `make bench`: it measures slackgen's generated app
// against a minimal reference server under the same signed Slack traffic,
// counts both servers' instructions per request under valgrind's callgrind,
// runs the microbenchmarks of the request path, the installation stores and
// the generator, profiles the request path, and rewrites BENCHMARKS.md from
// what it measured.
//
// Run it from the repository root (the Makefile's bench target does):
//
//	go run ./bench/load                # everything, ~8 minutes
//	go run ./bench/load -rounds 1 -duration 3s -micro=false   # a quick look at the load test
//	go run ./bench/load -load=false -micro=false -profile=false -out /tmp/b.md -results /tmp/r   # the instruction counts alone, ~1 minute
//
// The load test needs wrk and taskset and at least two CPUs: the servers
// run on one (-server-cpu), wrk on another (-client-cpu). The instruction
// counts need valgrind (callgrind); without it the report says so.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	root, out, results string
	load, micro, prof  bool
	callgrind          bool
	keep               bool
	lc                 loadConfig
	cc                 callgrindConfig
	benchTime          string
	count              int
}

func run(args []string, logw io.Writer) error {
	var o options
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.StringVar(&o.root, "root", ".", "repository root")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "report to write (relative to -root); empty: none")
	fs.StringVar(&o.results, "results", "bench/results", "directory of the raw results (relative to -root unless absolute)")
	fs.BoolVar(&o.load, "load", true, "run the load test")
	fs.BoolVar(&o.micro, "micro", true, "run the microbenchmarks")
	fs.BoolVar(&o.prof, "profile", true, "profile the request path")
	fs.IntVar(&o.lc.Installations, "installations", 10_000, "installations preloaded in the app's store")
	fs.IntVar(&o.lc.ActiveTeams, "teams", 1_000, "workspaces the load comes from (spread over the preloaded ones)")
	fs.IntVar(&o.lc.EventVariants, "event-ids", 50_000, "distinct event ids sent round-robin")
	fs.DurationVar(&o.lc.Warmup, "warmup", 3*time.Second, "wrk warm-up before each measured run")
	fs.DurationVar(&o.lc.Duration, "duration", 10*time.Second, "measured wrk run")
	fs.IntVar(&o.lc.Rounds, "rounds", 3, "rounds per payload, alternating app and reference")
	fs.IntVar(&o.lc.Conns, "conns", 32, "wrk connections")
	fs.StringVar(&o.lc.ServerCPU, "server-cpu", "0", "taskset CPU list of the servers")
	fs.StringVar(&o.lc.ClientCPU, "client-cpu", "1", "taskset CPU list of wrk")
	fs.StringVar(&o.lc.AppBin, "app", "", "measure this app binary instead of building examples/multi-workspace (for A/B comparisons)")
	fs.Func("payloads", "comma-separated payloads of the load test (command, event; default both)", func(v string) error {
		o.lc.Payloads = strings.Split(v, ",")
		return nil
	})
	fs.StringVar(&o.lc.GOGCProbe, "gogc-probe", "400", "after the measured rounds, run the app once more per payload with this GOGC beside a reference round, to show the garbage collector's share of the gap (empty: skip)")
	fs.BoolVar(&o.lc.Perf, "perf", true, "profile round 1 of each server live with perf record (skipped when perf cannot record here)")
	fs.BoolVar(&o.callgrind, "callgrind", true, "count the instructions per request of both servers under valgrind's callgrind (skipped, with the reason in the report, when valgrind is missing or fails)")
	fs.IntVar(&o.cc.Requests, "callgrind-requests", 10_000, "measured requests per server and payload under callgrind")
	fs.IntVar(&o.cc.Warmup, "callgrind-warmup", 2_000, "requests sent under callgrind before the counters are zeroed")
	fs.IntVar(&o.cc.Conns, "callgrind-conns", 2, "keep-alive connections of the callgrind client (with more, the app under valgrind refuses events: worker pool full)")
	fs.DurationVar(&o.cc.Timeout, "callgrind-timeout", 3*time.Minute, "bound of one server's callgrind run for one payload")
	fs.StringVar(&o.benchTime, "benchtime", "1s", "-benchtime of the microbenchmarks")
	fs.IntVar(&o.count, "count", 3, "-count of the microbenchmarks")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binaries, preloaded store, callgrind and perf outputs) and print its path, for callgrind_annotate or perf report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.lc.SampleInterval = 100 * time.Millisecond
	root, err := filepath.Abs(o.root)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(root, "bench", "signed.lua")); err != nil {
		return errors.New("run from the repository root, or pass -root")
	}
	o.root, o.lc.Root = root, root
	if !filepath.IsAbs(o.results) {
		o.results = filepath.Join(root, o.results)
	}
	o.lc.ResultsDir = o.results
	if err := os.MkdirAll(o.results, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "slackgen-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		defer fmt.Fprintf(logw, "== kept %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	o.lc.Tmp = tmp

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	rep := &report{Started: time.Now().UTC()}
	if rep.Machine, err = readMachine(); err != nil {
		return err
	}
	var prep *prepared
	cgDB := filepath.Join(tmp, "callgrind", "data", "installations.db") // the callgrind step's copy of the preloaded store
	if o.load || o.callgrind {
		copyTo := ""
		if o.callgrind {
			copyTo = cgDB
		}
		if prep, err = prepare(ctx, o.lc, copyTo, logw); err != nil {
			return err
		}
	}
	if o.load {
		rep.LoadBefore = loadAvg()
		if rep.Load, err = runLoad(ctx, o.lc, prep, logw); err != nil {
			return fmt.Errorf("load test: %w", err)
		}
		rep.LoadAfter = loadAvg()
		rep.LoadConfig = o.lc
	}
	if o.callgrind {
		if rep.Callgrind, err = runCallgrind(ctx, o.lc, o.cc, prep, cgDB, logw); err != nil {
			return fmt.Errorf("callgrind: %w", err)
		}
		rep.LoadConfig = o.lc
	}
	if o.micro {
		rep.Benches = &benchSet{}
		for _, b := range microRuns(o.benchTime, o.count) {
			if err := b.run(root, o.results, rep.Benches, logw); err != nil {
				return err
			}
			rep.BenchCommands = append(rep.BenchCommands, b.command())
		}
	}
	if o.prof {
		if rep.Profiles, err = runProfiles(root, o.results, tmp, logw); err != nil {
			return err
		}
	}
	rep.Finished = time.Now().UTC()
	rep.LoadEnd = loadAvg()
	if o.out == "" {
		return nil
	}
	out := o.out
	if !filepath.IsAbs(out) {
		out = filepath.Join(root, out)
	}
	if err := rep.write(out); err != nil {
		return err
	}
	fmt.Fprintf(logw, "== wrote %s (%s)\n", o.out, rep.Finished.Sub(rep.Started).Round(time.Second))
	return nil
}
