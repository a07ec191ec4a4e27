package cli

import (
	"github.com/slackgen/slackgen/manifest"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newManifestCmd) }

func newManifestCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "manifest",
		Short: "Work with the Slack app manifest",
		Long: `manifest groups commands that work on the Slack app manifest as a whole.
See also slackgen validate and slackgen add.`,
		Example: `  slackgen manifest export --format json --base-url https://abc123.ngrok.app`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError("missing subcommand\nRun '%s --help' for usage.", cmd.CommandPath())
		},
	}
	cmd.AddCommand(newExportCmd(e))
	return cmd
}

func newExportCmd(e *env) *cobra.Command {
	var format, baseURL string
	cmd := &cobra.Command{
		Use:   "export [FILE]",
		Short: "Print the manifest as Slack accepts it, request URLs pointed at --base-url",
		Long: `export prints the manifest in a form Slack accepts as is ("Create New App" →
"From a manifest" on api.slack.com, or apps.manifest.update): sections and
keys in Slack's order, no comments. With --base-url the scheme and host of
every request URL and redirect URL are replaced, for a tunnel or a staging
host (a path in --base-url is prefixed to each URL's path).

FILE defaults to ./manifest.yaml, then ./manifest.json. The manifest must be
valid: with errors, export prints them and exits 1. Warnings go to stderr.`,
		Example: `  slackgen manifest export --format json > manifest.json
  slackgen manifest export --base-url https://abc123.ngrok.app`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := findManifest(args)
			if err != nil {
				return err
			}
			var f manifest.Format
			if cmd.Flags().Changed("format") {
				if f, err = manifest.ParseFormat(format); err != nil {
					return usageError("--format: %w", err)
				}
			}
			m, ds, err := checkManifest(e.stderr, path)
			switch {
			case err != nil:
				return failf("%w", err)
			case m == nil:
				return failf("%s is not a valid manifest; nothing exported", path)
			case ds.HasErrors():
				return failf("%s: %s; fix them before exporting", path, countDiagnostics(ds))
			}
			if !cmd.Flags().Changed("format") {
				f = m.Format()
			}
			if baseURL != "" {
				if m, err = m.WithBaseURL(baseURL); err != nil {
					return usageError("--base-url: %w", err)
				}
			}
			out, err := m.Marshal(f)
			if err != nil {
				return failf("%w", err)
			}
			_, err = e.stdout.Write(out)
			return err
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "output format: json or yaml (default: the format of FILE)")
	cmd.Flags().StringVar(&baseURL, "base-url", "", "replace the scheme and host of request and redirect URLs, e.g. https://abc123.ngrok.app")
	return cmd
}
