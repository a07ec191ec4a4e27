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

	// The console reads what slackgen writes to the terminal; vt10x plays
	// the terminal, answering survey's cursor position queries through a
	// second pty, as survey's own tests do.
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
	defer c.Close()

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
		{"Enable interactivity", "n" + keyEnter},
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
	select {
	case got := <-code:
		if got != ExitOK {
			t.Fatalf("slackgen init exited %d\nscreen:\n%s", got, term.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("slackgen init did not return after the last prompt\nscreen:\n%s", term.String())
	}

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
	} {
		if !strings.Contains(m, want) {
			t.Errorf("manifest.yaml lacks %q:\n%s", want, m)
		}
	}
	cfg := readProjectFile(t, filepath.Join(dir, generator.ConfigFile))
	for _, want := range []string{"module: github.com/acme/ptybot", "store: postgres", "mode: socket", "distribution: oauth"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("%s lacks %q:\n%s", generator.ConfigFile, want, cfg)
		}
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
