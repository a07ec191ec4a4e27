package generator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/manifest"
	"github.com/slackgen/slackgen/runtime/signature"
)

// TestGeneratedProjectsCompile generates each project of testdata/cases —
// HTTP and Socket Mode, single workspace and OAuth, SQLite, PostgreSQL and
// file stores — with go mod tidy and a replace to this checkout's runtime,
// then runs go build, go vet and go test in it, outside the workspace.
// HTTP apps are then started and must answer GET /healthz. It shares the
// build cache with the rest of the test run.
func TestGeneratedProjectsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every generated project of testdata/cases (about a minute cold); skipped with -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	runtimeDir, err := filepath.Abs(filepath.Join("..", "runtime"))
	if err != nil || !IsRuntimeModuleDir(runtimeDir) {
		t.Fatalf("the in-repo runtime module is not at %s", runtimeDir)
	}
	cases, err := filepath.Glob("testdata/cases/*")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, src := range cases {
		t.Run(filepath.Base(src), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			cfgPath := filepath.Join(dir, ConfigFile)
			cfg, err := LoadConfig(cfgPath)
			if err != nil {
				t.Fatal(err)
			}
			cfg.RuntimeDir = runtimeDir
			if err := cfg.Save(cfgPath); err != nil {
				t.Fatal(err)
			}
			res, err := Generate(Options{Dir: dir, Version: DevelVersion})
			if err != nil {
				t.Fatalf("generate: %v", err)
			}
			if !res.Tidied {
				t.Error("go mod tidy did not run after go.mod was created")
			}
			if _, err := os.Stat(filepath.Join(dir, "go.sum")); err != nil {
				t.Errorf("no go.sum after generate: %v", err)
			}
			goBuildVetTest(t, dir)
			if filepath.Base(src) == "full" {
				// Remove /deploy-service and add /status: the removed
				// command's handler is kept and everything still compiles.
				mpath := filepath.Join(dir, "manifest.yaml")
				m, err := os.ReadFile(mpath)
				if err != nil {
					t.Fatal(err)
				}
				edited := strings.Replace(string(m), "- command: /deploy-service", "- command: /status", 1)
				if err := os.WriteFile(mpath, []byte(edited), 0o644); err != nil {
					t.Fatal(err)
				}
				res, err := Generate(Options{Dir: dir, Version: DevelVersion})
				if err != nil {
					t.Fatalf("regenerate: %v", err)
				}
				for _, f := range res.Files {
					if f.Path == "handlers/deploy_service_command.go" && f.Status != Kept {
						t.Errorf("removed command's handler: %s, want kept", f.Status)
					}
				}
				goBuildVetTest(t, dir)
			}
			if cfg.Mode == ModeHTTP {
				m, err := manifest.Load(cfg.ManifestPath(dir))
				if err != nil {
					t.Fatal(err)
				}
				oauth := cfg.Distribution == DistributionOAuth || cfg.Distribution == "" && m.UsesOAuth()
				serveAndCall(t, dir, oauth, m, cfg)
			}
		})
	}
}

// goBuildVetTest runs go build, go vet and go test in dir, outside the
// workspace.
func goBuildVetTest(t *testing.T, dir string) {
	t.Helper()
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// serveAndCall builds the generated app, starts it with a test environment
// on a free port on 127.0.0.1, waits (at most 20 s) for GET /healthz to
// answer 200 — main.go, the wiring and the store start up — and then sends
// the manifest's first slash command, signed: a single-workspace app
// answers with the example handler's reply, an OAuth app (with nothing
// installed) with its not-installed message. A single-workspace app that
// declares options and view_closed handlers then gets an options load and a
// view close (see callInteractions).
func serveAndCall(t *testing.T, dir string, oauth bool, m *manifest.Manifest, cfg *Config) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "app")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	port := freePort(t)
	cmd := exec.Command(bin)
	cmd.Dir = dir
	env := []string{
		"PORT=" + strconv.Itoa(port),
		"SLACK_SIGNING_SECRET=test-signing-secret",
		"SLACK_URL=http://127.0.0.1:9", // never called: nothing reaches Slack
	}
	if !oauth {
		env = append(env, "SLACK_BOT_TOKEN=xoxb-test")
	} else {
		env = append(env, "SLACK_CLIENT_ID=1.2", "SLACK_CLIENT_SECRET=test-client-secret",
			"SLACK_STATE_SECRET=test-state-secret-0123456789abcdef0123456789",
			"DATABASE_URL="+filepath.Join(t.TempDir(), "store"))
	}
	cmd.Env = append(os.Environ(), env...)
	stop := startApp(t, cmd, "http://127.0.0.1:"+strconv.Itoa(port)+"/healthz")
	defer stop()
	if !oauth {
		callInteractions(t, "http://127.0.0.1:"+strconv.Itoa(port), m, cfg)
	}

	cmds := m.SlashCommands()
	if len(cmds) == 0 {
		return
	}
	path := urlPath(cmds[0].URL)
	if path == "" {
		path = "/slack/events"
	}
	form := neturl.Values{"command": {cmds[0].Command}, "text": {"hi"}, "user_id": {"U0TEST"}, "team_id": {"T0TEST"},
		"channel_id": {"C0TEST"}, "response_url": {"http://127.0.0.1:9/response"}, "trigger_id": {"1.2.3"}}
	body := []byte(form.Encode())
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:"+strconv.Itoa(port)+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(signature.HeaderTimestamp, ts)
	req.Header.Set(signature.HeaderSignature, signature.Sign("test-signing-secret", ts, body))
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	reply, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := "You said: hi"
	if oauth {
		want = "install"
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(reply), want) {
		t.Errorf("POST %s %s: %s %s, want 200 with %q", path, cmds[0].Command, resp.Status, reply, want)
	}
}

// callInteractions sends the app an options load for its first options
// action_id (to the manifest's message_menu_options_url path) and a view
// close for its first view_closed callback_id (to the interactivity path):
// the example options handler answers the options matching the typed text,
// and the close is acked with an empty 200 (its handler runs after the ack
// and only logs, so this shows the route, not the registration, which the
// golden files show).
func callInteractions(t *testing.T, appURL string, m *manifest.Manifest, cfg *Config) {
	t.Helper()
	post := func(rawURL string, payload map[string]any) (int, string) {
		t.Helper()
		path := urlPath(rawURL)
		if path == "" {
			path = "/slack/events"
		}
		js, err := json.Marshal(payload)
		if err != nil {
			t.Fatal(err)
		}
		body := []byte(neturl.Values{"payload": {string(js)}}.Encode())
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req, err := http.NewRequest(http.MethodPost, appURL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(signature.HeaderTimestamp, ts)
		req.Header.Set(signature.HeaderSignature, signature.Sign("test-signing-secret", ts, body))
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		defer resp.Body.Close()
		reply, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(reply)
	}
	team := map[string]any{"id": "T0TEST"}
	user := map[string]any{"id": "U0TEST", "team_id": "T0TEST"}
	if len(cfg.Options) > 0 {
		optionsURL := ""
		if m.Settings != nil && m.Settings.Interactivity != nil {
			optionsURL = m.Settings.Interactivity.MessageMenuOptionsURL
		}
		code, reply := post(optionsURL, map[string]any{
			"type": "block_suggestion", "action_id": cfg.Options[0], "block_id": "b1", "value": "ch",
			"team": team, "user": user,
		})
		var got struct {
			Options []struct {
				Value string `json:"value"`
			} `json:"options"`
		}
		if err := json.Unmarshal([]byte(reply), &got); code != http.StatusOK || err != nil {
			t.Fatalf("options load of %s: %d %s (%v), want 200 with JSON options", cfg.Options[0], code, reply, err)
		}
		var values []string
		for _, o := range got.Options {
			values = append(values, o.Value)
		}
		if want := []string{"charlie", "echo"}; !slices.Equal(values, want) {
			t.Errorf("options load of %s typed \"ch\": values %v, want %v (%s)", cfg.Options[0], values, want, reply)
		}
	}
	if len(cfg.ViewClosed) > 0 {
		code, reply := post(m.InteractivityRequestURL(), map[string]any{
			"type": "view_closed", "team": team, "user": user, "is_cleared": false,
			"view": map[string]any{"id": "V0TEST", "type": "modal", "callback_id": cfg.ViewClosed[0]},
		})
		if code != http.StatusOK || strings.TrimSpace(reply) != "" {
			t.Errorf("view_closed of %s: %d %q, want 200 with an empty body", cfg.ViewClosed[0], code, reply)
		}
	}
}
