package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/slackgen/slackgen/generator"
	"github.com/slackgen/slackgen/internal/atomicfile"
	"github.com/slackgen/slackgen/manifest"
)

func init() { commands = append(commands, newInitCmd) }

// initOptions holds slackgen init's flags.
type initOptions struct {
	manifestFile  string
	name          string
	description   string
	module        string
	botScopes     []string
	userScopes    []string
	redirectURLs  []string
	commands      []string
	events        []string
	interactivity bool
	shortcuts     []string
	blockActions  []string
	viewSubmits   []string
	options       []string
	viewClosed    []string
	store         string
	mode          string
	distribution  string
	templates     string
	runtimeDir    string
	yes           bool
	force         bool
}

func newInitCmd(e *env) *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a Slack app project: answer a few questions, get a runnable Go app",
		Long: `init creates a Slack app project in DIR (default: the current directory):
manifest.yaml (a Slack app manifest, the source of truth for scopes, commands
and events), slackgen.yaml (Go module, installation store, HTTP or Socket
Mode) and the Go project rendered from them, with go.sum complete so that
'go build ./...' works straight away.

On a terminal init asks for whatever the flags leave open; every question
has a default and help behind '?'. Without a terminal (CI, scripts) it never
prompts: pass --yes to take the defaults for everything not given by a flag,
or it stops and names the flags still needed.

With --manifest FILE the app questions are skipped: FILE (YAML or JSON, as
exported from api.slack.com) is validated and copied as manifest.yaml.

init refuses a non-empty DIR unless it is already a slackgen project (it has
slackgen.yaml) or --force is given.`,
		Example: `  # Ask everything on the terminal
  slackgen init deploybot

  # No questions: flags plus defaults
  slackgen init deploybot --yes --module github.com/acme/deploybot \
    --command "/deploy:Deploy a service:[service] [env]" --event app_mention \
    --store postgres --mode socket

  # Start from a manifest exported from api.slack.com
  slackgen init deploybot --manifest ~/Downloads/manifest.json --module github.com/acme/deploybot --yes`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return o.run(e, cmd.Flags(), dir)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.manifestFile, "manifest", "", "start from this Slack app manifest (YAML or JSON) instead of asking about the app")
	f.StringVar(&o.name, "name", "", "app name shown in Slack (default: the directory's name)")
	f.StringVar(&o.description, "description", "", "short description of the app")
	f.StringVar(&o.module, "module", "", "Go module path (default: example.com/<name>)")
	f.StringSliceVar(&o.botScopes, "bot-scopes", nil, "bot scopes, comma-separated (default: chat:write; scopes that commands and events need are added)")
	f.StringSliceVar(&o.userScopes, "user-scopes", nil, "user scopes, comma-separated (default: none)")
	f.StringSliceVar(&o.redirectURLs, "redirect-url", nil, "OAuth redirect URL, repeatable (default: "+defaultRedirectURL+"); implies --distribution oauth")
	f.StringArrayVar(&o.commands, "command", nil, `slash command "/name:description[:usage hint]", repeatable`)
	f.StringArrayVar(&o.events, "event", nil, "bot event to subscribe to, repeatable (e.g. app_mention)")
	f.BoolVar(&o.interactivity, "interactivity", false, "enable interactivity (block actions, modals, shortcuts)")
	f.StringArrayVar(&o.shortcuts, "shortcut", nil, `shortcut "callback_id:name[:global|message]", repeatable; implies --interactivity`)
	f.StringSliceVar(&o.blockActions, "block-action", nil, "block action_id to scaffold a handler for, repeatable or comma-separated; implies --interactivity")
	f.StringSliceVar(&o.viewSubmits, "view-submission", nil, "modal callback_id to scaffold a submission handler for, repeatable or comma-separated; implies --interactivity")
	f.StringSliceVar(&o.options, "options", nil, "action_id of an external select whose options the app serves, repeatable or comma-separated; implies --interactivity")
	f.StringSliceVar(&o.viewClosed, "view-closed", nil, "modal callback_id whose close (notify_on_close) to scaffold a handler for, repeatable or comma-separated; implies --interactivity")
	f.StringVar(&o.store, "store", "", "installation store: sqlite, postgres or file (default: sqlite)")
	f.StringVar(&o.mode, "mode", "", "how Slack reaches the app: http or socket (default: http)")
	f.StringVar(&o.distribution, "distribution", "", "oauth (many workspaces, install flow) or single (one workspace, SLACK_BOT_TOKEN) (default: oauth)")
	f.StringVar(&o.templates, "templates", "", "directory of templates overriding or adding to the built-in ones, recorded in slackgen.yaml")
	f.StringVar(&o.runtimeDir, "runtime-dir", "", "slackgen source checkout whose runtime/ the generated go.mod replaces the runtime module with")
	f.BoolVarP(&o.yes, "yes", "y", false, "never prompt: take defaults for everything no flag answers")
	f.BoolVar(&o.force, "force", false, "write into a non-empty directory and replace files that differ")
	return cmd
}

// manifestFlags are the flags that describe the app; --manifest replaces
// them all.
var manifestFlags = []string{
	"name", "description", "bot-scopes", "user-scopes", "redirect-url", "command",
	"event", "interactivity", "shortcut", "mode", "distribution",
}

// run is slackgen init: answers from flags, then the --manifest file, then
// the interview; the manifest is built and validated, and only then are
// manifest.yaml, slackgen.yaml and the project written.
func (o *initOptions) run(e *env, flags *pflag.FlagSet, dir string) error {
	given := func(flag string) bool { return flags.Changed(strings.TrimPrefix(flag, "--")) }
	a, err := o.answersFromFlags(given)
	if err != nil {
		return err
	}
	cat := loadCatalogue()

	var fromFile *manifest.Manifest
	if o.manifestFile != "" {
		if fromFile, err = o.loadManifest(e, a, given); err != nil {
			return err
		}
	}

	templates, runtimeDir, err := o.projectPaths(dir)
	if err != nil {
		return err
	}
	if err := checkProjectDir(dir, o.manifestFile, o.force); err != nil {
		return err
	}

	iv := &interview{dir: dir, given: given, fromManifest: fromFile != nil, cat: cat}
	if iv.p, err = o.prompter(e, iv, a); err != nil {
		return err
	}
	if err := iv.run(a); err != nil {
		if errors.Is(err, errInterrupted) {
			return failf("interrupted; nothing was written")
		}
		return failf("%w", err)
	}

	var manifestData []byte
	if fromFile != nil {
		manifestData, err = manifestYAML(fromFile, o.manifestFile)
		if err != nil {
			return err
		}
	} else {
		m, added := buildManifest(a, cat)
		manifestData, err = checkBuiltManifest(e, m)
		if err != nil {
			return err
		}
		if len(added) > 0 {
			fmt.Fprintf(e.stdout, "Added the scopes your commands and events need: %s\n", strings.Join(added, ", "))
		}
	}

	cfg := generator.DefaultConfig(a.Module)
	cfg.Store, cfg.Mode, cfg.Distribution = a.Store, a.Mode, a.Distribution
	cfg.Templates, cfg.RuntimeDir = templates, runtimeDir
	cfg.BlockActions, cfg.ViewSubmissions = a.BlockActions, a.ViewSubmissions
	cfg.Options, cfg.ViewClosed = a.Options, a.ViewClosed
	if err := cfg.Validate(); err != nil {
		return usageError("%w", err)
	}
	cfgData, err := cfg.Marshal()
	if err != nil {
		return failf("encoding %s: %w", generator.ConfigFile, err)
	}

	if err := writeProject(e, dir, o.force, []pendingFile{
		{name: "manifest.yaml", data: manifestData},
		{name: generator.ConfigFile, data: cfgData},
	}); err != nil {
		return err
	}
	if fromFile != nil && filepath.Base(o.manifestFile) != "manifest.yaml" && initSameFile(filepath.Dir(o.manifestFile), dir) {
		fmt.Fprintf(e.stdout, "\nmanifest.yaml is the project's manifest now; %s is left as it was (delete it to avoid confusion).\n", o.manifestFile)
	}
	printNextSteps(e.stdout, dir, a, manifestData)
	return nil
}

// loadManifest loads and validates the --manifest file and takes from it
// what the interview would otherwise ask.
func (o *initOptions) loadManifest(e *env, a *initAnswers, given func(string) bool) (*manifest.Manifest, error) {
	for _, name := range manifestFlags {
		if given("--" + name) {
			return nil, usageError("--%s cannot be combined with --manifest: the manifest file says it; edit the file instead", name)
		}
	}
	m, err := loadManifestFile(e, o.manifestFile)
	if err != nil {
		return nil, err
	}
	a.Name = m.DisplayInformation.Name
	a.Interactivity = m.InteractivityEnabled() || len(m.Shortcuts()) > 0
	if !a.Interactivity {
		if flags := givenInteractionFlags(given); len(flags) > 0 {
			return nil, usageError("%s interactivity, which %s does not enable: set settings.interactivity.is_enabled: true in it first", needFlags(flags), o.manifestFile)
		}
	}
	a.Mode, a.Distribution = modeHTTP, distSingle
	if m.SocketMode() {
		a.Mode = modeSocket
	}
	if m.UsesOAuth() {
		a.Distribution = distOAuth
	}
	return m, nil
}

// prompter picks how the interview gets its answers: defaults with --yes,
// survey on a terminal. Without a terminal it asks nothing: when a question
// would be asked, it fails with the flags that answer them.
func (o *initOptions) prompter(e *env, iv *interview, a *initAnswers) (prompter, error) {
	if o.yes {
		return newScriptedPrompter(nil), nil // every question takes its default
	}
	if in, out, ok := terminalFiles(e.stdin, e.stdout); ok {
		return newSurveyPrompter(in, out, e.stderr), nil
	}
	// Find out what would be asked, without asking.
	probe := newScriptedPrompter(nil)
	dry, probeIV := *a, *iv
	probeIV.p = probe
	if err := probeIV.run(&dry); err != nil {
		return nil, failf("%w", err)
	}
	if missing := flagsFor(probe.asked); len(missing) > 0 {
		return nil, usageError("cannot ask questions: %s not a terminal.\n"+
			"Answer them with flags, or pass --yes to take the defaults: %s",
			notTerminal(e.stdin, e.stdout), strings.Join(missing, ", "))
	}
	return newScriptedPrompter(nil), nil
}

// answersFromFlags fills the answers the flags give, checking each.
func (o *initOptions) answersFromFlags(given func(string) bool) (*initAnswers, error) {
	a := &initAnswers{
		Name:            strings.TrimSpace(o.name),
		Description:     strings.TrimSpace(o.description),
		Module:          strings.TrimSpace(o.module),
		Store:           o.store,
		Mode:            o.mode,
		Distribution:    o.distribution,
		Interactivity:   o.interactivity || interactivityImplied(given),
		BotScopes:       appendNew(nil, trimEach(o.botScopes)...),
		UserScopes:      appendNew(nil, trimEach(o.userScopes)...),
		RedirectURLs:    appendNew(nil, trimEach(o.redirectURLs)...),
		Events:          appendNew(nil, trimEach(o.events)...),
		BlockActions:    trimEach(o.blockActions),
		ViewSubmissions: trimEach(o.viewSubmits),
		Options:         trimEach(o.options),
		ViewClosed:      trimEach(o.viewClosed),
	}
	checks := []struct {
		flag  string
		check func() error
	}{
		{"--name", func() error { return validateName(a.Name) }},
		{"--description", func() error { return validateDescription(a.Description) }},
		{"--module", func() error { return validateModule(a.Module) }},
		{"--store", func() error { return checkOption(a.Store, storeChoices) }},
		{"--mode", func() error { return checkOption(a.Mode, modeChoices) }},
		{"--distribution", func() error { return checkOption(a.Distribution, distributionChoices) }},
		{"--block-action", func() error { return validateIDList(strings.Join(a.BlockActions, ",")) }},
		{"--view-submission", func() error { return validateIDList(strings.Join(a.ViewSubmissions, ",")) }},
		{"--options", func() error { return validateIDList(strings.Join(a.Options, ",")) }},
		{"--view-closed", func() error { return validateIDList(strings.Join(a.ViewClosed, ",")) }},
		{"--redirect-url", func() error {
			for _, u := range a.RedirectURLs {
				if err := validateURL(u); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, c := range checks {
		if !given(c.flag) {
			continue
		}
		if err := c.check(); err != nil {
			return nil, usageError("%s: %w", c.flag, err)
		}
	}
	if given("--redirect-url") {
		if a.Distribution == distSingle {
			return nil, usageError("--redirect-url needs --distribution oauth: a single-workspace app has no OAuth redirect")
		}
		a.Distribution = distOAuth
	}
	for _, s := range o.commands {
		c, err := parseCommandFlag(s)
		if err != nil {
			return nil, usageError("%w", err)
		}
		if slices.ContainsFunc(a.Commands, func(x commandAnswer) bool { return x.Name == c.Name }) {
			return nil, usageError("--command %s is given twice", c.Name)
		}
		a.Commands = append(a.Commands, c)
	}
	if len(a.Commands) > maxCommands {
		return nil, usageError("%d commands given; Slack allows at most %d", len(a.Commands), maxCommands)
	}
	for _, s := range o.shortcuts {
		sc, err := parseShortcutFlag(s)
		if err != nil {
			return nil, usageError("%w", err)
		}
		if slices.ContainsFunc(a.Shortcuts, func(x shortcutAnswer) bool { return x.CallbackID == sc.CallbackID }) {
			return nil, usageError("--shortcut callback_id %s is given twice", sc.CallbackID)
		}
		a.Shortcuts = append(a.Shortcuts, sc)
	}
	if len(a.Shortcuts) > maxShortcuts {
		return nil, usageError("%d shortcuts given; Slack allows at most %d", len(a.Shortcuts), maxShortcuts)
	}
	if given("--interactivity") && !o.interactivity && interactivityImplied(given) {
		var flags []string
		if given("--shortcut") {
			flags = append(flags, "--shortcut")
		}
		flags = append(flags, givenInteractionFlags(given)...)
		return nil, usageError("%s interactivity; drop --interactivity=false", needFlags(flags))
	}
	return a, nil
}

// trimEach trims the blanks around each item of a list flag.
func trimEach(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// projectPaths checks --templates and --runtime-dir and returns them relative
// to the project directory, as slackgen.yaml records them. --runtime-dir
// may name a slackgen checkout or its runtime/ directory.
func (o *initOptions) projectPaths(dir string) (templates, runtimeDir string, err error) {
	if o.templates != "" {
		if fi, err := os.Stat(o.templates); err != nil || !fi.IsDir() {
			return "", "", usageError("--templates %s: not a directory; give the folder holding your template overrides", o.templates)
		}
		if templates, err = generator.RelativePath(dir, o.templates); err != nil {
			return "", "", usageError("--templates: %w", err)
		}
	}
	if o.runtimeDir == "" {
		// A development build of slackgen replaces the runtime with its own
		// checkout (generator.FindRuntimeDir) at generate time; a release
		// requires the runtime at its own version.
		return templates, "", nil
	}
	for _, cand := range []string{filepath.Join(o.runtimeDir, "runtime"), o.runtimeDir} {
		if generator.IsRuntimeModuleDir(cand) {
			if runtimeDir, err = generator.RelativePath(dir, cand); err != nil {
				return "", "", usageError("--runtime-dir: %w", err)
			}
			return templates, runtimeDir, nil
		}
	}
	return "", "", usageError("--runtime-dir %s: no slackgen checkout there (looked for runtime/go.mod declaring module %s)", o.runtimeDir, generator.RuntimeModule)
}

// checkProjectDir refuses a non-empty directory that is not a slackgen
// project, unless force. A .git directory and the --manifest file itself
// don't count.
func checkProjectDir(dir, manifestFile string, force bool) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return failf("reading %s: %w", dir, err)
	}
	if force || initPathExists(filepath.Join(dir, generator.ConfigFile)) {
		return nil
	}
	var others []string
	for _, ent := range entries {
		if ent.Name() == ".git" || initSameFile(filepath.Join(dir, ent.Name()), manifestFile) {
			continue
		}
		others = append(others, ent.Name())
	}
	if len(others) == 0 {
		return nil
	}
	shown := others
	if len(shown) > 5 {
		shown = append(slices.Clone(shown[:5]), "…")
	}
	return failf("%s is not empty (%s) and is not a slackgen project (no %s): pick an empty or new directory, or pass --force to write into it",
		dir, strings.Join(shown, ", "), generator.ConfigFile)
}

func initPathExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func initSameFile(a, b string) bool {
	if b == "" {
		return false
	}
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// notTerminal says which of stdin and stdout is not a terminal.
func notTerminal(stdin io.Reader, stdout io.Writer) string {
	isTerm := func(x any) bool {
		f, ok := x.(*os.File)
		if !ok {
			return false
		}
		_, _, ok = terminalFiles(f, f)
		return ok
	}
	switch in, out := isTerm(stdin), isTerm(stdout); {
	case !in && !out:
		return "standard input and output are"
	case !in:
		return "standard input is"
	default:
		return "standard output is"
	}
}

// loadManifestFile loads and validates the --manifest file, printing its
// problems as file:line:col; errors stop init with exit code 1.
func loadManifestFile(e *env, path string) (*manifest.Manifest, error) {
	m, ds, err := checkManifest(e.stderr, path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, usageError("--manifest %s: no such file", path)
	case err != nil:
		return nil, failf("--manifest: %w", err)
	case m == nil:
		return nil, silentFail // the parse errors are printed
	case ds.HasErrors():
		return nil, failf("%s has errors; fix them and run slackgen init again (nothing was written)", path)
	}
	return m, nil
}

// manifestYAML returns the bytes of manifest.yaml for a --manifest file: a
// YAML file verbatim (comments kept), a JSON file converted.
func manifestYAML(m *manifest.Manifest, path string) ([]byte, error) {
	if m.Format() == manifest.YAML {
		return m.Source(), nil
	}
	data, err := m.Marshal(manifest.YAML)
	if err != nil {
		return nil, failf("converting %s to YAML: %w", path, err)
	}
	return data, nil
}

// checkBuiltManifest encodes the manifest built from the answers and
// validates the result as the manifest package reads it back.
func checkBuiltManifest(e *env, m *manifest.Manifest) ([]byte, error) {
	data, err := m.Marshal(manifest.YAML)
	if err != nil {
		return nil, failf("encoding manifest.yaml: %w", err)
	}
	back, err := manifest.Parse("manifest.yaml", data)
	if err != nil {
		return nil, failf("the manifest built from your answers does not parse: %w", err)
	}
	ds := back.Validate()
	if ds.HasErrors() {
		writeDiagnostics(e.stderr, ds)
		return nil, failf("the manifest built from your answers is not valid (see above); change the answers, nothing was written")
	}
	return data, nil
}

// pendingFile is an input file init writes before generating.
type pendingFile struct {
	name string
	data []byte
}

// writeProject writes manifest.yaml and slackgen.yaml, generates the
// project and prints the plan.
func writeProject(e *env, dir string, force bool, files []pendingFile) error {
	status := make([]string, len(files))
	for i, f := range files {
		path := filepath.Join(dir, f.name)
		old, err := os.ReadFile(path)
		switch {
		case err == nil && bytes.Equal(old, f.data):
			status[i] = "unchanged"
		case err == nil && !force:
			return failf("%s exists and differs from what init would write: edit it and run `slackgen generate`, or pass --force to replace it (nothing was written)", path)
		case err == nil:
			status[i] = "updated"
		case errors.Is(err, os.ErrNotExist):
			status[i] = "created"
		default:
			return failf("reading %s: %w", path, err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return failf("creating %s: %w", dir, err)
	}
	for i, f := range files {
		if status[i] == "unchanged" {
			continue
		}
		if err := atomicfile.Write(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return failf("%w", err)
		}
	}
	for i, f := range files {
		fmt.Fprintf(e.stdout, "%-9s  %-10s  %s\n", status[i], "input", f.name) // the columns of generator.Result.Print
	}
	res, err := generator.Generate(generator.Options{Dir: dir, Force: force, Out: e.stdout, Version: generator.Version()})
	if res != nil {
		for _, w := range res.Warnings { // as generate prints them
			fmt.Fprintln(e.stderr, w)
		}
		res.Print(e.stdout)
	}
	if err != nil {
		return failf("generating the project: %w\nmanifest.yaml and %s are written; fix the problem and run `slackgen generate --dir %s`", err, generator.ConfigFile, dir)
	}
	return nil
}

// printNextSteps tells what to do after init, for the app's mode and
// distribution.
func printNextSteps(w io.Writer, dir string, a *initAnswers, manifestData []byte) {
	fmt.Fprintln(w, "\nNext steps:")
	if dir != "." {
		fmt.Fprintf(w, "  cd %s\n", dir)
	}
	fmt.Fprintln(w, "  1. Create the Slack app: https://api.slack.com/apps → Create New App → From a manifest, with manifest.yaml")
	if bytes.Contains(manifestData, []byte("https://example.com/")) {
		fmt.Fprintln(w, "     (its URLs use example.com: `slackgen manifest export --base-url https://your.host` prints it with your host)")
	}
	var vars []string
	if a.Mode == modeSocket {
		vars = append(vars, "SLACK_APP_TOKEN")
	} else {
		vars = append(vars, "SLACK_SIGNING_SECRET")
	}
	if a.Distribution == distOAuth {
		vars = append(vars, "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET")
	} else {
		vars = append(vars, "SLACK_BOT_TOKEN")
	}
	fmt.Fprintf(w, "  2. cp .env.example .env and set %s\n", strings.Join(vars, ", "))
	if a.Distribution == distOAuth {
		fmt.Fprintln(w, "  3. make run, then install the app from http://localhost:3000/slack/install")
	} else {
		fmt.Fprintln(w, "  3. make run")
	}
	fmt.Fprintln(w, "  Offline: `slackgen emulate --env-file .env` runs a local Slack to try the app against.")
	fmt.Fprintln(w, "  After editing manifest.yaml (or `slackgen add command …`), run `slackgen generate`.")
}
