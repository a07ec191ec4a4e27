// Package cli holds slackgen's cobra commands. Each command is a thin layer
// over the manifest and generator packages; nothing here is needed by a test
// of another package.
package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	ExitOK    = 0 // success
	ExitFail  = 1 // the command ran and found errors (invalid manifest, stale files, …)
	ExitUsage = 2 // bad flags or arguments
)

// env is what every command reads and writes instead of the os globals, so
// tests can run commands in-process.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// commands lists the constructors of the top-level subcommands; each
// command's file appends its own in init, so commands live one per file.
var commands []func(*env) *cobra.Command

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// failf returns an error that makes slackgen exit with ExitFail.
func failf(format string, args ...any) error {
	return &exitError{code: ExitFail, err: fmt.Errorf(format, args...)}
}

// silentFail makes slackgen exit with ExitFail without printing anything more
// (the command already reported what is wrong).
var silentFail = &exitError{code: ExitFail, err: errors.New("")}

// usageError makes slackgen exit with ExitUsage.
func usageError(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "slackgen",
		Short: "Generate and regenerate Slack apps in Go from a Slack app manifest",
		Long: `slackgen renders a complete Go project from a Slack app manifest and keeps it
in step with the manifest: generated wiring is rewritten, your handlers are
never touched. The generated app imports slackgen's runtime: OAuth install
flow, state and installation stores, signature verification and routing.`,
		Example: `  slackgen init myapp                 # answer a few questions, get a project
  slackgen validate manifest.yaml     # check a manifest, every problem at file:line:col
  slackgen add command /deploy --description "Deploy a service"
  slackgen generate                   # re-render after editing manifest.yaml`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError("%w\nRun '%s --help' for usage.", err, c.CommandPath())
	})
	for _, newCmd := range commands {
		root.AddCommand(newCmd(e))
	}
	return root
}

// Run runs slackgen with args and returns the process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(e)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	code := ExitUsage // cobra's own errors: unknown command, wrong arg count
	var xe *exitError
	if errors.As(err, &xe) {
		code = xe.code
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintf(stderr, "slackgen: %s\n", msg)
	}
	return code
}
