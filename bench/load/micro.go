package main

import "time"

// microRuns lists the microbenchmarks `make bench` runs, each saved to its
// own file under bench/results (benchstat reads them).
func microRuns(benchTime string, count int) []benchRun {
	return []benchRun{
		// Verification against the pooled crypto/hmac floor, interleaved:
		// the goal is their ratio.
		{File: "signature.txt", Dir: "runtime", Pkgs: []string{"./signature"}, Bench: ".", Time: benchTime, Count: count, Timeout: 5 * time.Minute, Interleave: true},
		// Each stage of the request path and the whole path through the
		// handler (the loopback Server* benchmarks are left out: the load
		// test measures that over real sockets).
		{File: "slackapp.txt", Dir: "runtime", Pkgs: []string{"./slackapp"}, Bench: "^Benchmark[^S]", Time: benchTime, Count: count, Timeout: 5 * time.Minute},
		// FindBot at 1k, 10k and 100k installations (PostgreSQL when
		// SLACKGEN_TEST_POSTGRES_URL is set) and the cache.
		{File: "installstore.txt", Dir: "runtime", Pkgs: []string{"./installstore", "./installstore/sqlitestore", "./installstore/pgstore"},
			Bench: "FindBot", Time: benchTime, Count: count, Timeout: 10 * time.Minute},
		// slackgen generate on 5, 50 and 200 commands, interleaved: the
		// goal is the ratio of the 200- and 50-command runs, and a cold
		// run (files written and synced) moved by up to 1.8x in CPU time
		// between one run and the next on this machine. Measured three
		// times in a row each, the 200-command runs fell in a slower spell
		// than the 50-command ones in two of three reports (ratios 1.64
		// and 1.56, against 1.03).
		{File: "generator.txt", Dir: ".", Pkgs: []string{"./generator"}, Bench: "Generate", Time: "20x", Count: count, Timeout: 10 * time.Minute, Interleave: true},
	}
}
