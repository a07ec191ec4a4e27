package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slackgen/slackgen/runtime/signature"
)

// The callgrind step counts the user-space instructions each server runs
// per request, under valgrind's callgrind: a measure that, unlike req/s and
// CPU time, does not move with the other processes of a shared machine.
// Each server runs alone under valgrind, pinned to the servers' CPU with
// GOMAXPROCS=1; a small client sends it signed requests over a few
// keep-alive connections: a warm-up, then, with the counters zeroed,
// exactly Requests requests, after which callgrind dumps its counters.

// callgrindConfig sets up the callgrind step.
type callgrindConfig struct {
	Requests int           // measured requests per server and payload
	Warmup   int           // requests sent before the counters are zeroed
	Conns    int           // keep-alive connections of the client
	Timeout  time.Duration // bound of one server's run for one payload, start to stop
}

// callgrindRun is one server's count for one payload.
type callgrindRun struct {
	Payload, Server string // server: app or reference
	Requests        int
	Ir              int64         // instructions counted while the Requests were served
	Took            time.Duration // from starting valgrind to stopping it
}

// PerReq is the instructions per request.
func (r callgrindRun) PerReq() float64 {
	if r.Requests == 0 {
		return 0
	}
	return float64(r.Ir) / float64(r.Requests)
}

// callgrindResults is what the report shows of the callgrind step.
type callgrindResults struct {
	Config   callgrindConfig
	Valgrind string // valgrind --version
	Runs     []callgrindRun
	Commands []string
	Took     time.Duration
	Skipped  string // why there are no counts, if there are none
}

// callgrindRow compares the servers' instructions per request for one
// payload.
type callgrindRow struct {
	Payload  string
	App, Ref callgrindRun
}

// Ratio is the app's instructions per request over the reference's.
func (r callgrindRow) Ratio() float64 { return ratio(r.App.PerReq(), r.Ref.PerReq()) }

// Rows pairs the app's and the reference's runs by payload, in the order
// they ran.
func (c *callgrindResults) Rows() []callgrindRow {
	var rows []callgrindRow
	for _, r := range c.Runs {
		i := slices.IndexFunc(rows, func(row callgrindRow) bool { return row.Payload == r.Payload })
		if i < 0 {
			rows = append(rows, callgrindRow{Payload: r.Payload})
			i = len(rows) - 1
		}
		if r.Server == "app" {
			rows[i].App = r
		} else {
			rows[i].Ref = r
		}
	}
	return rows
}

// rdtscp is RDTSCP followed by Go's runtime.cputicks's SHLQ $32, DX;
// valgrind 3.19 does not know RDTSCP and stops the program with SIGILL.
// rdtscNop is the same with RDTSC; NOP, which callgrind runs: the
// instruction count does not depend on which of the two reads the clock.
var (
	rdtscp   = []byte{0x0f, 0x01, 0xf9, 0x48, 0xc1, 0xe2, 0x20}
	rdtscNop = []byte{0x0f, 0x31, 0x90, 0x48, 0xc1, 0xe2, 0x20}
)

// patchRDTSCP replaces the one RDTSCP of Go's runtime.cputicks in the
// binary bin with RDTSC; NOP.
func patchRDTSCP(bin []byte) ([]byte, error) {
	switch n := bytes.Count(bin, rdtscp); n {
	case 1:
	case 0:
		return nil, fmt.Errorf("no RDTSCP of runtime.cputicks (% x) in the binary: a Go toolchain that reads the clock differently; look at runtime.cputicks (go tool objdump -s runtime.cputicks) and update rdtscp in bench/load/callgrind.go", rdtscp)
	default:
		return nil, fmt.Errorf("%d occurrences of RDTSCP; SHLQ $32, DX (% x) in the binary, expected one (runtime.cputicks): update the patch in bench/load/callgrind.go", n, rdtscp)
	}
	return bytes.Replace(bin, rdtscp, rdtscNop, 1), nil
}

// patchBinary writes to dst a copy of the executable src that valgrind
// can run (patchRDTSCP).
func patchBinary(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	patched, err := patchRDTSCP(data)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	return os.WriteFile(dst, patched, 0o755)
}

// parseCallgrindTotal returns the instruction count (event Ir) of a
// callgrind output file: its "summary:" line, or its "totals:" line.
func parseCallgrindTotal(data []byte) (int64, error) {
	var events []string
	var total []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "events:"); ok && events == nil {
			events = strings.Fields(v)
		} else if v, ok := strings.CutPrefix(line, "summary:"); ok {
			total = strings.Fields(v)
		} else if v, ok := strings.CutPrefix(line, "totals:"); ok && total == nil {
			total = strings.Fields(v)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	i := slices.Index(events, "Ir")
	switch {
	case i < 0:
		return 0, errors.New("no Ir in the events: line of the callgrind output")
	case total == nil:
		return 0, errors.New("no summary: or totals: line in the callgrind output: was the dump cut short?")
	case i >= len(total):
		return 0, fmt.Errorf("the callgrind output's summary has %d counts for %d events", len(total), len(events))
	}
	return strconv.ParseInt(total[i], 10, 64)
}

// callgrindAvailable returns valgrind's path and version, or why the step
// cannot run.
func callgrindAvailable() (valgrind, version string, err error) {
	valgrind, err = exec.LookPath("valgrind")
	if err != nil {
		return "", "", errors.New("valgrind is not installed (Debian: apt-get install valgrind)")
	}
	if _, err := exec.LookPath("callgrind_control"); err != nil {
		return "", "", errors.New("callgrind_control is missing (it comes with valgrind)")
	}
	out, err := exec.Command(valgrind, "--version").Output()
	if err != nil {
		return "", "", fmt.Errorf("valgrind --version: %w", err)
	}
	return valgrind, strings.TrimSpace(string(out)), nil
}

// runCallgrind counts the instructions per request of the app and the
// reference built by prepare, for each payload; the app uses the copy of
// the preloaded store at db. When valgrind is missing or a run fails, the
// results say why instead; only a cancelled ctx or a results file that
// cannot be written is an error.
func runCallgrind(ctx context.Context, lc loadConfig, cc callgrindConfig, p *prepared, db string, logw io.Writer) (*callgrindResults, error) {
	start := time.Now()
	res := &callgrindResults{Config: cc}
	err := countInstructions(ctx, lc, cc, p, db, res, logw)
	res.Took = time.Since(start)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		res.Skipped, res.Runs = err.Error(), nil
		fmt.Fprintf(logw, "== no instruction counts: %v\n", err)
		return res, nil
	}
	fmt.Fprintf(logw, "   instruction counts in %v\n", res.Took.Round(time.Second))
	return res, writeCallgrindResults(filepath.Join(lc.ResultsDir, "callgrind.txt"), res)
}

func countInstructions(ctx context.Context, lc loadConfig, cc callgrindConfig, p *prepared, db string, res *callgrindResults, logw io.Writer) error {
	valgrind, version, err := callgrindAvailable()
	if err != nil {
		return err
	}
	res.Valgrind = version
	dir := filepath.Join(lc.Tmp, "callgrind")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	appPath, refPath := filepath.Join(dir, appBin), filepath.Join(dir, refBin)
	for _, b := range [][2]string{{p.AppPath, appPath}, {p.RefPath, refPath}} {
		if err := patchBinary(b[0], b[1]); err != nil {
			return err
		}
	}
	deadAddr, err := freeAddr() // SLACK_URL, as in the load test
	if err != nil {
		return err
	}
	res.Commands = []string{
		"perl -0777 -pe 's/\\x0f\\x01\\xf9\\x48\\xc1\\xe2\\x20/\\x0f\\x31\\x90\\x48\\xc1\\xe2\\x20/' $TMP/ticketdesk > $TMP/callgrind/ticketdesk  # RDTSCP -> RDTSC; NOP in runtime.cputicks (done in Go; same for reference)",
		"GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 DATABASE_URL=$TMP/callgrind/data/installations.db HOST=127.0.0.1 PORT=<port> SLACK_URL=http://127.0.0.1:<closed port> SLACK_SIGNING_SECRET=… SLACK_CLIENT_ID=… SLACK_CLIENT_SECRET=… SLACK_STATE_SECRET=… " +
			"taskset -c " + lc.ServerCPU + " valgrind --tool=callgrind --callgrind-out-file=$TMP/callgrind/<payload>-app.out $TMP/callgrind/ticketdesk",
		"GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 SLACK_SIGNING_SECRET=… taskset -c " + lc.ServerCPU +
			" valgrind --tool=callgrind --callgrind-out-file=$TMP/callgrind/<payload>-reference.out $TMP/callgrind/reference -addr 127.0.0.1:<port>",
		fmt.Sprintf("# %d signed requests over %d keep-alive connections; wait until the server is idle", cc.Warmup, cc.Conns),
		"callgrind_control -z <pid>",
		fmt.Sprintf("# %d signed requests over %d keep-alive connections, each answered 200; wait until the server is idle", cc.Requests, cc.Conns),
		"callgrind_control -d <pid>",
		fmt.Sprintf("# instructions per request: the summary: line of <out>.1 / %d", cc.Requests),
	}
	teams := activeTeams(lc.Installations, lc.ActiveTeams)
	for _, pl := range []payload{commandPayload(teams), eventPayload(teams, 0)} { // event bodies: below
		if len(lc.Payloads) > 0 && !slices.Contains(lc.Payloads, pl.Name) {
			continue
		}
		// The bodies of the warm-up and of the measured requests; events
		// get ids of their own in each (eventBodies' run), so that the app
		// drops none as a retry.
		warm, measured := pl.Bodies, pl.Bodies
		if pl.Name == "event" {
			warm, measured = eventBodies(teams, cc.Warmup, 1), eventBodies(teams, cc.Requests, 2)
		}
		for _, srv := range []string{"app", "reference"} {
			addr, err := freeAddr()
			if err != nil {
				return err
			}
			out := filepath.Join(dir, pl.Name+"-"+srv+".out")
			args := []string{"--tool=callgrind", "--callgrind-out-file=" + out}
			env := []string{"GOMAXPROCS=1", "GODEBUG=asyncpreemptoff=1"}
			ready := "/healthz"
			if srv == "app" {
				_, port, _ := net.SplitHostPort(addr)
				args = append(args, appPath)
				env = append(env, appEnv(db, port, deadAddr)...)
			} else {
				args = append(args, refPath, "-addr", addr)
				env = append(env, "SLACK_SIGNING_SECRET="+benchSigningSecret)
				ready = "/"
			}
			fmt.Fprintf(logw, "== callgrind: %s, %s: %d requests after %d to warm up\n", pl.Name, srv, cc.Requests, cc.Warmup)
			r, err := countOne(ctx, lc.ServerCPU, valgrind, args, env, addr, ready, out, pl, warm, measured, cc)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", pl.Name, srv, err)
			}
			r.Payload, r.Server = pl.Name, srv
			fmt.Fprintf(logw, "   %-7s %-10s %10.0f instructions/request (%d in %d requests; %v)\n",
				pl.Name, srv, r.PerReq(), r.Ir, r.Requests, r.Took.Round(100*time.Millisecond))
			res.Runs = append(res.Runs, r)
		}
	}
	if len(res.Runs) == 0 {
		return errors.New("no payload selected")
	}
	return nil
}

// countOne starts valgrind with args and env, warms the server up with
// warm, zeroes the counters, sends cc.Requests requests of measured
// (round-robin) and returns the instructions callgrind counted meanwhile.
func countOne(ctx context.Context, cpu, valgrind string, args, env []string, addr, ready, out string, pl payload, warm, measured [][]byte, cc callgrindConfig) (callgrindRun, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, cc.Timeout)
	defer cancel()
	s, err := startServer("valgrind", cpu, valgrind, args, env, addr, out+".log")
	if err != nil {
		return callgrindRun{}, err
	}
	defer s.stop()
	// Under valgrind the servers start and run some 50 times slower.
	if err := s.waitReady(ready, min(cc.Timeout, 2*time.Minute)); err != nil {
		return callgrindRun{}, err
	}
	url := "http://" + addr + "/slack/events"
	if err := sendSigned(ctx, url, pl.ContentType, warm, cc.Warmup, cc.Conns); err != nil {
		return callgrindRun{}, fmt.Errorf("warming up: %w; the server's log:\n%s", err, s.tail(10))
	}
	pid := strconv.Itoa(s.cmd.Process.Pid)
	if err := s.waitIdle(ctx); err != nil {
		return callgrindRun{}, err
	}
	if err := callgrindControl(ctx, "-z", pid, env); err != nil {
		return callgrindRun{}, err
	}
	if err := sendSigned(ctx, url, pl.ContentType, measured, cc.Requests, cc.Conns); err != nil {
		return callgrindRun{}, fmt.Errorf("%w; the server's log:\n%s", err, s.tail(10))
	}
	// Let the app's worker pool finish the events it acked.
	if err := s.waitIdle(ctx); err != nil {
		return callgrindRun{}, err
	}
	if err := callgrindControl(ctx, "-d", pid, env); err != nil {
		return callgrindRun{}, err
	}
	ir, err := readDump(ctx, out+".1")
	if err != nil {
		return callgrindRun{}, err
	}
	if bad, err := logProblems(s.logPath); err != nil {
		return callgrindRun{}, err
	} else if len(bad) > 0 {
		return callgrindRun{}, fmt.Errorf("the server logged warnings, errors or dropped retries, so it did not serve every request alike; the first: %s", strings.Join(bad, "\n"))
	}
	s.stop()
	return callgrindRun{Requests: cc.Requests, Ir: ir, Took: time.Since(start)}, nil
}

// logProblems returns the first three warnings, errors and dropped
// retries of the server's JSON log at path (valgrind's own lines, which
// share the file, are not JSON), except the de-duplication window's
// warning (see dedupeWindow).
func logProblems(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var bad []string
	for line := range bytes.Lines(data) {
		if bytes.Contains(line, []byte(`"msg":"`+dedupeWindowMsg)) {
			continue // see dedupeWindow
		}
		if len(bad) < 3 && (bytes.Contains(line, []byte(`"level":"WARN"`)) || bytes.Contains(line, []byte(`"level":"ERROR"`)) ||
			bytes.Contains(line, []byte(`"msg":"`+droppedRetryMsg+`"`))) {
			bad = append(bad, string(bytes.TrimSpace(line)))
		}
	}
	return bad, nil
}

// callgrindControl runs callgrind_control with flag (-z, -d) on pid, whose
// environment was env. It exits 0 even when it finds no such callgrind
// run, so its output is checked too. valgrind names the pipes it takes
// commands through after $HOST when set (else the host name), so
// callgrind_control gets the server's HOST, or none: the app's HOST (its
// listen address) made every command go unheard.
func callgrindControl(ctx context.Context, flag, pid string, env []string) error {
	cmd := exec.CommandContext(ctx, "callgrind_control", flag, pid)
	cmd.Env = withHost(os.Environ(), env)
	out, err := cmd.CombinedOutput()
	if err == nil && (bytes.Contains(out, []byte("Error")) || bytes.Contains(out, []byte("No active callgrind runs"))) {
		err = errors.New("failed")
	}
	if err != nil {
		return fmt.Errorf("callgrind_control %s %s: %w: %s", flag, pid, err, bytes.TrimSpace(out))
	}
	return nil
}

// readDump waits for callgrind's dump at path to be complete (it ends with
// a totals: line) and returns its instruction count.
func readDump(ctx context.Context, path string) (int64, error) {
	for {
		data, err := os.ReadFile(path)
		if err == nil && bytes.Contains(data, []byte("\ntotals:")) {
			return parseCallgrindTotal(data)
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = errors.New("it has no totals: line")
			}
			return 0, fmt.Errorf("callgrind's dump %s: %w (%w)", filepath.Base(path), err, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitIdle waits until the server has used less than a tenth of its CPU
// for a quarter of a second: it has answered and finished what it acked.
func (s *server) waitIdle(ctx context.Context) error {
	const interval = 250 * time.Millisecond
	prev, err := s.cpuTime()
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the server to be idle: %w", ctx.Err())
		case <-s.exited:
			return fmt.Errorf("the server exited; its log:\n%s", s.tail(20))
		case <-time.After(interval):
		}
		cur, err := s.cpuTime()
		if err != nil {
			return err
		}
		if cur-prev < interval/10 {
			return nil
		}
		prev = cur
	}
}

// sendSigned POSTs n requests to url over conns keep-alive connections,
// with bodies round-robin, each signed for now with the bench's secret,
// and fails unless every answer is 200.
func sendSigned(ctx context.Context, url, contentType string, bodies [][]byte, n, conns int) error {
	if len(bodies) == 0 {
		return errors.New("no bodies to send")
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sigs := make([]string, len(bodies))
	for i, b := range bodies {
		sigs[i] = signature.Sign(benchSigningSecret, ts, b)
	}
	tr := &http.Transport{MaxConnsPerHost: conns, MaxIdleConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	for range conns {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				k := i % len(bodies)
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(bodies[k]))
				if err != nil {
					fail(err)
					return
				}
				req.Header.Set("Content-Type", contentType)
				req.Header.Set("X-Slack-Request-Timestamp", ts)
				req.Header.Set("X-Slack-Signature", sigs[k])
				resp, err := client.Do(req)
				if err != nil {
					fail(fmt.Errorf("request %d of %d: %w", i+1, n, err))
					return
				}
				body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
				resp.Body.Close()
				if err != nil {
					fail(fmt.Errorf("request %d of %d: reading the answer: %w", i+1, n, err))
					return
				}
				if resp.StatusCode != http.StatusOK {
					fail(fmt.Errorf("request %d of %d: status %d, want 200: %s", i+1, n, resp.StatusCode, bytes.TrimSpace(body)))
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

// writeCallgrindResults writes the counts in the format of go test
// -bench, for benchstat: one benchmark per payload and server, with the
// measured requests as iterations.
func writeCallgrindResults(path string, res *callgrindResults) error {
	var b strings.Builder
	fmt.Fprintf(&b, "goos: linux\ngoarch: amd64\npkg: github.com/slackgen/slackgen/bench/load/callgrind\n")
	for _, r := range res.Runs {
		fmt.Fprintf(&b, "BenchmarkInstructions/payload=%s/server=%s %d %.0f instructions/op %d instructions\n",
			r.Payload, r.Server, r.Requests, r.PerReq(), r.Ir)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// withHost returns base with HOST as in server (removed when server has
// none).
func withHost(base, server []string) []string {
	out := make([]string, 0, len(base)+1)
	for _, kv := range base {
		if !strings.HasPrefix(kv, "HOST=") {
			out = append(out, kv)
		}
	}
	for _, kv := range server {
		if strings.HasPrefix(kv, "HOST=") {
			out = append(out, kv)
		}
	}
	return out
}
