package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sampleBench = `goos: linux
goarch: amd64
pkg: github.com/slackgen/slackgen/runtime/signature
cpu: AMD EPYC
BenchmarkVerify-2   	 2000000	       590.0 ns/op	 508.40 MB/s	       0 B/op	       0 allocs/op
BenchmarkVerify-2   	 2000000	       610.0 ns/op	 491.80 MB/s	       0 B/op	       0 allocs/op
BenchmarkVerify-2   	 2000000	       600.0 ns/op	 500.00 MB/s	       0 B/op	       0 allocs/op
PASS
ok  	github.com/slackgen/slackgen/runtime/signature	5.1s
pkg: github.com/slackgen/slackgen/runtime/installstore/sqlitestore
BenchmarkFindBot/installations=1000-2         	   30000	     40000 ns/op	    2000 B/op	      50 allocs/op
BenchmarkLogs
    bench_test.go:10: a log line
BenchmarkGenerate/cold/commands=5/events=0-2 	     100	   9000000 ns/op	   4000000 cpu-ns/op	  1000 B/op	  10 allocs/op
`

func TestParseBench(t *testing.T) {
	var set benchSet
	if err := parseBench(strings.NewReader(sampleBench), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.results) != 3 {
		t.Fatalf("got %d results, want 3: %+v", len(set.results), set.results)
	}
	v := set.get("/signature", "Verify")
	if v == nil {
		t.Fatal("Verify not found")
	}
	if got := v.metric("ns/op"); got != (spread{600, 590, 610, 3}) {
		t.Errorf("Verify ns/op = %+v", got)
	}
	if got := v.metric("allocs/op").Median; got != 0 {
		t.Errorf("Verify allocs/op = %v", got)
	}
	fb := set.get("/sqlitestore", "FindBot/installations=1000")
	if fb == nil || fb.metric("ns/op").Median != 40000 {
		t.Errorf("FindBot = %+v", fb)
	}
	if set.get("/signature", "FindBot/installations=1000") != nil {
		t.Error("a result was found under the wrong package")
	}
	g := set.get("", "Generate/cold/commands=5/events=0")
	if g == nil || g.metric("cpu-ns/op").Median != 4e6 {
		t.Errorf("Generate = %+v", g)
	}
}

func TestParseBenchBadValue(t *testing.T) {
	var set benchSet
	err := parseBench(strings.NewReader("BenchmarkX-2 10 abc ns/op\n"), &set)
	if err == nil {
		t.Fatal("want an error for a non-numeric value")
	}
}

func TestBenchRunCommand(t *testing.T) {
	b := benchRun{File: "sig.txt", Dir: "runtime", Pkgs: []string{"./signature"}, Bench: "Verify|Floor", Time: "1s", Count: 3, Timeout: 0}
	got := b.command()
	want := "(cd runtime && go test -run '^$' -bench 'Verify|Floor' -benchmem -benchtime 1s -count 3 -timeout 0s ./signature) > bench/results/sig.txt"
	if got != want {
		t.Errorf("command =\n%s\nwant\n%s", got, want)
	}
}

func TestBenchRunCommandInterleaved(t *testing.T) {
	b := benchRun{File: "sig.txt", Dir: "runtime", Pkgs: []string{"./signature"}, Bench: "Verify|Floor", Time: "1s", Count: 3, Interleave: true}
	got := b.command()
	want := "for i in $(seq 3); do (cd runtime && go test -run '^$' -bench 'Verify|Floor' -benchmem -benchtime 1s -count 1 -timeout 0s ./signature); done > bench/results/sig.txt"
	if got != want {
		t.Errorf("command =\n%s\nwant\n%s", got, want)
	}
}

// TestBenchRunInterleaves runs two benchmarks of a scratch module twice,
// interleaved: the saved output alternates them, and each gets two values.
func TestBenchRunInterleaves(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	root := t.TempDir()
	files := map[string]string{
		"go.mod":     "module scratch\n\ngo 1.22\n",
		"b_test.go":  "package scratch\n\nimport \"testing\"\n\nfunc BenchmarkA(b *testing.B) { for b.Loop() {} }\n\nfunc BenchmarkB(b *testing.B) { for b.Loop() {} }\n",
		"scratch.go": "package scratch\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	results := t.TempDir()
	b := benchRun{File: "ab.txt", Dir: ".", Pkgs: []string{"."}, Bench: ".", Time: "10x", Count: 2, Timeout: time.Minute, Interleave: true}
	var set benchSet
	if err := b.run(root, results, &set, io.Discard); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(filepath.Join(results, "ab.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, line := range strings.Split(string(out), "\n") {
		if name, _, ok := strings.Cut(line, "-"); ok && strings.HasPrefix(name, "Benchmark") {
			order = append(order, name)
		}
	}
	if strings.Join(order, " ") != "BenchmarkA BenchmarkB BenchmarkA BenchmarkB" {
		t.Errorf("order %v, want A and B alternating", order)
	}
	for _, name := range []string{"A", "B"} {
		if r := set.get("scratch", name); r == nil || len(r.Metrics["ns/op"]) != 2 {
			t.Errorf("%s: %+v, want 2 values", name, r)
		}
	}
}
