package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// loadConfig sets up the load test.
type loadConfig struct {
	Root, Tmp      string
	AppBin         string   // a prebuilt app to measure instead of building examples/multi-workspace
	Payloads       []string // names of the payloads to send (command, event); empty: all
	Installations  int      // preloaded in the app's SQLite store
	ActiveTeams    int      // workspaces the traffic comes from
	EventVariants  int      // distinct event ids, sent round-robin
	Warmup         time.Duration
	Duration       time.Duration
	Rounds         int
	Conns          int
	ServerCPU      string
	ClientCPU      string
	SampleInterval time.Duration
	Perf           bool   // profile round 1 of each server with perf record
	ResultsDir     string // where the raw perf reports go
	GOGCProbe      string // when set, one more round per payload of the app run with this GOGC (see gcProbe)
}

// round is one measured wrk run against one server.
type round struct {
	Server   string
	N        int
	Wrk      wrkResult
	CPU      time.Duration // CPU time (user + system) the server used during the run
	RSSMax   int64         // largest VmRSS sampled during the run
	HWM      int64         // VmHWM after the run
	LogLines int
	Levels   map[string]int
	Samples  []string     // first warnings/errors logged during the run
	Perf     *perfProfile // live profile of the run, when taken
}

// payloadResult holds the rounds of both servers for one payload.
type payloadResult struct {
	Payload          payload
	Variants         int
	App, Ref         []round
	PerfApp, PerfRef *perfProfile // live profiles of the median rounds
}

// loadResults is what the report shows of the load test.
type loadResults struct {
	Payloads         []payloadResult
	IdleApp, IdleRef int64 // VmRSS before any traffic
	HWMApp, HWMRef   int64 // VmHWM at the end
	BuildCommands    []string
	StartCommands    []string
	WrkCommand       string
	PreloadTime      time.Duration
	PerfSkipped      string // why there is no live profile, if there is none
	GCProbe          *gcProbe
}

// gcProbe is one more round per payload, after the measured ones, of the
// same app binary run with GOGC raised, each beside a reference round: it
// shows how much of the app's gap to the reference is its garbage
// collector's work (the reference's live heap is nearly empty, the app's
// holds its caches). It is not how the app ships and no goal is judged on
// it.
type gcProbe struct {
	GOGC string
	Rows []gcProbeRow
}

type gcProbeRow struct {
	Payload  string
	App, Ref round
}

// RPSRatio is the probe's app req/s over the reference round's beside it.
func (r gcProbeRow) RPSRatio() float64 { return ratio(r.App.Wrk.RPS(), r.Ref.Wrk.RPS()) }

// CPURatio is the same for the CPU time per request.
func (r gcProbeRow) CPURatio() float64 { return ratio(r.App.CPUPerReq(), r.Ref.CPUPerReq()) }

const (
	benchSigningSecret = "bench-signing-secret-8f14e45fceea167a5a36dedd4bea2543"
	appBin             = "ticketdesk"
	refBin             = "reference"
)

// prepared is what the load test and the callgrind step share: the
// servers' binaries and the preloaded installation store.
type prepared struct {
	AppPath, RefPath string
	DBPath           string // the preloaded store, the load test's app's
	BuildCommands    []string
	PreloadTime      time.Duration
}

// prepare builds the example app (unless c.AppBin names one) and the
// reference server into c.Tmp, and preloads c.Installations installations
// into $TMP/data/installations.db; when copyTo is set, it also copies the
// store there before any server opens it.
func prepare(ctx context.Context, c loadConfig, copyTo string, logw io.Writer) (*prepared, error) {
	appDir := filepath.Join(c.Root, "examples", "multi-workspace")
	p := &prepared{
		AppPath: filepath.Join(c.Tmp, appBin), RefPath: filepath.Join(c.Tmp, refBin),
		DBPath: filepath.Join(c.Tmp, "data", "installations.db"),
	}
	builds := []struct {
		dir  string
		args []string
		env  []string
		show string
	}{
		{appDir, []string{"build", "-o", p.AppPath, "."}, []string{"GOWORK=off"}, "(cd examples/multi-workspace && GOWORK=off go build -o $TMP/ticketdesk .)"},
		{c.Root, []string{"build", "-o", p.RefPath, "./bench/reference"}, nil, "go build -o $TMP/reference ./bench/reference"},
	}
	if c.AppBin != "" {
		builds = builds[1:]
		p.AppPath = c.AppBin
	}
	// Preload while building: one waits on fsync, the other on the CPU.
	fmt.Fprintf(logw, "== preloading %d installations into $TMP/data/installations.db\n", c.Installations)
	preloaded := make(chan error, 1)
	go func() {
		start := time.Now()
		err := preload(ctx, p.DBPath, c.Installations)
		p.PreloadTime = time.Since(start)
		preloaded <- err
	}()
	for _, b := range builds {
		fmt.Fprintf(logw, "== %s\n", b.show)
		cmd := exec.CommandContext(ctx, "go", b.args...)
		cmd.Dir = b.dir
		cmd.Env = append(os.Environ(), b.env...)
		cmd.Stdout, cmd.Stderr = logw, logw
		if err := cmd.Run(); err != nil {
			<-preloaded // the store is in $TMP, removed on return
			return nil, fmt.Errorf("%s: %w", b.show, err)
		}
		p.BuildCommands = append(p.BuildCommands, b.show)
	}
	if err := <-preloaded; err != nil {
		return nil, err
	}
	fmt.Fprintf(logw, "   preloaded in %v\n", p.PreloadTime.Round(time.Millisecond))
	if copyTo != "" {
		if err := copyStore(p.DBPath, copyTo); err != nil {
			return nil, fmt.Errorf("copying the preloaded store: %w", err)
		}
	}
	return p, nil
}

// copyStore copies the SQLite database at src (and its write-ahead log,
// if one was left) to dst, creating dst's directory.
func copyStore(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(src + suffix)
		if suffix != "" && errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst+suffix, data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// appEnv is the example app's environment: the bench's signing secret,
// the store at dbPath, listening on 127.0.0.1:port (an IPv4 socket, as the
// reference's, not the app's default dual-stack [::]), and the Web API at
// slackAddr (where nothing listens, so that a call would show as an error).
func appEnv(dbPath, port, slackAddr string) []string {
	return []string{
		"SLACK_SIGNING_SECRET=" + benchSigningSecret,
		"SLACK_CLIENT_ID=1234567890.0987654321",
		"SLACK_CLIENT_SECRET=bench-client-secret",
		"SLACK_STATE_SECRET=bench-state-secret-0123456789abcdef0123456789",
		"DATABASE_URL=" + dbPath,
		"HOST=127.0.0.1",
		"PORT=" + port,
		"SLACK_URL=http://" + slackAddr,
	}
}

// runLoad starts the example app and the reference server built by
// prepare, then drives both with the same signed traffic, alternating
// rounds.
func runLoad(ctx context.Context, c loadConfig, p *prepared, logw io.Writer) (*loadResults, error) {
	res := &loadResults{BuildCommands: p.BuildCommands, PreloadTime: p.PreloadTime}
	appPath, refPath := p.AppPath, p.RefPath

	appAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	refAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	deadAddr, err := freeAddr() // SLACK_URL: nothing listens, so a Web API call would show as an error
	if err != nil {
		return nil, err
	}
	_, appPort, _ := net.SplitHostPort(appAddr)
	app, err := startServer("app", c.ServerCPU, appPath, nil, appEnv(p.DBPath, appPort, deadAddr), appAddr, filepath.Join(c.Tmp, "app.log"))
	if err != nil {
		return nil, err
	}
	defer app.stop()
	ref, err := startServer("reference", c.ServerCPU, refPath, []string{"-addr", refAddr},
		[]string{"SLACK_SIGNING_SECRET=" + benchSigningSecret}, refAddr, filepath.Join(c.Tmp, "reference.log"))
	if err != nil {
		return nil, err
	}
	defer ref.stop()
	res.StartCommands = []string{
		"DATABASE_URL=$TMP/data/installations.db HOST=127.0.0.1 PORT=<port> SLACK_URL=http://127.0.0.1:<closed port> SLACK_SIGNING_SECRET=… SLACK_CLIENT_ID=… SLACK_CLIENT_SECRET=… SLACK_STATE_SECRET=… taskset -c " + c.ServerCPU + " $TMP/ticketdesk",
		"SLACK_SIGNING_SECRET=… taskset -c " + c.ServerCPU + " $TMP/reference -addr 127.0.0.1:<port>",
	}
	if err := app.waitReady("/healthz", 30*time.Second); err != nil {
		return nil, err
	}
	if err := ref.waitReady("/", 30*time.Second); err != nil {
		return nil, err
	}
	time.Sleep(time.Second)
	if res.IdleApp, _, err = app.mem(); err != nil {
		return nil, err
	}
	if res.IdleRef, _, err = ref.mem(); err != nil {
		return nil, err
	}
	for _, s := range []*server{app, ref} {
		if _, _, _, err := s.logStats(); err != nil { // drop the startup lines
			return nil, err
		}
	}

	if c.Perf {
		if err := perfAvailable(c.Tmp); err != nil {
			res.PerfSkipped = err.Error()
			fmt.Fprintf(logw, "== no live profiles: %v\n", err)
			c.Perf = false
		}
	} else {
		res.PerfSkipped = "turned off (-perf=false)"
	}
	teams := activeTeams(c.Installations, c.ActiveTeams)
	script := filepath.Join(c.Root, "bench", "signed.lua")
	runs := 0 // wrk runs so far, warm-ups included: payload.Vary's run
	var sent []payload
	for _, p := range []payload{commandPayload(teams), eventPayload(teams, c.EventVariants)} {
		if len(c.Payloads) > 0 && !slices.Contains(c.Payloads, p.Name) {
			continue
		}
		sent = append(sent, p)
		pr := payloadResult{Payload: p, Variants: len(p.Bodies)}
		reqPath := filepath.Join(c.Tmp, p.Name+".requests")
		for n := 1; n <= c.Rounds; n++ {
			for _, s := range []*server{app, ref} {
				w := wrkRun{CPU: c.ClientCPU, Conns: c.Conns, Script: script, URL: "http://" + s.addr + "/slack/events",
					Requests: reqPath, ContentType: p.ContentType}
				r, err := measure(ctx, s, w, c, p, n, &runs, logw)
				if err != nil {
					return nil, err
				}
				if s == app {
					pr.App = append(pr.App, r)
				} else {
					pr.Ref = append(pr.Ref, r)
				}
				shown := w
				shown.Duration, shown.Script, shown.URL = c.Duration, "bench/signed.lua", "http://127.0.0.1:<port>/slack/events"
				res.WrkCommand = shown.command()
			}
		}
		if c.Perf {
			if pr.PerfApp, err = keepMedianPerf(pr.App, c.Tmp, c.ResultsDir, fmt.Sprintf("perf-%s-app.txt", p.Name)); err != nil {
				return nil, err
			}
			if pr.PerfRef, err = keepMedianPerf(pr.Ref, c.Tmp, c.ResultsDir, fmt.Sprintf("perf-%s-reference.txt", p.Name)); err != nil {
				return nil, err
			}
		}
		pr.Payload.Bodies = p.Bodies[:1] // the report shows one
		res.Payloads = append(res.Payloads, pr)
	}
	if _, res.HWMApp, err = app.mem(); err != nil {
		return nil, err
	}
	if _, res.HWMRef, err = ref.mem(); err != nil {
		return nil, err
	}
	if c.GOGCProbe != "" {
		app.stop() // idle from here on; the probe takes its CPU
		if res.GCProbe, err = probeGOGC(ctx, c, appPath, p.DBPath, deadAddr, ref, sent, script, &runs, logw); err != nil {
			return nil, fmt.Errorf("GOGC=%s probe: %w", c.GOGCProbe, err)
		}
	}
	return res, nil
}

// probeGOGC measures gcProbe: the app at appPath started anew with
// GOGC=c.GOGCProbe, one round per payload, each followed by a round of ref.
func probeGOGC(ctx context.Context, c loadConfig, appPath, dbPath, deadAddr string, ref *server, sent []payload, script string, runs *int, logw io.Writer) (*gcProbe, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	name := "app GOGC=" + c.GOGCProbe
	probe, err := startServer(name, c.ServerCPU, appPath, nil, append(appEnv(dbPath, port, deadAddr), "GOGC="+c.GOGCProbe), addr, filepath.Join(c.Tmp, "app-gogc.log"))
	if err != nil {
		return nil, err
	}
	defer probe.stop()
	if err := probe.waitReady("/healthz", 30*time.Second); err != nil {
		return nil, err
	}
	if _, _, _, err := probe.logStats(); err != nil { // drop the startup lines
		return nil, err
	}
	c.Perf = false
	g := &gcProbe{GOGC: c.GOGCProbe}
	for _, p := range sent {
		row := gcProbeRow{Payload: p.Name}
		for _, s := range []*server{probe, ref} {
			w := wrkRun{CPU: c.ClientCPU, Conns: c.Conns, Script: script, URL: "http://" + s.addr + "/slack/events",
				Requests: filepath.Join(c.Tmp, p.Name+".requests"), ContentType: p.ContentType}
			r, err := measure(ctx, s, w, c, p, c.Rounds+1, runs, logw)
			if err != nil {
				return nil, err
			}
			if s == probe {
				row.App = r
			} else {
				row.Ref = r
			}
		}
		g.Rows = append(g.Rows, row)
	}
	return g, nil
}

// measure warms s up with w, then runs w for the measured duration while
// sampling the server's memory. *runs numbers the wrk runs (see
// payload.Vary).
func measure(ctx context.Context, s *server, w wrkRun, c loadConfig, p payload, n int, runs *int, logw io.Writer) (round, error) {
	// Sign for now: each run's timestamp is fresh and well within the window.
	sign := func() error {
		*runs++
		w.TS = strconv.FormatInt(time.Now().Unix(), 10)
		return writeRequests(w.Requests, benchSigningSecret, w.TS, p.bodiesFor(*runs))
	}
	if err := sign(); err != nil {
		return round{}, err
	}
	w.Duration = c.Warmup
	if _, err := w.run(); err != nil {
		return round{}, fmt.Errorf("warming up %s: %w", s.Name, err)
	}
	if _, _, _, err := s.logStats(); err != nil {
		return round{}, err
	}
	if err := sign(); err != nil {
		return round{}, err
	}
	w.Duration = c.Duration
	sctx, stop := context.WithCancel(ctx)
	samples := s.sampleRSS(sctx, c.SampleInterval)
	// Every run is profiled live, from 1s into it to 1s before its end;
	// the report shows the run with the median CPU per request.
	var perfDone func() (string, error)
	perfData := filepath.Join(c.Tmp, fmt.Sprintf("perf-%s-%s-%d.data", p.Name, s.Name, n))
	if c.Perf && c.Duration > 3*time.Second {
		perfDone = schedulePerf(ctx, s.cmd.Process.Pid, c.ClientCPU, perfData, time.Second, c.Duration-2*time.Second)
	}
	cpu0, cerr := s.cpuTime()
	wr, err := w.run()
	cpu1, cerr1 := s.cpuTime()
	stop()
	rss := samples()
	if err != nil {
		return round{}, fmt.Errorf("%s: %w", s.Name, err)
	}
	if cerr != nil || cerr1 != nil {
		return round{}, fmt.Errorf("reading the CPU time of %s: %w", s.Name, errors.Join(cerr, cerr1))
	}
	r := round{Server: s.Name, N: n, Wrk: wr, CPU: cpu1 - cpu0}
	if len(rss) > 0 {
		r.RSSMax = slices.Max(rss)
	}
	if _, r.HWM, err = s.mem(); err != nil {
		return round{}, err
	}
	if r.LogLines, r.Levels, r.Samples, err = s.logStats(); err != nil {
		return round{}, err
	}
	if perfDone != nil {
		cmd, err := perfDone()
		if err == nil {
			r.Perf, err = finishPerf(perfData, c.Tmp, fmt.Sprintf("perf-%s-%s-%d.txt", p.Name, s.Name, n), cmd, r.CPUPerReq())
		}
		if err != nil {
			return round{}, fmt.Errorf("live profile of %s: %w", s.Name, err)
		}
		r.Perf.Round = n
	}
	if d := r.Levels[droppedRetry]; d > 0 {
		return round{}, fmt.Errorf("%s dropped %d of the %s requests as retries of events already accepted: the load repeated event ids within its de-duplication window, so it ran fewer handlers than it answered", s.Name, d, p.Name)
	}
	fmt.Fprintf(logw, "   %-7s %-9s round %d: %8.0f req/s  CPU %5.1f µs/req  p50 %5d µs  p99 %6d µs  non-2xx %d  errors %d  RSS max %.1f MB  log lines %d %v\n",
		p.Name, s.Name, n, wr.RPS(), r.CPUPerReq(), wr.P50US, wr.P99US, wr.Non2xx, wr.Errors, mb(r.RSSMax), r.LogLines, r.Levels)
	return r, nil
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// CPUPerReq is the server's CPU time per request, in microseconds: unlike
// req/s, it does not drop when other processes take the server's CPU.
func (r round) CPUPerReq() float64 {
	if r.Wrk.Requests == 0 {
		return 0
	}
	return float64(r.CPU.Microseconds()) / float64(r.Wrk.Requests)
}
