//go:build !windows

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/creack/pty"
	"github.com/hinshun/vt10x"

	"github.com/slackgen/slackgen/generator"
)

// Keys as a terminal sends them.
const (
	keyDown  = "\x1b[B"
	keyEnter = "\r"
)

// TestInitInteractive drives slackgen init's survey prompts in a
// pseudo-terminal, as a person would, and checks that the answers reach
// manifest.yaml and slackgen.yaml. Every wait is bounded, so a prompt that
// changes shape fails the test instead of hanging it.
func TestInitInteractive(t *testing.T) {
	t.Setenv(generator.SkipTidyEnv, "1")
	dir := filepath.Join(t.TempDir(), "ptybot")

	c, term := newTestConsole(t)
	code := make(chan int, 1)
	go func() {
		code <- Run([]string{"init", dir}, c.Tty(), c.Tty(), c.Tty())
	}()

	steps := []struct {
		expect string // text of the prompt (or reaction) to wait for
		send   string // keys to type then
	}{
		// "?" and enter show the help; then a name of our own.
		{"App name:", "?" + keyEnter},
		{"display_information.name", "Pty Bot" + keyEnter},
		{"Short description:", "Drives prompts" + keyEnter},
		// An invalid module path is refused with a message, then fixed.
		{"Go module path:", "bad module" + keyEnter},
		{"may contain only letters", "github.com/acme/ptybot" + keyEnter},
		// oauth is the default distribution; the redirect URL default too.
		{"How will workspaces install the app?", keyEnter},
		{"OAuth redirect URL(s)", keyEnter},
		// Pick socket by filtering.
		{"How does Slack reach the app?", "sock" + keyEnter},
		// One command through the loop.
		{"Add a slash command?", "y" + keyEnter},
		{"Command:", "/deploy" + keyEnter},
		{"Description of /deploy:", "Deploy a service" + keyEnter},
		{"Usage hint (optional):", "[service]" + keyEnter},
		{"Add another slash command?", "n" + keyEnter},
		// An event, found by filtering.
		{"Bot events to subscribe to:", "app_menti"},
		{"app_mention", " " + keyEnter},
		// Interactivity, with no shortcut but a block action, an external
		// select and a modal close.
		{"Enable interactivity", "y" + keyEnter},
		{"Add a shortcut?", "n" + keyEnter},
		{"Block action_ids to handle", "approve, deny" + keyEnter},
		{"Modal callback_ids whose submissions", keyEnter},
		{"External select action_ids", "pick_env" + keyEnter},
		{"Modal callback_ids whose close", "deploy_modal" + keyEnter},
		// A bot scope found by filtering on its name, next to the defaults.
		{"Bot scopes:", "reactions:r"},
		{"reactions:read", " " + keyEnter},
		{"User scopes", keyEnter},
		// The second store: postgres.
		{"Where should installations be stored?", keyDown + keyEnter},
		{"Next steps:", ""},
	}
	for _, s := range steps {
		if _, err := c.ExpectString(s.expect); err != nil {
			t.Fatalf("waiting for %q: %v\nscreen:\n%s", s.expect, err, term.String())
		}
		if s.send != "" {
			if _, err := c.Send(s.send); err != nil {
				t.Fatalf("typing after %q: %v", s.expect, err)
			}
		}
	}
	waitExit(t, code, ExitOK, term)

	m := readProjectFile(t, filepath.Join(dir, "manifest.yaml"))
	for _, want := range []string{
		"name: Pty Bot",
		"description: Drives prompts",
		"command: /deploy",
		"description: Deploy a service",
		"usage_hint: '[service]'",
		"- https://example.com/slack/oauth_redirect",
		"- app_mention",
		"- app_uninstalled",
		"- tokens_revoked",
		"- chat:write",
		"- commands",
		"- app_mentions:read",
		"- reactions:read",
		"socket_mode_enabled: true",
		"is_enabled: true",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("manifest.yaml lacks %q:\n%s", want, m)
		}
	}
	cfg := readProjectFile(t, filepath.Join(dir, generator.ConfigFile))
	for _, want := range []string{"module: github.com/acme/ptybot", "store: postgres", "mode: socket", "distribution: oauth",
		"block_actions:\n  - approve\n  - deny", "options:\n  - pick_env", "view_closed:\n  - deploy_modal"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("%s lacks %q:\n%s", generator.ConfigFile, want, cfg)
		}
	}
}

// TestInitInteractiveInterrupt checks that Ctrl-C at a prompt stops init
// with exit code 1 and writes nothing.
func TestInitInteractiveInterrupt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app")
	c, term := newTestConsole(t)
	code := make(chan int, 1)
	go func() {
		code <- Run([]string{"init", dir, "--name", "app"}, c.Tty(), c.Tty(), c.Tty())
	}()
	if _, err := c.ExpectString("(" + defaultDescription + ")"); err != nil {
		t.Fatalf("waiting for the first prompt: %v\nscreen:\n%s", err, term.String())
	}
	// Keep reading the terminal while typing Ctrl-C: survey asks the
	// terminal for the cursor position, and vt10x answers only what the
	// console reads. survey also switches to raw mode only after drawing the
	// prompt, so a Ctrl-C typed before that is lost: type it until slackgen
	// reacts (at most 20 times).
	said := make(chan error, 1)
	go func() {
		_, err := c.ExpectString("interrupted; nothing was written")
		said <- err
	}()
	var exit int
	stopped := false
	for i := 0; i < 20 && !stopped; i++ {
		if _, err := c.Send("\x03"); err != nil {
			t.Fatal(err)
		}
		select {
		case exit = <-code:
			stopped = true
		case <-time.After(250 * time.Millisecond):
		}
	}
	if !stopped {
		t.Fatalf("Ctrl-C did not stop slackgen init\nscreen:\n%s", term.String())
	}
	if exit != ExitFail {
		t.Errorf("exit code %d after Ctrl-C, want %d", exit, ExitFail)
	}
	if err := <-said; err != nil {
		t.Errorf("no message after Ctrl-C: %v\nscreen:\n%s", err, term.String())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s exists after an interrupted init (err %v)", dir, err)
	}
}

// newTestConsole returns a console whose Tty is a terminal for slackgen:
// the console reads what slackgen writes to it; vt10x plays the terminal,
// answering survey's cursor position queries through a second pty, as
// survey's own tests do. Every Expect times out after 20 s.
func newTestConsole(t *testing.T) (*expect.Console, vt10x.Terminal) {
	t.Helper()
	ptm, pts, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal available: %v", err)
	}
	term := vt10x.New(vt10x.WithWriter(pts))
	c, err := expect.NewConsole(
		expect.WithStdin(ptm),
		expect.WithStdout(term),
		expect.WithCloser(ptm, pts),
		expect.WithDefaultTimeout(20*time.Second),
	)
	if err != nil {
		t.Fatalf("creating the console: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, term
}

// waitExit waits, at most 30 s, for slackgen's exit code and checks it.
func waitExit(t *testing.T, code <-chan int, want int, term vt10x.Terminal) {
	t.Helper()
	select {
	case got := <-code:
		if got != want {
			t.Fatalf("slackgen init exited %d, want %d\nscreen:\n%s", got, want, term.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("slackgen init did not return\nscreen:\n%s", term.String())
	}
}

func readProjectFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestInitStdoutNotTerminal checks that a terminal on stdin alone is not
// enough (survey hangs when stdout is not a terminal): init names stdout and
// the flags still needed, and exits 2 without waiting for input.
func TestInitStdoutNotTerminal(t *testing.T) {
	c, _ := newTestConsole(t)
	var stdout, stderr strings.Builder
	code := make(chan int, 1)
	go func() {
		code <- Run([]string{"init", filepath.Join(t.TempDir(), "app"), "--module", "example.com/app"}, c.Tty(), &stdout, &stderr)
	}()
	select {
	case got := <-code:
		if got != ExitUsage {
			t.Errorf("exit code %d, want %d", got, ExitUsage)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("slackgen init waits for input although stdout is not a terminal")
	}
	msg := stderr.String()
	if !strings.Contains(msg, "standard output is not a terminal") || !strings.Contains(msg, "--name, --description, --distribution") || strings.Contains(msg, "--module") {
		t.Errorf("stderr = %q, want it to name stdout and the flags still needed (not --module)", msg)
	}
}
