package e2e

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDemoSmoke runs `make demo`'s program in smoke mode: it builds
// slackgen and examples/multi-workspace, starts the emulator and the app,
// installs the app over HTTP, sends /ticket through `slackgen emulate send`
// and checks the reply, then stops both.
func TestDemoSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo smoke test builds and runs two programs; skipped with -short")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", "./scripts/demo",
		"-bin", t.TempDir(), "-app-port", strconv.Itoa(freePort(t)), "-emulator-port", strconv.Itoa(freePort(t)))
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "DEMO_SMOKE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo smoke mode failed: %v\n%s", err, out)
	}
	for _, want := range []string{"/slack/install in a browser", "emulate send command /ticket --text hi --emulator http://127.0.0.1:", "smoke: OK"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}
