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
		// slackgen generate on 5, 50 and 200 commands.
		{File: "generator.txt", Dir: ".", Pkgs: []string{"./generator"}, Bench: "Generate", Time: "20x", Count: count, Timeout: 10 * time.Minute},
	}
}
