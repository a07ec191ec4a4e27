package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/generator"
)

// TestInitProjectBuilds checks init's promise that go.sum is complete: right
// after `slackgen init --yes` (with go mod tidy, unlike the scripts),
// `go build ./...` succeeds with -mod=readonly, which fails on any missing
// go.sum entry. The runtime comes from this checkout (a test binary is a
// development build).
func TestInitProjectBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated project; skipped with -short")
	}
	if _, ok := generator.FindRuntimeDir(); !ok {
		t.Skip("the slackgen checkout's runtime/ was not found")
	}
	t.Setenv(generator.SkipTidyEnv, "")
	dir := filepath.Join(t.TempDir(), "buildme")
	var stdout, stderr bytes.Buffer
	args := []string{"init", dir, "--yes", "--command", "/deploy:Deploy a service", "--event", "app_mention",
		"--shortcut", "open_ticket:Open a ticket", "--block-action", "approve", "--view-submission", "ticket_modal"}
	if code := Run(args, strings.NewReader(""), &stdout, &stderr); code != ExitOK {
		t.Fatalf("slackgen init exited %d\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); err != nil {
		t.Fatalf("no go.sum after init: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./... in the new project: %v\n%s", err, out)
	}
}
