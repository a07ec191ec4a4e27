package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/slackgen/slackgen/manifest"
	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/sqlitestore"
	"github.com/slackgen/slackgen/runtime/slacktest"
)

// Paths and build products shared by every test of one test binary run.
var (
	repoRoot string // the slackgen checkout (parent of e2e/)
	buildDir string // binaries built once per run; removed by TestMain
)

func TestMain(m *testing.M) {
	var err error
	if repoRoot, err = filepath.Abs(".."); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	if buildDir, err = os.MkdirTemp("", "slackgen-e2e-"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(buildDir)
	os.Exit(code)
}

// exampleManifest is the manifest of the app every test runs.
func exampleManifest() string {
	return filepath.Join(repoRoot, "examples", "multi-workspace", "manifest.yaml")
}

// built is a binary built at most once per test binary run, by the first
// test that needs it.
type built struct {
	once sync.Once
	path string
	err  error
}

func (b *built) get(t testing.TB, build func() (string, error)) string {
	t.Helper()
	b.once.Do(func() { b.path, b.err = build() })
	if b.err != nil {
		t.Fatalf("building: %v", b.err)
	}
	return b.path
}

var sqliteApp, postgresApp, slackgenBin built

// goCommand runs the go tool in dir (bounded to 5 minutes) and returns its
// error with its output.
func goCommand(dir string, env []string, args ...string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("the go command is not on PATH: %w", err)
	}
	return run(dir, env, 5*time.Minute, goBin, args...)
}

func run(dir string, env []string, timeout time.Duration, name string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s (in %s): %w\n%s", filepath.Base(name), strings.Join(args, " "), dir, err, out)
	}
	return nil
}

// sqliteAppBinary builds examples/multi-workspace (OAuth, SQLite store) as
// a user would: in its own module, without the workspace.
func sqliteAppBinary(t testing.TB) string {
	return sqliteApp.get(t, func() (string, error) {
		out := filepath.Join(buildDir, "multi-workspace")
		return out, goCommand(filepath.Join(repoRoot, "examples", "multi-workspace"), []string{"GOWORK=off"}, "build", "-o", out, ".")
	})
}

// slackgenBinary builds the slackgen command.
func slackgenBinary(t testing.TB) string {
	return slackgenBin.get(t, func() (string, error) {
		out := filepath.Join(buildDir, "slackgen")
		return out, goCommand(repoRoot, nil, "build", "-o", out, "./cmd/slackgen")
	})
}

// postgresAppBinary generates a variant of examples/multi-workspace with
// `slackgen init --store postgres` and token rotation turned on in its
// manifest, replacing the runtime module with this checkout's, and builds
// it.
func postgresAppBinary(t testing.TB) string {
	slackgen := slackgenBinary(t)
	return postgresApp.get(t, func() (string, error) {
		src, err := os.ReadFile(exampleManifest())
		if err != nil {
			return "", err
		}
		rotating := strings.Replace(string(src), "token_rotation_enabled: false", "token_rotation_enabled: true", 1)
		if rotating == string(src) {
			return "", errors.New("examples/multi-workspace/manifest.yaml no longer says token_rotation_enabled: false; update postgresAppBinary")
		}
		m := filepath.Join(buildDir, "pg-manifest.yaml")
		if err := os.WriteFile(m, []byte(rotating), 0o644); err != nil {
			return "", err
		}
		dir := filepath.Join(buildDir, "pgapp")
		if err := run(buildDir, nil, 2*time.Minute, slackgen, "init", "--yes", "--manifest", m,
			"--store", "postgres", "--runtime-dir", repoRoot, "--module", "example.com/ticketdesk",
			"--block-action", "approve_ticket", "--view-submission", "ticket_form", dir); err != nil {
			return "", err
		}
		out := filepath.Join(buildDir, "ticketdesk-postgres")
		return out, goCommand(dir, []string{"GOWORK=off"}, "build", "-o", out, ".")
	})
}

// freePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 4<<20 { // bounded: keep the start, which explains most failures
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// appProcess is a generated app running as a process on 127.0.0.1.
type appProcess struct {
	URL  string
	logs *lockedBuffer
	cmd  *exec.Cmd
	done chan struct{}
}

// startApp starts bin listening on port with env (plus PATH, HOME and
// TMPDIR; nothing else of the test's environment leaks in), waits until
// /healthz answers, and stops it when the test ends: SIGTERM, then SIGKILL
// after 10 seconds. Its logs are shown when the test failed.
func startApp(t *testing.T, name, bin string, port int, env []string) *appProcess {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir()
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Env = append(cmd.Env, "HOST=127.0.0.1", "PORT="+strconv.Itoa(port))
	a := &appProcess{URL: "http://127.0.0.1:" + strconv.Itoa(port), logs: &lockedBuffer{}, cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = a.logs, a.logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() { _ = cmd.Wait(); close(a.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-a.done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-a.done
			t.Errorf("%s did not stop within 10 s of SIGTERM; killed", name)
		}
		if t.Failed() {
			t.Logf("logs of %s:\n%s", name, a.logs)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-a.done:
			t.Fatalf("%s exited before serving: %v\n%s", name, cmd.ProcessState, a.logs)
		default:
		}
		resp, err := client.Get(a.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return a
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer /healthz within 20 s (last error: %v)\n%s", name, err, a.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// newEmulator starts a slacktest emulator for the app described by the
// manifest at path, with its request and redirect URLs pointed at appBase,
// as `slackgen emulate --app-url` does.
func newEmulator(t *testing.T, path, appBase string, opts ...slacktest.Option) *slacktest.Server {
	t.Helper()
	m, err := manifest.Load(path)
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	if m, err = m.WithBaseURL(appBase); err != nil {
		t.Fatalf("pointing %s at %s: %v", path, appBase, err)
	}
	js, err := m.Marshal(manifest.JSON)
	if err != nil {
		t.Fatalf("converting %s to JSON: %v", path, err)
	}
	cfg, err := slacktest.AppConfigFromManifest(js)
	if err != nil {
		t.Fatalf("emulated app from %s: %v", path, err)
	}
	return slacktest.NewServer(t, cfg, opts...)
}

// sqliteRig is examples/multi-workspace running against an emulator, with
// its installations in a SQLite file.
type sqliteRig struct {
	emu    *slacktest.Server
	app    *appProcess
	dbPath string
}

func newSQLiteRig(t *testing.T, opts ...slacktest.Option) *sqliteRig {
	t.Helper()
	bin := sqliteAppBinary(t)
	port := freePort(t)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	emu := newEmulator(t, exampleManifest(), base, opts...)
	db := filepath.Join(t.TempDir(), "data", "installations.db")
	app := startApp(t, "the app", bin, port, append(emu.Env(), "DATABASE_URL="+db))
	return &sqliteRig{emu: emu, app: app, dbPath: db}
}

// store opens the app's SQLite file (shared with the running app, as the
// store allows) for the rest of the test.
func (r *sqliteRig) store(t *testing.T) installstore.Store {
	t.Helper()
	s, err := sqlitestore.Open(r.dbPath)
	if err != nil {
		t.Fatalf("opening the app's installation store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// install walks the install flow for team over HTTP and requires success.
func install(t *testing.T, ctx context.Context, startURL, finishURL, team string) *InstallResult {
	t.Helper()
	res, err := NewInstaller().Install(ctx, startURL, finishURL, team)
	if err != nil {
		t.Fatalf("installing in %s: %v", team, err)
	}
	if !res.Succeeded() {
		t.Fatalf("installing in %s: the callback answered %d:\n%.500s", team, res.Status, res.Body)
	}
	return res
}

// eventually polls cond every 50 ms until it returns nil or timeout
// passes, then fails with cond's last error.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not true after %s: %v", what, timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// balancer is a round-robin reverse proxy in front of app replicas, as a
// load balancer would be: the emulator's request and redirect URLs point
// at it.
type balancer struct {
	srv     *httptest.Server
	next    atomic.Uint64
	mu      sync.Mutex
	targets []*url.URL
	hits    []atomic.Int64
}

func newBalancer(t *testing.T) *balancer {
	b := &balancer{}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			b.mu.Lock()
			i := int(b.next.Add(1)-1) % len(b.targets)
			target, hits := b.targets[i], &b.hits[i]
			b.mu.Unlock()
			hits.Add(1)
			r.SetURL(target)
			r.Out.Host = r.In.Host
		},
	}
	b.srv = httptest.NewServer(proxy)
	t.Cleanup(b.srv.Close)
	return b
}

// setTargets sets the replicas, once they run.
func (b *balancer) setTargets(t *testing.T, urls ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range urls {
		p, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		b.targets = append(b.targets, p)
	}
	b.hits = make([]atomic.Int64, len(b.targets))
}
