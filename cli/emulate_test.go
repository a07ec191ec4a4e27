package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slackgen/slackgen/manifest"
	"github.com/slackgen/slackgen/runtime/signature"
	"github.com/slackgen/slackgen/runtime/slacktest"
)

const emulateManifest = `display_information:
  name: Hello App
features:
  bot_user:
    display_name: hello
  slash_commands:
    - command: /hello
      url: https://hello.example.com/slack/commands
      description: Say hello
    - command: /socket
      description: No URL
oauth_config:
  redirect_urls:
    - https://hello.example.com/slack/oauth_redirect
  scopes:
    bot: [commands, chat:write, app_mentions:read]
    user: [search:read]
settings:
  event_subscriptions:
    request_url: https://hello.example.com/slack/events?x=1
    bot_events: [app_mention]
  interactivity:
    is_enabled: true
    request_url: https://hello.example.com/slack/interactive
  token_rotation_enabled: true
`

func TestEmulatorConfig(t *testing.T) {
	m, err := manifest.Parse("manifest.yaml", []byte(emulateManifest))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		appURL                      string
		redirect, hello, socket, ev string
	}{
		{"http://127.0.0.1:3000", "http://127.0.0.1:3000/slack/oauth_redirect", "http://127.0.0.1:3000/slack/commands", "http://127.0.0.1:3000/slack/events", "http://127.0.0.1:3000/slack/events?x=1"},
		{"https://tunnel.example.net/prefix/", "https://tunnel.example.net/prefix/slack/oauth_redirect", "https://tunnel.example.net/prefix/slack/commands", "https://tunnel.example.net/prefix/slack/events", "https://tunnel.example.net/prefix/slack/events?x=1"},
	}
	for _, tt := range tests {
		t.Run(tt.appURL, func(t *testing.T) {
			cfg, err := emulatorConfig(m, tt.appURL)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg.RedirectURLs, []string{tt.redirect}) || cfg.CommandURLs["/hello"] != tt.hello || cfg.CommandURLs["/socket"] != tt.socket || cfg.EventsURL != tt.ev {
				t.Errorf("config = %+v", cfg)
			}
			if cfg.Name != "Hello App" || !cfg.TokenRotation || !reflect.DeepEqual(cfg.UserScopes, []string{"search:read"}) || !reflect.DeepEqual(cfg.BotEvents, []string{"app_mention"}) {
				t.Errorf("config = %+v", cfg)
			}
		})
	}
	for _, bad := range []string{"", "ftp://x", "127.0.0.1:3000", "http://"} {
		if _, err := emulatorConfig(m, bad); err == nil {
			t.Errorf("--app-url %q accepted", bad)
		}
	}
}

func TestManifestValidator(t *testing.T) {
	errs, err := manifestValidator([]byte(`{"display_information":{"name":""}}`))
	if err != nil || len(errs) == 0 || errs[0].Pointer == "" {
		t.Errorf("invalid manifest: %+v, %v", errs, err)
	}
	errs, err = manifestValidator([]byte(`{"display_information":{"name":"Fine"}}`))
	if err != nil || len(errs) != 0 {
		t.Errorf("valid manifest: %+v, %v", errs, err)
	}
}

func TestWriteEnvFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	os.WriteFile(path, []byte("# mine\nexport SLACK_URL=old\nOTHER=1\nSLACK_URL=dup\n"), 0o644)
	if err := writeEnvFile(path, []string{"SLACK_URL=http://x", "SLACK_CLIENT_ID=1.2"}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "# mine\nSLACK_URL=http://x\nOTHER=1\nSLACK_CLIENT_ID=1.2\n"
	if string(got) != want {
		t.Errorf("env file:\n%s\nwant:\n%s", got, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if v, err := readEnvValue(path, "SLACK_CLIENT_ID"); err != nil || v != "1.2" {
		t.Errorf("readEnvValue = %q, %v", v, err)
	}
	if _, err := readEnvValue(path, "NOPE"); err == nil {
		t.Error("readEnvValue found a missing key")
	}
}

// TestEmulateAndSend runs `slackgen emulate` in-process against an app that
// verifies signatures, then `emulate send` for a command the app answers
// (exit 0, its reply printed) and one it refuses (exit 1).
func TestEmulateAndSend(t *testing.T) {
	dir := t.TempDir()
	envFile := filepath.Join(dir, ".env")
	var secret atomic.Value
	secret.Store("")
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := signature.New([]string{secret.Load().(string)})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		body, err := v.ReadAndVerify(r)
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/slack/commands" && bytes.Contains(body, []byte("text=later")) {
			form, _ := url.ParseQuery(string(body))
			w.WriteHeader(http.StatusOK) // ack now, answer through response_url
			if resp, err := http.Post(form.Get("response_url"), "application/json", strings.NewReader(`{"text":"done later","response_type":"in_channel"}`)); err == nil {
				resp.Body.Close()
			}
			return
		}
		if r.URL.Path == "/slack/interactive" {
			form, _ := url.ParseQuery(string(body))
			var p struct {
				Type     string `json:"type"`
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
				View     struct {
					CallbackID string `json:"callback_id"`
				} `json:"view"`
			}
			json.Unmarshal([]byte(form.Get("payload")), &p)
			switch {
			case p.Type == "block_suggestion" && p.ActionID == "pick":
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"options":[{"text":{"type":"plain_text","text":"typed %s"},"value":"v"}]}`, p.Value)
			case p.Type == "view_closed" && p.View.CallbackID == "form":
				w.WriteHeader(http.StatusOK)
			default:
				http.Error(w, "no handler for "+p.Type, http.StatusNotFound)
			}
			return
		}
		if r.URL.Path == "/slack/commands" && bytes.Contains(body, []byte("text=hi")) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"text":"hello, world"}`)
			return
		}
		http.Error(w, "no handler", http.StatusNotFound)
	}))
	defer app.Close()
	manifestPath := filepath.Join(dir, "manifest.yaml")
	valid := strings.Replace(emulateManifest, "    - command: /socket\n      description: No URL\n", "", 1)
	os.WriteFile(manifestPath, []byte(valid), 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- runEmulate(ctx, &env{stdout: &lockedWriter{w: &out}, stderr: io.Discard}, emulateOptions{
			addr: "127.0.0.1:0", manifestPath: manifestPath, appURL: app.URL, envFile: envFile, tokenLifetime: time.Hour,
		}, false)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if v, err := readEnvValue(envFile, "SLACK_SIGNING_SECRET"); err == nil {
			secret.Store(v)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the emulator did not write its env file")
		}
		select {
		case err := <-done:
			t.Fatalf("emulate stopped: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}

	var stdout, stderr bytes.Buffer
	code := Run([]string{"emulate", "send", "command", "/hello", "--text", "hi", "--env-file", envFile}, strings.NewReader(""), &stdout, &stderr)
	if code != ExitOK || !strings.Contains(stdout.String(), `{"text":"hello, world"}`) {
		t.Errorf("send: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	code = Run([]string{"emulate", "send", "command", "/hello", "--text", "other", "--env-file", envFile}, strings.NewReader(""), &stdout, &stderr)
	if code != ExitFail || !strings.Contains(stderr.String(), "the app answered 404") || !strings.Contains(stdout.String(), "no handler") {
		t.Errorf("send to a refusing app: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}

	stdout.Reset()
	stderr.Reset()
	code = Run([]string{"emulate", "send", "command", "/hello", "--text", "later", "--env-file", envFile, "--follow", "500ms"}, strings.NewReader(""), &stdout, &stderr)
	if code != ExitOK || !strings.Contains(stdout.String(), "[response_url C0001GEN in_channel] done later") {
		t.Errorf("send --follow: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}

	// An external select's options load goes to the options URL (here the
	// interactivity URL); a closed modal sends view_closed.
	stdout.Reset()
	stderr.Reset()
	code = Run([]string{"emulate", "send", "options", "pick", "--value", "ab", "--env-file", envFile}, strings.NewReader(""), &stdout, &stderr)
	if code != ExitOK || !strings.Contains(stdout.String(), `"text":"typed ab"`) {
		t.Errorf("send options: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	code = Run([]string{"emulate", "send", "view_closed", "form", "--env-file", envFile}, strings.NewReader(""), &stdout, &stderr)
	if code != ExitOK {
		t.Errorf("send view_closed: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}

	// Adding a command to the manifest reaches the running emulator.
	bye := strings.Replace(valid, "oauth_config:", "    - command: /bye\n      url: https://hello.example.com/slack/commands\n      description: Bye\noauth_config:", 1)
	os.WriteFile(manifestPath, []byte(bye), 0o644)
	later := time.Now().Add(2 * time.Second)
	os.Chtimes(manifestPath, later, later)
	reloaded := false
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && !reloaded; time.Sleep(100 * time.Millisecond) {
		stderr.Reset()
		Run([]string{"emulate", "send", "command", "/bye", "--env-file", envFile}, strings.NewReader(""), io.Discard, &stderr)
		reloaded = strings.Contains(stderr.String(), "the app answered 404")
	}
	if !reloaded {
		t.Errorf("the new command was not picked up: %s", stderr.String())
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("emulate: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("emulate did not stop")
	}
}

// lockedWriter lets the emulator goroutine write while the test reads.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestWatchManifestRejectsErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "manifest.yaml")
	os.WriteFile(path, []byte("display_information:\n  name: Good\n"), 0o644)
	cfg, err := loadEmulatorConfig(path, "http://127.0.0.1:3000")
	if err != nil {
		t.Fatal(err)
	}
	srv := slacktest.NewServer(t, cfg)
	var stdout, stderr bytes.Buffer
	out, errw := &lockedWriter{w: &stdout}, &lockedWriter{w: &stderr}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	since := modTime(path)
	go func() {
		defer close(done)
		watchManifest(ctx, &env{stdout: out, stderr: errw}, srv, path, "http://127.0.0.1:3000", since, 10*time.Millisecond)
	}()
	os.WriteFile(path, []byte("display_information:\n  name: \"\"\n"), 0o644)
	later := time.Now().Add(2 * time.Second)
	os.Chtimes(path, later, later)
	deadline := time.Now().Add(5 * time.Second)
	for {
		errw.mu.Lock()
		got := stderr.String()
		errw.mu.Unlock()
		if strings.Contains(got, "changed but was not reloaded") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no complaint about the broken manifest; stderr %q", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if srv.App().Name != "Good" {
		t.Errorf("the broken manifest was applied: %+v", srv.App())
	}
}
