package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/slackgen/slackgen/manifest"
	"github.com/slackgen/slackgen/runtime/slacktest"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newEmulateCmd) }

// emulateOptions are the flags of `slackgen emulate`.
type emulateOptions struct {
	addr          string
	manifestPath  string
	appURL        string
	envFile       string
	seed          uint64
	tokenLifetime time.Duration
	quiet         bool
}

func newEmulateCmd(e *env) *cobra.Command {
	var o emulateOptions
	cmd := &cobra.Command{
		Use:   "emulate",
		Short: "Run a local Slack emulator for the app in manifest.yaml",
		Long: `emulate runs a local Slack: the OAuth consent page, the Web API your app
calls (oauth.v2.access, auth.test, chat.*, views.*, openid.connect.*, …) and
the signed traffic Slack sends (commands, events, interactions), all offline.

From the manifest it creates an emulated app (client id, client secret,
signing secret). Redirect and request URLs keep their paths but point at
--app-url. With --env-file it writes what the app needs to run against the
emulator (SLACK_URL, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET,
SLACK_SIGNING_SECRET, SLACK_STATE_SECRET, SLACK_APP_TOKEN, …) into that file
(mode 0600; other lines are kept). An app without redirect URLs (a
single-workspace app) is installed into T0001 at start and gets
SLACK_BOT_TOKEN too. A Socket Mode app (settings.
socket_mode_enabled) gets its traffic over the connection it opens with
SLACK_APP_TOKEN instead of HTTP. Start the app with that environment, open its
/slack/install page, then send traffic with 'slackgen emulate send'. Watch
the conversation at http://ADDR/_emulator/.

Workspaces T0001 Acme, T0002 Globex and T0003 Initech HQ (in the Enterprise
organization E0001 Initech, which can install org-wide) exist; any other
team id is created when asked for. emulate runs until interrupted.`,
		Example: `  slackgen emulate --env-file .env
  slackgen emulate --manifest manifest.json --app-url http://127.0.0.1:8080 --addr 127.0.0.1:3001
  slackgen emulate send command /hello --text hi`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runEmulate(ctx, e, o, cmd.Flags().Changed("seed"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:3001", "address to listen on (host:port; port 0 picks a free one)")
	f.StringVar(&o.manifestPath, "manifest", "", "the app manifest (default ./manifest.yaml, then ./manifest.json)")
	f.StringVar(&o.appURL, "app-url", "http://127.0.0.1:3000", "where the app runs: redirect and request URLs are pointed here")
	f.StringVar(&o.envFile, "env-file", "", "write the app's SLACK_* settings into this file (mode 0600)")
	f.Uint64Var(&o.seed, "seed", 0, "generate the same credentials and tokens on every run (for tests; never for a shared machine)")
	f.DurationVar(&o.tokenLifetime, "token-lifetime", 12*time.Hour, "expires_in of rotating tokens (when the manifest enables token rotation)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "do not log messages and Web API calls")
	cmd.AddCommand(newEmulateSendCmd(e))
	return cmd
}

// loadEmulatorConfig loads and validates the manifest at path and turns it
// into the emulated app's configuration.
func loadEmulatorConfig(path, appURL string) (slacktest.AppConfig, error) {
	m, err := manifest.Load(path)
	if err != nil {
		var ds manifest.Diagnostics
		if errors.As(err, &ds) {
			return slacktest.AppConfig{}, failf("%s is not a valid manifest:\n%s\nRun 'slackgen validate %s' for details.", path, ds.Error(), path)
		}
		return slacktest.AppConfig{}, failf("%w", err)
	}
	if ds := m.Validate().Errors(); len(ds) > 0 {
		return slacktest.AppConfig{}, failf("%s has errors; fix them first ('slackgen validate %s'):\n%s", path, path, ds.Error())
	}
	return emulatorConfig(m, appURL)
}

// startEmulator loads the manifest and starts the emulator.
func startEmulator(e *env, o emulateOptions, seeded bool) (*slacktest.Server, string, error) {
	var args []string
	if o.manifestPath != "" {
		args = []string{o.manifestPath}
	}
	path, err := findManifest(args)
	if err != nil {
		return nil, "", err
	}
	cfg, err := loadEmulatorConfig(path, o.appURL)
	if err != nil {
		return nil, "", err
	}
	if o.tokenLifetime <= 0 {
		return nil, "", usageError("--token-lifetime must be positive, got %s", o.tokenLifetime)
	}
	opts := []slacktest.Option{
		slacktest.WithAddr(o.addr),
		slacktest.WithTokenLifetime(o.tokenLifetime),
		slacktest.WithManifestValidator(manifestValidator),
	}
	if seeded {
		opts = append(opts, slacktest.WithSeed(o.seed))
	}
	if !o.quiet {
		opts = append(opts, slacktest.WithLogger(slog.New(slog.NewTextHandler(e.stdout, nil))))
	}
	srv, err := slacktest.New(cfg, opts...)
	if err != nil {
		return nil, "", failf("%w", err)
	}
	return srv, path, nil
}

// watchManifest reloads the manifest when its modification time moves
// from last (checked every interval) and applies it to the running
// emulator; credentials and tokens stay. A manifest with errors is
// reported and ignored. It returns when ctx is done.
func watchManifest(ctx context.Context, e *env, srv *slacktest.Server, path, appURL string, last time.Time, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		mt := modTime(path)
		if mt.Equal(last) {
			continue
		}
		last = mt
		cfg, err := loadEmulatorConfig(path, appURL)
		if err != nil {
			fmt.Fprintf(e.stderr, "slackgen: %s changed but was not reloaded: %v\n", path, err)
			continue
		}
		srv.SetApp(cfg)
		fmt.Fprintf(e.stdout, "Reloaded %s.\n", path)
	}
}

// modTimeBefore is path's modification time, or zero when it changed after
// t (so that an edit made while starting is picked up).
func modTimeBefore(path string, t time.Time) time.Time {
	if mt := modTime(path); mt.Before(t) {
		return mt
	}
	return time.Time{}
}

func modTime(path string) time.Time {
	fi, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

func runEmulate(ctx context.Context, e *env, o emulateOptions, seeded bool) error {
	started := time.Now()
	srv, path, err := startEmulator(e, o, seeded)
	if err != nil {
		return err
	}
	defer srv.Close()
	app := srv.App()
	vars := srv.Env()
	single := len(app.RedirectURLs) == 0 && len(app.BotScopes) > 0
	if single {
		inst, err := srv.Install("")
		if err != nil {
			return failf("installing the single-workspace app: %w", err)
		}
		vars = append(vars, "SLACK_BOT_TOKEN="+inst.BotToken)
	}
	if o.envFile != "" {
		if err := writeEnvFile(o.envFile, vars); err != nil {
			return failf("%w", err)
		}
	}
	fmt.Fprintf(e.stdout, "Slack emulator for %q listening on %s\n", app.Name, srv.URL())
	fmt.Fprintf(e.stdout, "  SLACK_URL=%s  SLACK_CLIENT_ID=%s  (secrets are not printed", srv.URL(), app.ClientID)
	if o.envFile != "" {
		fmt.Fprintf(e.stdout, "; they are in %s)\n", o.envFile)
	} else {
		fmt.Fprintln(e.stdout, "; pass --env-file .env to write them for the app)")
	}
	if single {
		fmt.Fprintf(e.stdout, "  app:          %s (no redirect URL: installed into T0001, SLACK_BOT_TOKEN set)\n", o.appURL)
	} else {
		fmt.Fprintf(e.stdout, "  app:          %s (install at %s/slack/install)\n", o.appURL, strings.TrimSuffix(o.appURL, "/"))
	}
	fmt.Fprintf(e.stdout, "  conversation: %s/_emulator/\n", srv.URL())
	example := "/hello"
	if len(app.CommandURLs) > 0 {
		cmds := make([]string, 0, len(app.CommandURLs))
		for c := range app.CommandURLs {
			cmds = append(cmds, c)
		}
		slices.Sort(cmds)
		example = cmds[0]
	}
	fmt.Fprintf(e.stdout, "  send traffic: slackgen emulate send command %s --text hi --emulator %s\n", example, srv.URL())
	fmt.Fprintln(e.stdout, "Press Ctrl+C to stop. Edits of the manifest are picked up while running.")

	watched := make(chan struct{})
	go func() {
		defer close(watched)
		watchManifest(ctx, e, srv, path, o.appURL, modTimeBefore(path, started), time.Second)
	}()
	<-ctx.Done()
	<-watched
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return failf("stopping the emulator: %w", err)
	}
	fmt.Fprintln(e.stdout, "Emulator stopped.")
	return nil
}
