// Command demo runs examples/multi-workspace against the local Slack
// emulator, on loopback, for `make demo`:
//
//  1. builds slackgen (into -bin) and the example app (GOWORK=off, as its
//     users build it);
//  2. starts `slackgen emulate` for the example's manifest, which writes the
//     app's SLACK_* settings into an env file in a temporary directory;
//  3. starts the app with that environment and a SQLite DATABASE_URL in the
//     same directory;
//  4. prints the URL that installs the app and the command that sends it a
//     slash command, then runs until Ctrl-C, which stops both processes.
//
// With -smoke (or DEMO_SMOKE=1) it installs the app over HTTP instead of
// waiting for a browser, sends /ticket through `slackgen emulate send`,
// checks the reply, stops both processes and exits 0, or 1 on any failure.
//
//	go run ./scripts/demo [-app-port 3000] [-emulator-port 3001] [-bin bin] [-smoke]
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/slackgen/slackgen/e2e"
)

const example = "examples/multi-workspace"

func main() {
	var o options
	flag.IntVar(&o.appPort, "app-port", envInt("DEMO_APP_PORT", 3000), "port of the app on 127.0.0.1 (also DEMO_APP_PORT)")
	flag.IntVar(&o.emulatorPort, "emulator-port", envInt("DEMO_EMULATOR_PORT", 3001), "port of the Slack emulator on 127.0.0.1 (also DEMO_EMULATOR_PORT)")
	flag.StringVar(&o.binDir, "bin", "bin", "where to build the slackgen command")
	flag.BoolVar(&o.smoke, "smoke", os.Getenv("DEMO_SMOKE") == "1", "install, send one command, check the reply and exit (also DEMO_SMOKE=1)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// envInt returns the port in the environment variable key, or def when it
// is unset. A value that is not a port stops the demo instead of being
// ignored.
func envInt(key string, def int) int {
	v, ok := os.LookupEnv(key)
	if !ok || v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 65535 {
		fmt.Fprintf(os.Stderr, "demo: %s=%q is not a port number (1-65535); unset it or fix it\n", key, v)
		os.Exit(2)
	}
	return n
}

type options struct {
	appPort, emulatorPort int
	binDir                string
	smoke                 bool
}

func run(ctx context.Context, o options) (err error) {
	if _, err := os.Stat(filepath.Join(example, "manifest.yaml")); err != nil {
		return fmt.Errorf("run the demo from the root of the slackgen checkout (make demo): %w", err)
	}
	tmp, err := os.MkdirTemp("", "slackgen-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	fmt.Println("Building slackgen and", example, "…")
	slackgen, err := filepath.Abs(filepath.Join(o.binDir, "slackgen"))
	if err != nil {
		return err
	}
	if err := build(ctx, ".", nil, slackgen, "./cmd/slackgen"); err != nil {
		return err
	}
	app := filepath.Join(tmp, "ticketdesk")
	if err := build(ctx, example, []string{"GOWORK=off"}, app, "."); err != nil {
		return err
	}

	appURL := "http://127.0.0.1:" + strconv.Itoa(o.appPort)
	emuURL := "http://127.0.0.1:" + strconv.Itoa(o.emulatorPort)
	envFile := filepath.Join(tmp, "app.env")
	var procs []*process
	defer func() {
		for _, p := range procs {
			p.stop()
		}
		if err != nil {
			for _, p := range procs {
				if o.smoke {
					fmt.Fprintf(os.Stderr, "--- output of the %s:\n%s", p.name, p.out)
				}
			}
		}
	}()

	emu, err := start(ctx, "emulator", o.smoke, nil, slackgen, "emulate",
		"--manifest", filepath.Join(example, "manifest.yaml"),
		"--addr", "127.0.0.1:"+strconv.Itoa(o.emulatorPort),
		"--app-url", appURL, "--env-file", envFile)
	if err != nil {
		return err
	}
	procs = append(procs, emu)
	if err := waitFor(ctx, emu, "the emulator", func() bool {
		return fileHas(envFile, "SLACK_URL=") && get(emuURL+"/_emulator/messages") == http.StatusOK
	}); err != nil {
		return err
	}

	env, err := readEnvFile(envFile)
	if err != nil {
		return err
	}
	env = append(env, "HOST=127.0.0.1", "PORT="+strconv.Itoa(o.appPort), "DATABASE_URL="+filepath.Join(tmp, "data", "ticketdesk.db"))
	ap, err := start(ctx, "app", o.smoke, env, app)
	if err != nil {
		return err
	}
	procs = append(procs, ap)
	if err := waitFor(ctx, ap, "the app", func() bool { return get(appURL+"/healthz") == http.StatusOK }); err != nil {
		return err
	}

	sendCmd := fmt.Sprintf("%s emulate send command /ticket --text hi --emulator %s", relative(slackgen), emuURL)
	fmt.Printf(`
Ticket Desk (examples/multi-workspace) is running against the local Slack emulator.

  1. Install it: open %s/slack/install in a browser, click Add to Slack, then Allow.
  2. Send it a slash command:
       %s
  3. Watch the conversation: %s/_emulator/

The app's settings are in %s; its installations in %s.
`, appURL, sendCmd, emuURL, envFile, filepath.Join(tmp, "data"))

	if o.smoke {
		return smoke(ctx, slackgen, appURL, emuURL)
	}
	fmt.Println("Press Ctrl-C to stop the app and the emulator.")
	select {
	case <-ctx.Done():
		fmt.Println("\nStopping the app and the emulator…")
		return nil
	case <-emu.done:
		return fmt.Errorf("the emulator stopped: %v", emu.cmd.ProcessState)
	case <-ap.done:
		return fmt.Errorf("the app stopped: %v", ap.cmd.ProcessState)
	}
}

// smoke installs the app in workspace T0001 over HTTP, sends /ticket
// through `slackgen emulate send` and checks the reply.
func smoke(ctx context.Context, slackgen, appURL, emuURL string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	res, err := e2e.NewInstaller().Install(ctx, appURL, "", "T0001")
	if err != nil {
		return fmt.Errorf("smoke: installing: %w", err)
	}
	if !res.Succeeded() {
		return fmt.Errorf("smoke: the install ended with %d instead of the success page: %.300s", res.Status, res.Body)
	}
	fmt.Println("smoke: installed in T0001 (Acme)")
	out, err := exec.CommandContext(ctx, slackgen, "emulate", "send", "command", "/ticket", "--text", "hi", "--emulator", emuURL).CombinedOutput()
	if err != nil {
		return fmt.Errorf("smoke: slackgen emulate send: %w\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("You said: hi")) {
		return fmt.Errorf("smoke: /ticket hi answered %q, want the handler's reply (You said: hi)", out)
	}
	fmt.Printf("smoke: /ticket hi → %s", out)
	fmt.Println("smoke: OK")
	return nil
}

func build(ctx context.Context, dir string, env []string, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s (in %s): %w\n%s", pkg, dir, err, b)
	}
	return nil
}

// process is a child process whose output is prefixed with its name on
// stdout (or only kept, in smoke mode).
type process struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

func start(ctx context.Context, name string, quiet bool, env []string, bin string, args ...string) (*process, error) {
	cmd := exec.Command(bin, args...)
	if env != nil {
		for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
			if v, ok := os.LookupEnv(k); ok {
				env = append(env, k+"="+v)
			}
		}
		cmd.Env = env
	}
	setParentDeathSignal(cmd)
	p := &process{name: name, cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	var w io.Writer = p.out
	if !quiet {
		w = io.MultiWriter(p.out, &prefixWriter{prefix: "[" + name + "] ", w: os.Stdout})
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the %s: %w", name, err)
	}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

// stop sends SIGTERM, waits up to 10 seconds, then kills.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// waitFor polls ready for up to 30 seconds, failing early when p exits.
func waitFor(ctx context.Context, p *process, what string, ready func() bool) error {
	deadline := time.Now().Add(30 * time.Second)
	for !ready() {
		select {
		case <-p.done:
			return fmt.Errorf("%s exited while starting (%v):\n%s", what, p.cmd.ProcessState, p.out)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not start within 30 s (is the port in use? see -app-port and -emulator-port):\n%s", what, p.out)
		}
	}
	return nil
}

func get(u string) int {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get(u)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func fileHas(path, s string) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.Contains(b, []byte(s))
}

// readEnvFile reads KEY=value lines, skipping blanks and comments.
func readEnvFile(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var env []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || !strings.Contains(line, "=") {
			continue
		}
		env = append(env, strings.TrimPrefix(line, "export "))
	}
	if len(env) == 0 {
		return nil, errors.New("the emulator wrote no settings into " + path)
	}
	return env, sc.Err()
}

func relative(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
		return "./" + r
	}
	return path
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// prefixWriter writes each line with a prefix.
type prefixWriter struct {
	mu     sync.Mutex
	prefix string
	w      io.Writer
	midway bool
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if !p.midway {
			out.WriteString(p.prefix)
		}
		out.Write(line)
		p.midway = line[len(line)-1] != '\n'
	}
	if _, err := p.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(b), nil
}
