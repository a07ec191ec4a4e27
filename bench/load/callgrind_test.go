package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/signature"
)

func TestPatchRDTSCP(t *testing.T) {
	prefix, suffix := []byte("\x7fELF some code \x0f\x01"), []byte(" more code \xf9\x48")
	bin := append(append(append([]byte{}, prefix...), rdtscp...), suffix...)
	got, err := patchRDTSCP(bin)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(append([]byte{}, prefix...), 0x0f, 0x31, 0x90, 0x48, 0xc1, 0xe2, 0x20), suffix...)
	if !bytes.Equal(got, want) {
		t.Errorf("patched\n% x\nwant\n% x", got, want)
	}
	if !bytes.Contains(bin, rdtscp) {
		t.Error("patchRDTSCP changed its input")
	}

	if _, err := patchRDTSCP(append(prefix, suffix...)); err == nil || !strings.Contains(err.Error(), "no RDTSCP") {
		t.Errorf("without RDTSCP: err = %v, want one saying there is none", err)
	}
	twice := append(append(append([]byte{}, bin...), rdtscp...), suffix...)
	if _, err := patchRDTSCP(twice); err == nil || !strings.Contains(err.Error(), "2 occurrences") {
		t.Errorf("with two RDTSCP: err = %v, want one counting them", err)
	}
}

// The pattern must match the toolchain that builds the servers. (Not
// tried on this test binary, which holds the pattern as data too.)
func TestPatchFindsCputicksOfThisToolchain(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("runtime.cputicks reads RDTSCP on amd64 only")
	}
	dir := t.TempDir()
	ref := filepath.Join(dir, "reference")
	if out, err := exec.Command("go", "build", "-o", ref, "../reference").CombinedOutput(); err != nil {
		t.Fatalf("go build ../reference: %v\n%s", err, out)
	}
	dst := filepath.Join(dir, "patched")
	if err := patchBinary(ref, dst); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, rdtscp) || bytes.Count(data, rdtscNop) != 1 {
		t.Error("the patched copy still has RDTSCP, or not exactly one RDTSC; NOP")
	}
	if fi, err := os.Stat(dst); err != nil || fi.Mode()&0o100 == 0 {
		t.Errorf("the patched copy is not executable: %v, %v", fi.Mode(), err)
	}
}

func TestParseCallgrindTotal(t *testing.T) {
	const head = "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npid: 5644\ncmd:  /tmp/server\npart: 1\n\n" +
		"desc: Timerange: Basic block 0 - 29690\ndesc: Trigger: Client Request: dump\n\npositions: line\n"
	for _, tc := range []struct {
		name, data string
		want       int64
		wantErr    string
	}{
		{"summary", head + "events: Ir\nsummary: 1202335927\n\n\nob=(5) /tmp/server\nfn=(1) main\n0 11\n\ntotals: 1202335920\n", 1202335927, ""},
		{"totals only", head + "events: Ir\n\nfn=(1) main\n0 11\n\ntotals: 888926886\n", 888926886, ""},
		{"Ir not first", head + "events: Dr Ir Dw\nsummary: 30110 131425 13391\n\ntotals: 30110 131423 13391\n", 131425, ""},
		{"no Ir", head + "events: Dr\nsummary: 30110\n", 0, "no Ir"},
		{"cut short", head + "events: Ir\n\nfn=(1) main\n0 11\n", 0, "no summary"},
		{"short summary", head + "events: Dr Ir\nsummary: 30110\n", 0, "1 counts for 2 events"},
	} {
		got, err := parseCallgrindTotal([]byte(tc.data))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %d, %v; want %d", tc.name, got, err, tc.want)
		}
	}
}

func TestSendSigned(t *testing.T) {
	verifier, err := signature.New([]string{benchSigningSecret})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		bodies = map[string]int{}
		conns  = map[string]bool{}
		n      int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := verifier.Verify(r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature"), body); err != nil ||
			r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad request", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		n++
		bodies[string(body)]++
		conns[r.RemoteAddr] = true
		if string(body) == "fail" {
			http.Error(w, "worker pool full", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	ctx := context.Background()

	if err := sendSigned(ctx, srv.URL, "application/json", [][]byte{[]byte("a"), []byte("b"), []byte("c")}, 100, 2); err != nil {
		t.Fatal(err)
	}
	if n != 100 || bodies["a"] != 34 || bodies["b"] != 33 || bodies["c"] != 33 {
		t.Errorf("the server got %d requests, bodies %v; want exactly 100, round-robin", n, bodies)
	}
	if len(conns) > 2 {
		t.Errorf("%d connections, want at most 2 (keep-alive)", len(conns))
	}

	err = sendSigned(ctx, srv.URL, "application/json", [][]byte{[]byte("a"), []byte("fail")}, 10, 2)
	if err == nil || !strings.Contains(err.Error(), "status 503") || !strings.Contains(err.Error(), "worker pool full") {
		t.Errorf("with a 503: err = %v, want one naming the status and the answer", err)
	}

	ctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := sendSigned(ctx, srv.URL, "application/json", [][]byte{[]byte("a")}, 10, 2); err == nil {
		t.Error("with a cancelled context: no error")
	}
}

func TestLogProblems(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	log := "==1== Callgrind, a call-graph generating cache profiler\n" +
		`{"time":"…","level":"INFO","msg":"listening"}` + "\n" +
		`{"time":"…","level":"WARN","msg":"worker pool full: refused an event so that Slack retries it"}` + "\n" +
		`{"time":"…","level":"DEBUG","msg":"` + droppedRetryMsg + `"}` + "\n" +
		`{"time":"…","level":"WARN","msg":"` + dedupeWindowMsg + ` before their TTL…","kept_for":"12s"}` + "\n" +
		"==1== Events    : Ir\n"
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	bad, err := logProblems(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 2 || !strings.Contains(bad[0], "worker pool full") || !strings.Contains(bad[1], droppedRetryMsg) {
		t.Errorf("logProblems = %q, want the warning and the dropped retry, not the de-duplication window's warning", bad)
	}
}

func TestWriteCallgrindResultsIsBenchFormat(t *testing.T) {
	res := &callgrindResults{Runs: []callgrindRun{
		{Payload: "event", Server: "app", Requests: 10000, Ir: 1202335927},
		{Payload: "event", Server: "reference", Requests: 10000, Ir: 888926886},
	}}
	path := filepath.Join(t.TempDir(), "callgrind.txt")
	if err := writeCallgrindResults(path, res); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var set benchSet
	if err := parseBench(f, &set); err != nil {
		t.Fatal(err)
	}
	app := set.get("bench/load/callgrind", "Instructions/payload=event/server=app")
	if app == nil {
		t.Fatalf("no app result in %+v", set.results)
	}
	if got := app.metric("instructions/op").Median; got != 120234 {
		t.Errorf("app instructions/op = %v, want 120234", got)
	}
}

func TestFmtCount(t *testing.T) {
	for x, want := range map[float64]string{0: "0", 999.4: "999", 1000: "1,000", 120233.6: "120,234", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := fmtCount(x); got != want {
			t.Errorf("fmtCount(%v) = %q, want %q", x, got, want)
		}
	}
}

func TestCallgrindReport(t *testing.T) {
	cc := callgrindConfig{Requests: 10000, Warmup: 2000, Conns: 2}
	base := report{
		Started: time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC), Finished: time.Date(2026, 11, 23, 3, 1, 0, 0, time.UTC),
		LoadConfig: loadConfig{ServerCPU: "0"},
	}
	render := func(r report) string { return renderReport(t, &r) }

	measured := base
	measured.Callgrind = &callgrindResults{Config: cc, Valgrind: "valgrind-3.19.0", Took: 63 * time.Second,
		Commands: []string{"callgrind_control -z <pid>", "callgrind_control -d <pid>"},
		Runs: []callgrindRun{
			{Payload: "command", Server: "app", Requests: 10000, Ir: 1208333203},
			{Payload: "command", Server: "reference", Requests: 10000, Ir: 1065916045},
			{Payload: "event", Server: "app", Requests: 10000, Ir: 1202335927},
			{Payload: "event", Server: "reference", Requests: 10000, Ir: 888926886},
		}}
	md := render(measured)
	reportHas(t, md,
		"## Instructions per request (callgrind)",
		"valgrind's\ncallgrind (valgrind-3.19.0)",
		"pinned to CPU 0 with",
		"2000 to warm up, then, with the counters zeroed, exactly 10000",
		"| command | 120,833 | 106,592 | 1.134 |",
		"| event | 120,234 | 88,893 | 1.353 |",
		"This step took 1m3s.",
		"callgrind_control -z <pid>\ncallgrind_control -d <pid>\n```",
	)
	if strings.Contains(md, "Not measured") {
		t.Error("a measured report says it was not measured")
	}

	skipped := base
	skipped.Callgrind = &callgrindResults{Config: cc, Skipped: "valgrind is not installed (Debian: apt-get install valgrind)"}
	md = render(skipped)
	if !strings.Contains(md, "Not measured: valgrind is not installed (Debian: apt-get install valgrind).") {
		t.Error("the report of a skipped step does not say why")
	}
	if strings.Contains(md, "| payload | app (instructions/request)") {
		t.Error("the report of a skipped step has a table")
	}

	if md := render(base); strings.Contains(md, "Instructions per request") {
		t.Error("a report without the step mentions callgrind")
	}
}

func TestCopyStore(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "a.db"), filepath.Join(dir, "copy", "data", "a.db")
	if err := os.WriteFile(src, []byte("db"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src+"-wal", []byte("wal"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := copyStore(src, dst); err != nil {
		t.Fatal(err)
	}
	for suffix, want := range map[string]string{"": "db", "-wal": "wal"} {
		if got, err := os.ReadFile(dst + suffix); err != nil || string(got) != want {
			t.Errorf("copy%s = %q, %v; want %q", suffix, got, err, want)
		}
	}
	if err := os.Remove(src + "-wal"); err != nil {
		t.Fatal(err)
	}
	if err := copyStore(src, filepath.Join(dir, "copy2.db")); err != nil {
		t.Errorf("without a WAL: %v", err)
	}
}

// TestWithHost: callgrind_control must see the server's HOST (valgrind
// names its command pipes after it), and no HOST when the server has none.
func TestWithHost(t *testing.T) {
	base := []string{"PATH=/bin", "HOST=mybox", "HOME=/root"}
	if got := withHost(base, []string{"PORT=1", "HOST=127.0.0.1"}); !slices.Equal(got, []string{"PATH=/bin", "HOME=/root", "HOST=127.0.0.1"}) {
		t.Errorf("with the app's HOST: %q", got)
	}
	if got := withHost(base, []string{"SLACK_SIGNING_SECRET=x"}); !slices.Equal(got, []string{"PATH=/bin", "HOME=/root"}) {
		t.Errorf("without a HOST: %q", got)
	}
}
