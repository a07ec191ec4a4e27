package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/slackgen/slackgen/manifest"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newAddCmd) }

// afterManifestEdit, when set, runs after `slackgen add` wrote the
// manifest (not after a no-op), e.g. to regenerate the project when a
// slackgen.yaml sits next to the manifest. Its error makes add fail.
var afterManifestEdit func(e *env, manifestPath string) error

func newAddCmd(e *env) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add a slash command, scope or event to the manifest, keeping its comments",
		Long: `add edits the manifest in place: it inserts the new lines next to the
existing ones, so comments, key order and formatting are kept. It adds the
scopes an addition needs (a command needs "commands", app_mention needs
"app_mentions:read"), checks the result and writes it atomically; when the
result would have new errors nothing is written (errors that were there
before don't block an edit; they are listed after it).

The manifest is --file, or ./manifest.yaml, then ./manifest.json.`,
		Example: `  slackgen add command /deploy --description "Deploy a service" --usage-hint "[service] [env]"
  slackgen add scope chat:write
  slackgen add scope search:read --user
  slackgen add event app_mention`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError("missing what to add: command, scope or event\nRun '%s --help' for usage.", cmd.CommandPath())
		},
	}
	cmd.PersistentFlags().StringVarP(&file, "file", "f", "", "the manifest to edit (default ./manifest.yaml, then ./manifest.json)")
	cmd.AddCommand(newAddCommandCmd(e, &file), newAddScopeCmd(e, &file), newAddEventCmd(e, &file))
	return cmd
}

func newAddCommandCmd(e *env, file *string) *cobra.Command {
	var c manifest.SlashCommand
	cmd := &cobra.Command{
		Use:   "command /NAME --description TEXT",
		Short: "Add a slash command (and the bot scope commands)",
		Long: `add command adds a slash command to features.slash_commands, and the bot
scope "commands" when it is missing.

Without --url, and with Socket Mode off, the command gets the request URL of
the first existing command, else of event subscriptions, else of
interactivity (slackgen apps serve all of them on one path).`,
		Example: `  slackgen add command /deploy --description "Deploy a service"
  slackgen add command /deploy --description "Deploy" --usage-hint "[service]" --url https://example.com/slack/commands`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c.Command = args[0]
			return editManifest(e, *file, func(ed *manifest.Editor) ([]string, error) {
				m := ed.Manifest()
				if c.URL == "" && !m.SocketMode() {
					c.URL = sharedRequestURL(m)
				}
				return ed.AddCommand(c)
			}, "slash command "+args[0])
		},
	}
	cmd.Flags().StringVar(&c.Description, "description", "", "what the command does, shown in Slack (required)")
	cmd.Flags().StringVar(&c.UsageHint, "usage-hint", "", "a short hint about the arguments, e.g. \"[service] [env]\"")
	cmd.Flags().StringVar(&c.URL, "url", "", "the request URL (default: the app's existing request URL; none with Socket Mode)")
	_ = cmd.MarkFlagRequired("description")
	return cmd
}

// sharedRequestURL is the URL a new command shares with the rest of the
// app: the first command's, else the events', else interactivity's.
func sharedRequestURL(m *manifest.Manifest) string {
	for _, c := range m.SlashCommands() {
		if c.URL != "" {
			return c.URL
		}
	}
	if u := m.EventsRequestURL(); u != "" {
		return u
	}
	return m.InteractivityRequestURL()
}

func newAddScopeCmd(e *env, file *string) *cobra.Command {
	var user bool
	cmd := &cobra.Command{
		Use:   "scope SCOPE",
		Short: "Add an OAuth scope (bot, or user with --user)",
		Example: `  slackgen add scope chat:write
  slackgen add scope search:read --user`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return editManifest(e, *file, func(ed *manifest.Editor) ([]string, error) {
				return ed.AddScope(args[0], user)
			}, kindWord(user)+" scope "+args[0])
		},
	}
	cmd.Flags().BoolVar(&user, "user", false, "add a user scope instead of a bot scope")
	return cmd
}

func newAddEventCmd(e *env, file *string) *cobra.Command {
	var user bool
	cmd := &cobra.Command{
		Use:   "event EVENT",
		Short: "Subscribe to an Events API event (and add the scope it needs)",
		Long: `add event subscribes to an event in settings.event_subscriptions, and adds
the scope it needs when none of its scopes is requested yet (app_mention
needs app_mentions:read, message.channels needs channels:history, …).

With Socket Mode off and no events request URL yet, the request URL becomes
the one the app already uses for commands or interactivity.`,
		Example: `  slackgen add event app_mention
  slackgen add event message.im
  slackgen add event reaction_added --user`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return editManifest(e, *file, func(ed *manifest.Editor) ([]string, error) {
				m := ed.Manifest()
				url := sharedRequestURL(m)
				added, err := ed.AddEvent(args[0], user)
				if err != nil || len(added) == 0 || m.SocketMode() || m.EventsRequestURL() != "" || url == "" {
					return added, err
				}
				// Events need somewhere to go: the URL the app already uses.
				set, err := ed.SetEventsRequestURL(url)
				if set {
					added = append(added, "events request URL "+url)
				}
				return added, err
			}, kindWord(user)+" event "+args[0])
		},
	}
	cmd.Flags().BoolVar(&user, "user", false, "subscribe on behalf of users (user_events) instead of the bot")
	return cmd
}

func kindWord(user bool) string {
	if user {
		return "user"
	}
	return "bot"
}

// editManifest loads the manifest, applies edit, validates the result and
// writes it atomically, then reports what was added.
func editManifest(e *env, file string, edit func(*manifest.Editor) ([]string, error), what string) error {
	var args []string
	if file != "" {
		args = []string{file}
	}
	path, err := findManifest(args)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return failf("read manifest: %w", err)
	}
	ed, err := manifest.NewEditor(path, data)
	if err != nil {
		var ds manifest.Diagnostics
		if errors.As(err, &ds) {
			writeDiagnostics(e.stderr, ds)
			return failf("%s is not a valid manifest; fix it first, nothing was changed", path)
		}
		return failf("%w", err)
	}
	original := ed.Manifest().Validate()
	added, err := edit(ed)
	if err != nil {
		return failf("%s: %w; nothing was changed", path, err)
	}
	if len(added) == 0 {
		fmt.Fprintf(e.stdout, "%s already has %s; nothing to do\n", path, what)
		return nil
	}
	// Refuse an edit that brings new errors. Edits only append, so the
	// pointers of what was there before don't move.
	before := map[string]bool{}
	for _, d := range original.Errors() {
		before[d.Pointer+"\x00"+d.Message] = true
	}
	var introduced, remaining manifest.Diagnostics
	for _, d := range ed.Manifest().Validate().Errors() {
		if before[d.Pointer+"\x00"+d.Message] {
			remaining = append(remaining, d)
		} else {
			introduced = append(introduced, d)
		}
	}
	if len(introduced) > 0 {
		writeDiagnostics(e.stderr, introduced)
		return failf("the edited manifest would not be valid (%s); %s was not changed", countDiagnostics(introduced), path)
	}
	if err := manifest.WriteFile(path, ed.Bytes()); err != nil {
		return failf("%w", err)
	}
	for _, a := range added {
		fmt.Fprintf(e.stdout, "added %s to %s\n", a, path)
	}
	if len(remaining) > 0 {
		writeDiagnostics(e.stderr, remaining)
		fmt.Fprintf(e.stderr, "%s still has the %s it had before this edit; run slackgen validate\n", path, countDiagnostics(remaining))
	}
	if afterManifestEdit != nil {
		return afterManifestEdit(e, path)
	}
	return nil
}
