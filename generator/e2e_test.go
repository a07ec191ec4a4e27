package generator

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/manifest"
	"github.com/slackgen/slackgen/runtime/slacktest"
)

// TestMultiWorkspaceExampleEndToEnd runs the committed
// examples/multi-workspace app against the Slack emulator: a workspace
// installs it through the OAuth flow in a (cookie-keeping) HTTP client,
// then a slash command, an app mention and a block action reach the
// generated handlers and their answers reach Slack; after app_uninstalled
// the app says it is no longer installed.
func TestMultiWorkspaceExampleEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an example app; skipped with -short")
	}
	m, bin := buildExample(t, "multi-workspace")

	port := freePort(t)
	appURL := "http://127.0.0.1:" + strconv.Itoa(port)
	srv, err := slacktest.New(slacktest.AppConfig{
		Name:         m.DisplayInformation.Name,
		BotScopes:    m.BotScopes(),
		RedirectURLs: []string{appURL + "/slack/oauth_redirect"},
		RequestURL:   appURL + "/slack/events",
		BotEvents:    m.BotEvents(),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), srv.Env()...)
	cmd.Env = append(cmd.Env, "PORT="+strconv.Itoa(port), "DATABASE_URL="+filepath.Join(cmd.Dir, "data", "installations.db"))
	stop := startApp(t, cmd, appURL+"/healthz")
	defer stop()

	// Install into T0001 as a browser does: the install page links to the
	// emulator's consent page, whose form the user submits.
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	page := get(t, browser, appURL+"/slack/install")
	authorize := regexp.MustCompile(`https?://[^"'\s<>]*/oauth/v2/authorize\?[^"'\s<>]*`).FindString(page)
	if authorize == "" {
		t.Fatalf("the install page links to no authorize URL:\n%s", page)
	}
	au, err := url.Parse(strings.ReplaceAll(authorize, "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	form := au.Query()
	form.Set("team", "T0001")
	form.Set("decision", "allow")
	resp, err := browser.PostForm(srv.URL()+"/oauth/v2/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	done, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/slack/oauth_redirect" {
		t.Fatalf("install: ended at %s with %s:\n%s", resp.Request.URL, resp.Status, done)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	reply, err := srv.SendCommand(ctx, "T0001", "/ticket", "printer on fire")
	if err != nil || !reply.OK() || !strings.Contains(string(reply.Body), "You said: printer on fire") {
		t.Fatalf("/ticket: %v %+v %s", err, reply, bodyOf(reply))
	}

	mentionAndWaitForReply(ctx, t, srv)

	if reply, err := srv.SendBlockAction(ctx, "T0001", "approve_ticket", "1"); err != nil || !reply.OK() {
		t.Fatalf("block action: %v %s", err, bodyOf(reply))
	}
	if _, err := srv.WaitForMessage(ctx, func(m slacktest.Message) bool {
		return m.From == "app" && m.Via == "response_url" && strings.Contains(m.Text, "Got it")
	}); err != nil {
		t.Fatalf("no answer to the block action: %v", err)
	}

	// Uninstalled: the runtime deletes the installation; commands then get
	// the not-installed reply.
	if reply, err := srv.SendEvent(ctx, "T0001", map[string]any{"type": "app_uninstalled"}); err != nil || !reply.OK() {
		t.Fatalf("app_uninstalled: %v %s", err, bodyOf(reply))
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		reply, err := srv.SendCommand(ctx, "T0001", "/ticket", "again")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(string(reply.Body)), "install") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after app_uninstalled the command still answers: %s", reply.Body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func bodyOf(r *slacktest.Reply) string {
	if r == nil {
		return ""
	}
	return strconv.Itoa(r.Status) + " " + string(r.Body)
}

func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", u, resp.Status, b)
	}
	return string(b)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// buildExample builds examples/<name> (GOWORK=off, as a user would) and
// returns its manifest and the binary's path.
func buildExample(t *testing.T, name string) (*manifest.Manifest, string) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Load(filepath.Join(dir, "manifest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "app")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building examples/%s: %v\n%s", name, err, out)
	}
	return m, bin
}

// runApp starts cmd. stop stops it (SIGINT, then kill after 10 s) and, when
// the test failed, logs what the app printed; exited receives cmd's exit.
func runApp(t *testing.T, cmd *exec.Cmd) (stop func(), exited chan error) {
	t.Helper()
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited = make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("app output:\n%s", logs.String())
		}
	}
	return stop, exited
}

// startApp starts cmd and waits (at most 20 s) until healthz answers 200.
// The returned function stops the app (SIGINT, then kill after 10 s) and,
// when the test failed, logs what the app printed.
func startApp(t *testing.T, cmd *exec.Cmd, healthz string) (stop func()) {
	t.Helper()
	stop, exited := runApp(t, cmd)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(healthz)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return stop
			}
		}
		select {
		case err := <-exited:
			exited <- err
			stop()
			t.Fatalf("the app exited before serving: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("%s did not answer within 20s", healthz)
		}
	}
}

// TestSocketModeExampleEndToEnd runs the committed examples/socket-mode app
// (single workspace) against the Slack emulator over Socket Mode: a slash
// command and an app mention reach the generated handlers through the
// app's websocket connection.
func TestSocketModeExampleEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an example app; skipped with -short")
	}
	m, bin := buildExample(t, "socket-mode")
	srv, err := slacktest.New(slacktest.AppConfig{
		Name:       m.DisplayInformation.Name,
		BotScopes:  m.BotScopes(),
		BotEvents:  m.BotEvents(),
		SocketMode: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	inst, err := srv.Install("T0001")
	if err != nil {
		t.Fatal(err)
	}

	port := freePort(t)
	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), srv.Env()...)
	cmd.Env = append(cmd.Env, "SLACK_BOT_TOKEN="+inst.BotToken, "PORT="+strconv.Itoa(port))
	stop, _ := runApp(t, cmd) // a Socket Mode app serves no HTTP: it is ready when it connects
	defer stop()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The app connects when it is ready: retry the command until it is.
	var reply *slacktest.Reply
	for {
		reply, err = srv.SendCommand(ctx, "T0001", "/echo", "over the socket")
		if err == nil && reply.OK() {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("/echo never reached the app: %v %s", err, bodyOf(reply))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, err := srv.WaitForMessage(ctx, func(m slacktest.Message) bool {
		return m.From == "app" && strings.Contains(m.Text, "You said: over the socket")
	}); err != nil {
		t.Fatalf("no reply to /echo (%s): %v", bodyOf(reply), err)
	}
	mentionAndWaitForReply(ctx, t, srv)
}

// mentionAndWaitForReply mentions the example app in team T0001 and waits
// for the scaffolded app_mention handler's reply in the thread.
func mentionAndWaitForReply(ctx context.Context, t *testing.T, srv *slacktest.Server) {
	t.Helper()
	if reply, err := srv.SendAppMention(ctx, "T0001", "hi"); err != nil || !reply.OK() {
		t.Fatalf("app_mention: %v %s", err, bodyOf(reply))
	}
	if _, err := srv.WaitForMessage(ctx, func(m slacktest.Message) bool {
		return m.From == "app" && strings.Contains(m.Text, "you mentioned me")
	}); err != nil {
		t.Fatalf("no reply to the mention: %v", err)
	}
}
