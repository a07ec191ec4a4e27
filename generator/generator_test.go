package generator

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slackgen/slackgen/manifest"
)

// newProject copies testdata/cases/<name> into a temporary directory.
func newProject(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "cases", name))); err != nil {
		t.Fatal(err)
	}
	return dir
}

func generate(t *testing.T, opts Options) *Result {
	t.Helper()
	opts.SkipTidy = true
	if opts.Version == "" {
		opts.Version = DevelVersion
	}
	res, err := Generate(opts)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return res
}

func status(res *Result, path string) Status {
	for _, f := range res.Files {
		if f.Path == path {
			return f.Status
		}
	}
	return ""
}

func readFile(t *testing.T, dir, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, dir, path, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, path), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot returns every file of dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t *testing.T, before, after map[string]string) {
	t.Helper()
	for p, b := range before {
		if a, ok := after[p]; !ok {
			t.Errorf("%s was removed", p)
		} else if a != b {
			t.Errorf("%s changed", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s was created", p)
		}
	}
}

func TestGenerateTwiceChangesNothing(t *testing.T) {
	dir := newProject(t, "full")
	res := generate(t, Options{Dir: dir})
	if !res.Stale() || status(res, "main.go") != Created || status(res, "handlers/slackgen_handlers.go") != Created {
		t.Fatalf("first run: %+v", res.Files)
	}
	before := snapshot(t, dir)
	res = generate(t, Options{Dir: dir})
	if res.Stale() {
		var buf bytes.Buffer
		res.Print(&buf)
		t.Fatalf("second run is stale:\n%s", buf.String())
	}
	sameSnapshot(t, before, snapshot(t, dir))
	if got := status(res, "main.go"); got != Skipped {
		t.Errorf("main.go: %s, want skipped", got)
	}
	if got := status(res, "slackgen_app.go"); got != Unchanged {
		t.Errorf("slackgen_app.go: %s, want unchanged", got)
	}
}

func TestAddAndRemoveCommand(t *testing.T) {
	dir := newProject(t, "hello")
	generate(t, Options{Dir: dir})
	writeFile(t, dir, "handlers/hello_command.go", readFile(t, dir, "handlers/hello_command.go")+"\n// my edit\n")

	m := readFile(t, dir, "manifest.yaml")
	m = strings.Replace(m, "  slash_commands:\n", "  slash_commands:\n    - command: /deploy\n      url: https://example.com/slack/events\n      description: Deploy\n", 1)
	writeFile(t, dir, "manifest.yaml", m)
	res := generate(t, Options{Dir: dir})
	for path, want := range map[string]Status{
		"handlers/deploy_command.go":      Created,
		"handlers/deploy_command_test.go": Created,
		"handlers/slackgen_handlers.go":   Updated,
		"handlers/hello_command.go":       Skipped,
		"slackgen.lock":                   "",
	} {
		if got := status(res, path); got != want {
			t.Errorf("add: %s: %q, want %q", path, got, want)
		}
	}
	if !strings.Contains(readFile(t, dir, "handlers/slackgen_handlers.go"), "HandleDeployCommand(c *slackapp.Context") {
		t.Error("the interface has no HandleDeployCommand method")
	}
	if !strings.Contains(readFile(t, dir, "handlers/hello_command.go"), "// my edit") {
		t.Error("the user's handler was rewritten")
	}

	// Remove /hello: its files stay, reported as kept; the interface drops it.
	m = readFile(t, dir, "manifest.yaml")
	i := strings.Index(m, "    - command: /hello")
	j := strings.Index(m, "oauth_config:")
	writeFile(t, dir, "manifest.yaml", m[:i]+m[j:])
	res = generate(t, Options{Dir: dir})
	if got := status(res, "handlers/hello_command.go"); got != Kept {
		t.Errorf("remove: hello_command.go: %q, want kept", got)
	}
	if strings.Contains(readFile(t, dir, "handlers/slackgen_handlers.go"), "HandleHelloCommand") {
		t.Error("the interface still has HandleHelloCommand")
	}
	if !strings.Contains(readFile(t, dir, "handlers/hello_command.go"), "// my edit") {
		t.Error("the removed command's handler was touched")
	}
	// Kept files stay reported, and a rerun is still a no-op.
	before := snapshot(t, dir)
	res = generate(t, Options{Dir: dir})
	if res.Stale() || status(res, "handlers/hello_command.go") != Kept {
		t.Errorf("rerun after remove: stale=%v, hello=%s", res.Stale(), status(res, "handlers/hello_command.go"))
	}
	sameSnapshot(t, before, snapshot(t, dir))
}

func TestHandEditedGeneratedFile(t *testing.T) {
	dir := newProject(t, "hello")
	generate(t, Options{Dir: dir, Version: DevelVersion})
	edited := readFile(t, dir, "slackgen_app.go") + "\n// hand edit\n"
	writeFile(t, dir, "slackgen_app.go", edited)
	writeFile(t, dir, "manifest.yaml", strings.Replace(readFile(t, dir, "manifest.yaml"), "- commands", "- commands\n      - chat:write", 1))
	before := snapshot(t, dir)

	res, err := Generate(Options{Dir: dir, SkipTidy: true, Version: DevelVersion})
	var ce *ConflictError
	if !errors.As(err, &ce) || len(ce.Files) != 1 || ce.Files[0] != "slackgen_app.go" {
		t.Fatalf("err = %v, want a ConflictError naming slackgen_app.go", err)
	}
	if !strings.Contains(err.Error(), "--force") {
		t.Errorf("the error does not say how to proceed: %v", err)
	}
	if status(res, "slackgen_app.go") != Conflict {
		t.Errorf("status %s, want conflict", status(res, "slackgen_app.go"))
	}
	sameSnapshot(t, before, snapshot(t, dir)) // nothing written, lock included

	res = generate(t, Options{Dir: dir, Force: true})
	if status(res, "slackgen_app.go") != Updated {
		t.Errorf("--force: status %s, want updated", status(res, "slackgen_app.go"))
	}
	got := readFile(t, dir, "slackgen_app.go")
	if strings.Contains(got, "hand edit") || !strings.Contains(got, `"chat:write"`) {
		t.Error("--force did not rewrite the file from the new manifest")
	}
}

func TestDeletedScaffoldedFileIsRecreated(t *testing.T) {
	dir := newProject(t, "hello")
	generate(t, Options{Dir: dir})
	if err := os.Remove(filepath.Join(dir, "handlers", "hello_command_test.go")); err != nil {
		t.Fatal(err)
	}
	res := generate(t, Options{Dir: dir})
	if got := status(res, "handlers/hello_command_test.go"); got != Created {
		t.Errorf("status %q, want created", got)
	}
}

func TestDryRunAndCheck(t *testing.T) {
	dir := newProject(t, "hello")
	generate(t, Options{Dir: dir})
	writeFile(t, dir, "manifest.yaml", strings.Replace(readFile(t, dir, "manifest.yaml"), "- commands", "- commands\n      - chat:write", 1))
	before := snapshot(t, dir)

	var diff bytes.Buffer
	res := generate(t, Options{Dir: dir, DryRun: true, Out: &diff})
	if !res.Stale() {
		t.Error("dry run: not stale")
	}
	for _, want := range []string{"--- a/slackgen_app.go", "+++ b/slackgen_app.go", `+	cfg.BotScopes = []string{"chat:write", "commands"}`} {
		if !strings.Contains(diff.String(), want) {
			t.Errorf("diff lacks %q:\n%s", want, diff.String())
		}
	}
	sameSnapshot(t, before, snapshot(t, dir))

	if res := generate(t, Options{Dir: dir, Check: true}); !res.Stale() {
		t.Error("check: not stale after a manifest change")
	}
	sameSnapshot(t, before, snapshot(t, dir))
	generate(t, Options{Dir: dir})
	if res := generate(t, Options{Dir: dir, Check: true}); res.Stale() {
		t.Error("check: stale right after generate")
	}
}

func TestOverlay(t *testing.T) {
	dir := newProject(t, "hello")
	overlay := filepath.Join(dir, "team")
	if err := os.MkdirAll(filepath.Join(overlay, "handlers"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, overlay, "CODEOWNERS.tmpl", "* @{{ .Name | lower }}-team\n")
	writeFile(t, overlay, "CODEOWNERS.tmpl~", "an editor backup: {{ broken\n")
	writeFile(t, overlay, "handlers/[command]_command.go.tmpl", "package handlers\n\nimport \"github.com/slackgen/slackgen/runtime/slackapp\"\n\n// team template\nfunc (h *Handlers) Handle{{ .Command.Ident }}Command(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {\n\treturn slackapp.Text(\"team\"), nil\n}\n")
	res := generate(t, Options{Dir: dir, Templates: overlay})
	if got := readFile(t, dir, "CODEOWNERS"); got != "* @hello-team\n" {
		t.Errorf("added file: %q", got)
	}
	if !strings.Contains(readFile(t, dir, "handlers/hello_command.go"), "// team template") {
		t.Error("the overlay did not override the command template")
	}
	if !strings.Contains(readFile(t, dir, ConfigFile), "templates: team") {
		t.Errorf("slackgen.yaml does not record the overlay:\n%s", readFile(t, dir, ConfigFile))
	}
	if status(res, "CODEOWNERS") != Created {
		t.Errorf("CODEOWNERS: %s", status(res, "CODEOWNERS"))
	}
	// Recorded: a plain rerun uses it and changes nothing.
	if res := generate(t, Options{Dir: dir}); res.Stale() {
		t.Error("rerun with the recorded overlay is stale")
	}
	// Changing an overlay template changes the input hash: the lock is rewritten.
	writeFile(t, overlay, "CODEOWNERS.tmpl", "* @platform\n")
	if res := generate(t, Options{Dir: dir, Check: true}); !res.Stale() {
		t.Error("check after an overlay change: not stale")
	}
}

func TestTemplateErrorNamesTemplate(t *testing.T) {
	dir := newProject(t, "hello")
	overlay := filepath.Join(dir, "team")
	if err := os.MkdirAll(overlay, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, overlay, "NOTES.md.tmpl", "line one\n{{ .NoSuchField }}\n")
	_, err := Generate(Options{Dir: dir, SkipTidy: true, Version: DevelVersion, Templates: overlay})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(overlay, "NOTES.md.tmpl")+":2:") {
		t.Fatalf("err = %v, want the template path and line 2", err)
	}
	writeFile(t, overlay, "NOTES.md.tmpl", "{{ if }}\n")
	_, err = Generate(Options{Dir: dir, SkipTidy: true, Version: DevelVersion, Templates: overlay})
	if err == nil || !strings.Contains(err.Error(), "NOTES.md.tmpl:1:") {
		t.Fatalf("err = %v, want the template path and line 1", err)
	}
}

func TestEmbeddedTemplateErrorNamesEmbeddedPath(t *testing.T) {
	_, err := render([]templateSource{{path: "x.go.tmpl", name: "templates/project/x.go.tmpl", text: "package x\n\nfunc {{ .Name }}( {\n"}}, &App{Name: "f"})
	if err == nil || !strings.Contains(err.Error(), "templates/project/x.go.tmpl") || !strings.Contains(err.Error(), "3:") {
		t.Fatalf("err = %v, want the template name and the line of invalid Go", err)
	}
}

func TestNameCollision(t *testing.T) {
	dir := newProject(t, "hello")
	m := readFile(t, dir, "manifest.yaml")
	m = strings.Replace(m, "  slash_commands:\n", "  slash_commands:\n    - command: /he-llo\n      url: https://example.com/slack/events\n      description: Another\n", 1)
	m = strings.Replace(m, "/hello", "/he_llo", 1)
	writeFile(t, dir, "manifest.yaml", m)
	_, err := Generate(Options{Dir: dir, SkipTidy: true, Version: DevelVersion})
	if err == nil || !strings.Contains(err.Error(), "HeLlo") || !strings.Contains(err.Error(), "rename") {
		t.Fatalf("err = %v, want a collision naming the Go identifier", err)
	}
}

func TestMissingConfig(t *testing.T) {
	_, err := Generate(Options{Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "slackgen init") {
		t.Fatalf("err = %v, want a hint to run slackgen init", err)
	}
}

func TestReleaseVersionRequiresRuntime(t *testing.T) {
	dir := newProject(t, "hello")
	cfg := strings.Replace(readFile(t, dir, ConfigFile), "runtime_dir: ../../runtime\n", "", 1)
	writeFile(t, dir, ConfigFile, cfg)
	generate(t, Options{Dir: dir, Version: "v1.2.3"})
	gomod := readFile(t, dir, "go.mod")
	if !strings.Contains(gomod, "github.com/slackgen/slackgen/runtime v1.2.3") || strings.Contains(gomod, "replace") {
		t.Errorf("go.mod:\n%s", gomod)
	}
	if !strings.Contains(readFile(t, dir, LockFile), `"generator": "v1.2.3"`) {
		t.Error("the lock does not record the generator version")
	}
}

func TestManifestWarningsAndErrors(t *testing.T) {
	dir := newProject(t, "hello")
	m := readFile(t, dir, "manifest.yaml")
	writeFile(t, dir, "manifest.yaml", strings.Replace(m, "oauth_config:\n", "oauth_config:\n  redirect_urls:\n    - https://example.com/slack/oauth_redirect\n", 1))
	res := generate(t, Options{Dir: dir})
	if len(res.Warnings) == 0 || !strings.Contains(strings.Join(res.Warnings, "\n"), "app_uninstalled") {
		t.Errorf("warnings = %q, want one about the missing app_uninstalled subscription", res.Warnings)
	}

	writeFile(t, dir, "manifest.yaml", strings.Replace(m, "- commands", "- commandz", 1))
	before := snapshot(t, dir)
	_, err := Generate(Options{Dir: dir, SkipTidy: true, Version: DevelVersion})
	if err == nil || !strings.Contains(err.Error(), "manifest.yaml:") || !strings.Contains(err.Error(), "commandz") {
		t.Fatalf("err = %v, want the manifest's error at file:line:col", err)
	}
	sameSnapshot(t, before, snapshot(t, dir))
}

func TestOverlayGeneratedNonGoFile(t *testing.T) {
	dir := newProject(t, "hello")
	overlay := filepath.Join(dir, "team")
	if err := os.MkdirAll(overlay, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, overlay, "ci.yml.tmpl", "# Code generated by slackgen. DO NOT EDIT.\nname: {{ .Name }}\n")
	res := generate(t, Options{Dir: dir, Templates: overlay})
	for _, f := range res.Files {
		if f.Path == "ci.yml" && f.Class != Generated {
			t.Errorf("ci.yml is %s, want generated", f.Class)
		}
	}
	writeFile(t, dir, "ci.yml", "hand edit\n")
	writeFile(t, overlay, "ci.yml.tmpl", "# Code generated by slackgen. DO NOT EDIT.\nname: {{ .Name }} v2\n")
	var ce *ConflictError
	if _, err := Generate(Options{Dir: dir, SkipTidy: true, Version: DevelVersion}); !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a conflict on the hand-edited ci.yml", err)
	}
}

func TestJSONManifest(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, ConfigFile, "module: example.com/j\nstore: sqlite\nmode: socket\nruntime_dir: ../runtime\n")
	writeFile(t, dir, "manifest.json", `{"display_information": {"name": "J"},
 "features": {"slash_commands": [{"command": "/j", "description": "J"}]},
 "oauth_config": {"scopes": {"bot": ["commands"]}},
 "settings": {"socket_mode_enabled": true}}`)
	res := generate(t, Options{Dir: dir})
	if status(res, "handlers/j_command.go") != Created {
		t.Errorf("handlers/j_command.go: %s", status(res, "handlers/j_command.go"))
	}
	if !strings.Contains(readFile(t, dir, "slackgen_app.go"), "cfg.SocketMode = true") {
		t.Error("socket mode not configured")
	}
}

func TestRoutes(t *testing.T) {
	m, err := manifest.Parse("manifest.yaml", []byte(`display_information:
  name: R
features:
  slash_commands:
    - command: /a
      url: https://example.com/slack/commands
      description: A
    - command: /b
      url: https://example.com/slack/events
      description: B
oauth_config:
  scopes:
    bot: [commands]
settings:
  event_subscriptions:
    request_url: https://example.com/slack/events
  interactivity:
    is_enabled: true
    request_url: https://example.com/hooks/interactive
`))
	if err != nil {
		t.Fatal(err)
	}
	app, err := newApp(m, DefaultConfig("example.com/r"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Route{
		{Kind: "commands", Path: "/slack/commands"},
		{Kind: "commands", Path: "/slack/events"},
		{Kind: "interactivity", Path: "/hooks/interactive"},
	}
	if fmt.Sprint(app.Routes) != fmt.Sprint(want) {
		t.Errorf("routes = %v, want %v", app.Routes, want)
	}
}

func TestRuntimeDirDriftWarning(t *testing.T) {
	dir := newProject(t, "hello")
	if res := generate(t, Options{Dir: dir}); len(res.Warnings) != 0 {
		t.Fatalf("warnings on a fresh project: %q", res.Warnings)
	}
	writeFile(t, dir, ConfigFile, strings.Replace(readFile(t, dir, ConfigFile), "../../runtime", "../other/runtime", 1))
	res := generate(t, Options{Dir: dir})
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "go mod edit -replace github.com/slackgen/slackgen/runtime=../other/runtime") {
		t.Errorf("warnings = %q, want one telling how to update go.mod", res.Warnings)
	}
}

func TestConsistencyWarnings(t *testing.T) {
	dir := newProject(t, "hello")
	writeFile(t, dir, ConfigFile, strings.Replace(readFile(t, dir, ConfigFile), "mode: http", "mode: socket\ndistribution: oauth", 1))
	res := generate(t, Options{Dir: dir})
	all := strings.Join(res.Warnings, "\n")
	for _, want := range []string{"mode is socket", "distribution is oauth"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
}

func TestGeneratedFileNoLongerGenerated(t *testing.T) {
	dir := newProject(t, "hello")
	overlay := filepath.Join(dir, "team")
	if err := os.MkdirAll(overlay, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, overlay, "extra.go.tmpl", "// Code generated by slackgen. DO NOT EDIT.\n\npackage main\n\nconst extra = 1\n")
	writeFile(t, overlay, "edited.go.tmpl", "// Code generated by slackgen. DO NOT EDIT.\n\npackage main\n\nconst edited = 1\n")
	generate(t, Options{Dir: dir, Templates: overlay})
	writeFile(t, dir, "edited.go", readFile(t, dir, "edited.go")+"// mine\n")
	if err := os.Remove(filepath.Join(overlay, "extra.go.tmpl")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(overlay, "edited.go.tmpl")); err != nil {
		t.Fatal(err)
	}
	res, err := Generate(Options{Dir: dir, SkipTidy: true, Version: DevelVersion})
	var ce *ConflictError
	if !errors.As(err, &ce) || len(ce.Files) != 1 || ce.Files[0] != "edited.go" {
		t.Fatalf("err = %v, want a conflict on the hand-edited edited.go only", err)
	}
	if status(res, "extra.go") != Removed {
		t.Errorf("extra.go: %s, want removed", status(res, "extra.go"))
	}
	res = generate(t, Options{Dir: dir, Force: true})
	for _, p := range []string{"extra.go", "edited.go"} {
		if status(res, p) != Removed {
			t.Errorf("--force: %s: %s, want removed", p, status(res, p))
		}
		if _, err := os.Stat(filepath.Join(dir, p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists", p)
		}
	}
	if res := generate(t, Options{Dir: dir}); res.Stale() {
		t.Error("rerun after removal is stale")
	}
}

// TestAddInteractionIDs adds an options action_id and a view_closed
// callback_id to slackgen.yaml: each gets a handler and a test, the
// interface and Register gain them, the user's handlers stay, and a
// callback_id that also has a submission handler gets distinct files and
// methods.
func TestAddInteractionIDs(t *testing.T) {
	dir := newProject(t, "full")
	generate(t, Options{Dir: dir})
	writeFile(t, dir, "handlers/assignee_options.go", readFile(t, dir, "handlers/assignee_options.go")+"\n// my edit\n")

	cfg := readFile(t, dir, ConfigFile)
	cfg = strings.Replace(cfg, "options:\n", "options:\n  - env_picker\n", 1)
	cfg = strings.Replace(cfg, "view_closed:\n", "view_closed:\n  - approve_modal\n", 1)
	writeFile(t, dir, ConfigFile, cfg)
	res := generate(t, Options{Dir: dir})
	for path, want := range map[string]Status{
		"handlers/env_picker_options.go":             Created,
		"handlers/env_picker_options_test.go":        Created,
		"handlers/approve_modal_view_closed.go":      Created,
		"handlers/approve_modal_view_closed_test.go": Created,
		"handlers/slackgen_handlers.go":              Updated,
		"handlers/assignee_options.go":               Skipped,
		"handlers/ticket_modal_view.go":              Skipped,
		"handlers/ticket_modal_view_closed.go":       Skipped,
		"handlers/ticket_modal_view_closed_test.go":  Skipped,
		"slackgen_app.go":                            Unchanged,
	} {
		if got := status(res, path); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	gen := readFile(t, dir, "handlers/slackgen_handlers.go")
	for _, want := range []string{
		"HandleEnvPickerOptions(c *slackapp.Context, o *slackapp.OptionsRequest) (*slackapp.OptionsResponse, error)",
		"HandleApproveModalViewClosed(c *slackapp.Context, v *slackapp.ViewClosed) error",
		`app.Options("env_picker", h.HandleEnvPickerOptions)`,
		`app.ViewClosed("approve_modal", h.HandleApproveModalViewClosed)`,
		`app.ViewSubmission("ticket_modal", h.HandleTicketModalSubmission)`,
		`app.ViewClosed("ticket_modal", h.HandleTicketModalViewClosed)`,
	} {
		if !strings.Contains(gen, want) {
			t.Errorf("slackgen_handlers.go lacks %q", want)
		}
	}
	// Sorted by id, whatever the order in slackgen.yaml.
	if i, j := strings.Index(gen, `app.Options("assignee"`), strings.Index(gen, `app.Options("env_picker"`); i < 0 || j < i {
		t.Errorf("options registered out of order:\n%s", gen)
	}
	if !strings.Contains(readFile(t, dir, "handlers/assignee_options.go"), "// my edit") {
		t.Error("the user's options handler was rewritten")
	}
	before := snapshot(t, dir)
	if res := generate(t, Options{Dir: dir}); res.Stale() {
		t.Error("rerun is stale")
	}
	sameSnapshot(t, before, snapshot(t, dir))
}

func TestInteractionConsistencyWarnings(t *testing.T) {
	const options = "https://example.com/slack/options"
	tests := []struct {
		name     string
		project  string // default full
		manifest func(string) string
		config   func(string) string
		want     []string
		wantNone []string
	}{
		{name: "options URL present", wantNone: []string{"message_menu_options_url", "is_enabled"}},
		{
			name:     "options URL missing",
			manifest: func(m string) string { return strings.Replace(m, "    message_menu_options_url: "+options+"\n", "", 1) },
			want:     []string{"slackgen.yaml: warning: options lists assignee, but the manifest has no settings.interactivity.message_menu_options_url"},
			wantNone: []string{"is_enabled"},
		},
		{
			name:     "options URL missing in Socket Mode",
			manifest: func(m string) string { return strings.Replace(m, "    message_menu_options_url: "+options+"\n", "", 1) },
			config:   func(c string) string { return strings.Replace(c, "mode: http", "mode: socket", 1) },
			wantNone: []string{"message_menu_options_url"},
		},
		{
			name:     "interactivity disabled",
			project:  "interactions",
			manifest: func(m string) string { return strings.Replace(m, "is_enabled: true", "is_enabled: false", 1) },
			want: []string{"slackgen.yaml: warning: the manifest does not enable settings.interactivity.is_enabled, so Slack sends none of the interactions of " +
				"block_actions, view_submissions, options, view_closed (set it to true, with a request_url)"},
		},
		{
			name:     "interactivity disabled, only view_closed",
			project:  "interactions",
			manifest: func(m string) string { return strings.Replace(m, "is_enabled: true", "is_enabled: false", 1) },
			config: func(c string) string {
				i := strings.Index(c, "block_actions:")
				return c[:i] + "view_closed: [deploy_modal]\n"
			},
			want: []string{"so Slack sends none of the interactions of view_closed (set it to true, with a request_url)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			project := tt.project
			if project == "" {
				project = "full"
			}
			dir := newProject(t, project)
			if tt.manifest != nil {
				writeFile(t, dir, "manifest.yaml", tt.manifest(readFile(t, dir, "manifest.yaml")))
			}
			if tt.config != nil {
				writeFile(t, dir, ConfigFile, tt.config(readFile(t, dir, ConfigFile)))
			}
			all := strings.Join(generate(t, Options{Dir: dir}).Warnings, "\n")
			for _, want := range tt.want {
				if !strings.Contains(all, want) {
					t.Errorf("warnings lack %q:\n%s", want, all)
				}
			}
			for _, not := range tt.wantNone {
				if strings.Contains(all, not) {
					t.Errorf("warnings mention %q:\n%s", not, all)
				}
			}
		})
	}
}

// TestInteractionsImplyInteractivity checks that interaction handlers of
// slackgen.yaml alone mark the app interactive, each kind on its own.
func TestInteractionsImplyInteractivity(t *testing.T) {
	m, err := manifest.Parse("manifest.yaml", []byte("display_information:\n  name: I\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []func(*Config){
		func(c *Config) { c.BlockActions = []string{"a"} },
		func(c *Config) { c.ViewSubmissions = []string{"v"} },
		func(c *Config) { c.Options = []string{"pick"} },
		func(c *Config) { c.ViewClosed = []string{"v"} },
	} {
		cfg := DefaultConfig("example.com/i")
		set(cfg)
		app, err := newApp(m, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !app.Interactivity || !app.HasInteractions() {
			t.Errorf("config %+v: Interactivity=%v HasInteractions=%v, want both", cfg, app.Interactivity, app.HasInteractions())
		}
	}
}
