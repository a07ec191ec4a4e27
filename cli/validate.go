package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/slackgen/slackgen/manifest"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newValidateCmd) }

// defaultManifestPaths are tried in order when no manifest is named.
var defaultManifestPaths = []string{"manifest.yaml", "manifest.json"}

func newValidateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a Slack app manifest and report every problem at file:line:col",
		Long: `validate checks a Slack app manifest (YAML or JSON, schema version 1 or 2)
against Slack's manifest schema and slackgen's lint rules, and prints every
problem, sorted by position, as

  file:line:col: error|warning: message (hint)

FILE defaults to ./manifest.yaml, then ./manifest.json. Warnings never fail.
Exit status: 0 without errors, 1 with errors, 2 when the file can't be found
or the arguments are wrong.`,
		Example: `  slackgen validate
  slackgen validate path/to/manifest.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := findManifest(args)
			if err != nil {
				return err
			}
			m, ds, err := checkManifest(e.stdout, path)
			switch {
			case err != nil:
				return failf("%w", err)
			case m == nil:
				return failf("%s is not a valid manifest", path)
			case ds.HasErrors():
				return failf("%s: %s", path, countDiagnostics(ds))
			}
			return nil
		},
	}
}

// findManifest returns the manifest named in args, or the first default
// path that exists. A missing file is a usage error naming what was tried.
func findManifest(args []string) (string, error) {
	if len(args) > 0 && args[0] != "" {
		if _, err := os.Stat(args[0]); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return "", usageError("manifest %s not found", args[0])
			}
			return "", usageError("manifest %s: %w", args[0], err)
		}
		return args[0], nil
	}
	for _, p := range defaultManifestPaths {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", usageError("no manifest found: tried ./%s; name the file as an argument",
		strings.Join(defaultManifestPaths, ", ./"))
}

// checkManifest reads the manifest at path, checks it with manifest.Check
// and prints every problem to w, one file:line:col line each. When the file
// does not parse, m is nil and ds holds the parse errors. err reports a file
// that cannot be read.
func checkManifest(w io.Writer, path string) (m *manifest.Manifest, ds manifest.Diagnostics, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read manifest: %w", err)
	}
	m, ds = manifest.Check(path, data)
	writeDiagnostics(w, ds)
	return m, ds, nil
}

// writeDiagnostics prints ds to w, one file:line:col line each.
func writeDiagnostics(w io.Writer, ds manifest.Diagnostics) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}

// countDiagnostics says "2 errors, 1 warning".
func countDiagnostics(ds manifest.Diagnostics) string {
	plural := func(n int, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return fmt.Sprintf("%d %ss", n, word)
	}
	s := plural(len(ds.Errors()), "error")
	if w := len(ds.Warnings()); w > 0 {
		s += ", " + plural(w, "warning")
	}
	return s
}
