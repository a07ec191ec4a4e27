package generator

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slackgen/slackgen/manifest"
)

// benchProject writes a project with n commands and m events (OAuth, SQLite)
// to a new directory and returns it.
func benchProject(b *testing.B, commands, events int) string {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("display_information:\n  name: Bench\nfeatures:\n  bot_user:\n    display_name: bench\n  slash_commands:\n")
	for i := range commands {
		fmt.Fprintf(&sb, "    - command: /cmd-%03d\n      url: https://example.com/slack/events\n      description: Command %d\n", i, i)
	}
	scopes := map[string]bool{"commands": true}
	var names []string
	for _, e := range manifest.AllEvents() {
		if len(names) == events {
			break
		}
		if e.Name == "app_uninstalled" || e.Name == "tokens_revoked" || len(e.Scopes) > 1 || len(e.Scopes) == 1 && strings.HasPrefix(e.Scopes[0], "admin") {
			continue
		}
		names = append(names, e.Name)
		for _, s := range e.Scopes {
			scopes[s] = true
		}
	}
	if len(names) < events {
		b.Fatalf("the event catalogue has only %d usable events", len(names))
	}
	sb.WriteString("oauth_config:\n  redirect_urls:\n    - https://example.com/slack/oauth_redirect\n  scopes:\n    bot:\n")
	for _, s := range slices.Sorted(maps.Keys(scopes)) {
		fmt.Fprintf(&sb, "      - %s\n", s)
	}
	sb.WriteString("settings:\n  event_subscriptions:\n    request_url: https://example.com/slack/events\n    bot_events:\n      - app_uninstalled\n      - tokens_revoked\n")
	for _, n := range names {
		fmt.Fprintf(&sb, "      - %s\n", n)
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "manifest.yaml"), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg := "module: example.com/bench\nstore: sqlite\nmode: http\nruntime_dir: ../runtime\n"
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkGenerate measures an in-process run that writes every file of a
// new project to a temporary directory (go mod tidy skipped), and a no-op
// rerun of the same project. Slack allows at most 50 commands, so the
// 200-command case skips the manifest's validation; the others include it.
func BenchmarkGenerate(b *testing.B) {
	cases := []struct{ commands, events int }{{5, 0}, {50, 0}, {200, 0}, {50, 30}}
	for _, c := range cases {
		name := fmt.Sprintf("commands=%d/events=%d", c.commands, c.events)
		opts := Options{SkipTidy: true, Version: DevelVersion, skipValidate: c.commands > 50}
		b.Run("cold/"+name, func(b *testing.B) {
			src := benchProject(b, c.commands, c.events)
			defer reportCPU(b)()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				dir := filepath.Join(b.TempDir(), fmt.Sprint(i))
				if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
					b.Fatal(err)
				}
				o := opts
				o.Dir = dir
				b.StartTimer()
				if _, err := Generate(o); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("noop/"+name, func(b *testing.B) {
			o := opts
			o.Dir = benchProject(b, c.commands, c.events)
			if _, err := Generate(o); err != nil {
				b.Fatal(err)
			}
			defer reportCPU(b)()
			for b.Loop() {
				res, err := Generate(o)
				if err != nil {
					b.Fatal(err)
				}
				if res.Stale() {
					b.Fatal("a rerun changed something")
				}
			}
		})
	}
}

// reportCPU reports the process's CPU time (user + system) per operation as
// "cpu-ns/op", which, unlike ns/op, does not grow when other processes
// compete for the machine. Call the returned function after the loop.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
