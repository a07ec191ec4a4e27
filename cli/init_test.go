package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/generator"
	"github.com/slackgen/slackgen/manifest"
)

func TestParseCommandFlag(t *testing.T) {
	tests := []struct {
		in      string
		want    commandAnswer
		wantErr string // substring of the error; "" for success
	}{
		{in: "/deploy:Deploy a service", want: commandAnswer{Name: "/deploy", Description: "Deploy a service"}},
		{in: "/deploy:Deploy a service:[service] [env]", want: commandAnswer{Name: "/deploy", Description: "Deploy a service", UsageHint: "[service] [env]"}},
		{in: "/deploy:Deploy:host:port", want: commandAnswer{Name: "/deploy", Description: "Deploy", UsageHint: "host:port"}},
		{in: " /deploy : Deploy ", want: commandAnswer{Name: "/deploy", Description: "Deploy"}},
		{in: "deploy:Deploy a service", wantErr: "must start with a slash"},
		{in: "/deploy", wantErr: "needs a description"},
		{in: "/deploy:", wantErr: "needs a description"},
		{in: "/:Nothing", wantErr: "2 to 32 characters"},
		{in: "/" + strings.Repeat("a", 32) + ":Too long", wantErr: "2 to 32 characters"},
		{in: "/Deploy Now:Spaces", wantErr: "only lowercase letters"},
		{in: "/deploy:" + strings.Repeat("d", 2001), wantErr: "at most 2000"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseCommandFlag(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseCommandFlag(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), `"/name:description[:usage hint]"`) && !strings.Contains(tt.wantErr, "at most") {
					t.Errorf("error %q does not show the syntax", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseCommandFlag(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("parseCommandFlag(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseShortcutFlag(t *testing.T) {
	tests := []struct {
		in      string
		want    shortcutAnswer
		wantErr string
	}{
		{in: "open_ticket:Open a ticket", want: shortcutAnswer{CallbackID: "open_ticket", Name: "Open a ticket", Type: "global"}},
		{in: "file_it:File it:message", want: shortcutAnswer{CallbackID: "file_it", Name: "File it", Type: "message"}},
		{in: "open_ticket", wantErr: `"callback_id:name[:global|message]"`},
		{in: "a:b:c:d", wantErr: `"callback_id:name[:global|message]"`},
		{in: ":Name", wantErr: "an id is required"},
		{in: "bad id:Name", wantErr: "may contain only"},
		{in: "id:" + strings.Repeat("n", 25), wantErr: "at most 24"},
		{in: "id:Name:sideways", wantErr: `"sideways" is not one of [global message]`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseShortcutFlag(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseShortcutFlag(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseShortcutFlag(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("parseShortcutFlag(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidators(t *testing.T) {
	tests := []struct {
		name    string
		check   func(string) error
		in      string
		wantErr string
	}{
		{"module ok", validateModule, "github.com/acme/deploy-bot", ""},
		{"module short", validateModule, "deploybot", ""},
		{"module empty", validateModule, "", "required"},
		{"module space", validateModule, "example.com/my app", "may contain only"},
		{"module double slash", validateModule, "example.com//app", "empty element"},
		{"module trailing dot", validateModule, "example.com/app.", "start or end with a dot"},
		{"name ok", validateName, "Deploy Bot", ""},
		{"name empty", validateName, "  ", "required"},
		{"name long", validateName, strings.Repeat("x", 36), "at most 35"},
		{"url https", validateURL, "https://acme.dev/slack/oauth_redirect", ""},
		{"url localhost", validateURL, "http://localhost:3000/slack/oauth_redirect", ""},
		{"url http", validateURL, "http://acme.dev/cb", "not an https:// URL"},
		{"url 127.0.0.1", validateURL, "http://127.0.0.1:3000/cb", ""},
		{"url localhost look-alike", validateURL, "http://localhost.acme.dev/cb", "not an https:// URL"},
		{"url loopback look-alike", validateURL, "http://127.0.0.1.nip.io/cb", "not an https:// URL"},
		{"url without host", validateURL, "https:///cb", "not an https:// URL"},
		{"url with spaces", validateURL, "https://acme dev/cb", "not an https:// URL"},
		{"url with credentials", validateURL, "https://user:pw@acme.dev/cb", "not an https:// URL"},
		{"url list", validateURLList, "https://a.dev/cb, https://b.dev/cb", ""},
		{"url list empty", validateURLList, " , ", "at least one"},
		{"description long", validateDescription, strings.Repeat("d", 141), "at most 140"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.in)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("%q: unexpected error %v", tt.in, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("%q: error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	if got := defaultName("/tmp/projects/deploybot"); got != "deploybot" {
		t.Errorf("defaultName = %q, want deploybot", got)
	}
	if got := defaultModule("Deploy Bot!"); got != "example.com/deploy-bot" {
		t.Errorf("defaultModule = %q, want example.com/deploy-bot", got)
	}
	if got := defaultModule("???"); got != "example.com/slackapp" {
		t.Errorf("defaultModule = %q, want example.com/slackapp", got)
	}
	if err := validateModule(defaultModule("Ünïcode Äpp")); err != nil {
		t.Errorf("defaultModule gives an invalid module: %v", err)
	}
}

// testCatalogue is a small catalogue, independent of the manifest package's.
var testCatalogue = catalogue{
	botScopes:  []option{{"chat:write", "send messages"}, {"commands", "add slash commands"}, {"app_mentions:read", "see mentions"}, {"channels:history", "read public channel messages"}, {"reactions:read", "see reactions"}},
	userScopes: []option{{"openid", "sign in"}, {"email", "see email"}},
	events:     []option{{"app_mention", ""}, {"message.channels", ""}, {"reaction_added", ""}, {"app_home_opened", ""}},
	eventScopes: map[string][]string{
		"app_mention":      {"app_mentions:read"},
		"message.channels": {"channels:history"},
		"reaction_added":   {"reactions:read"},
	},
}

func TestBuildManifest(t *testing.T) {
	tests := []struct {
		name  string
		a     initAnswers
		check func(t *testing.T, m *manifest.Manifest, added []string)
	}{
		{
			name: "oauth http with a command and an event",
			a: initAnswers{
				Name: "Deploy Bot", Description: "Deploys", Distribution: distOAuth, Mode: modeHTTP,
				RedirectURLs: []string{"https://deploy.acme.dev/auth/callback"},
				BotScopes:    []string{"chat:write"},
				Commands:     []commandAnswer{{Name: "/deploy", Description: "Deploy", UsageHint: "[svc]"}},
				Events:       []string{"app_mention"},
			},
			check: func(t *testing.T, m *manifest.Manifest, added []string) {
				wantStrings(t, "bot scopes", m.OAuthConfig.Scopes.Bot, "chat:write", "commands", "app_mentions:read")
				wantStrings(t, "added", added, "commands", "app_mentions:read")
				wantStrings(t, "bot events", m.BotEvents(), "app_mention", "app_uninstalled", "tokens_revoked")
				wantStrings(t, "redirect URLs", m.RedirectURLs(), "https://deploy.acme.dev/auth/callback")
				if got := m.EventsRequestURL(); got != "https://deploy.acme.dev/slack/events" {
					t.Errorf("events request URL = %q, want the redirect's host with /slack/events", got)
				}
				cmd := m.SlashCommands()[0]
				if cmd.URL != "https://deploy.acme.dev/slack/events" || cmd.UsageHint != "[svc]" {
					t.Errorf("command = %+v", cmd)
				}
				if m.SocketMode() {
					t.Error("socket mode enabled for an HTTP app")
				}
				if m.Features.BotUser == nil || m.Features.BotUser.DisplayName != "Deploy Bot" {
					t.Errorf("bot user = %+v", m.Features.BotUser)
				}
			},
		},
		{
			name: "oauth default redirect URL",
			a:    initAnswers{Name: "app", Distribution: distOAuth, Mode: modeHTTP},
			check: func(t *testing.T, m *manifest.Manifest, _ []string) {
				wantStrings(t, "redirect URLs", m.RedirectURLs(), defaultRedirectURL)
				if got := m.EventsRequestURL(); got != defaultRequestURL {
					t.Errorf("events request URL = %q, want %q", got, defaultRequestURL)
				}
			},
		},
		{
			name: "single workspace socket mode",
			a: initAnswers{
				Name: "app", Distribution: distSingle, Mode: modeSocket,
				Events: []string{"message.channels"}, Interactivity: true,
			},
			check: func(t *testing.T, m *manifest.Manifest, _ []string) {
				if !m.SocketMode() {
					t.Error("socket_mode_enabled is not set")
				}
				if len(m.RedirectURLs()) != 0 {
					t.Errorf("redirect URLs %v for a single-workspace app", m.RedirectURLs())
				}
				wantStrings(t, "bot events", m.BotEvents(), "message.channels")
				if m.EventsRequestURL() != "" || m.InteractivityRequestURL() != "" {
					t.Error("request URLs set in Socket Mode")
				}
				if !m.InteractivityEnabled() {
					t.Error("interactivity not enabled")
				}
				wantStrings(t, "bot scopes", m.OAuthConfig.Scopes.Bot, "channels:history")
			},
		},
		{
			name: "shortcuts imply interactivity",
			a: initAnswers{
				Name: "app", Distribution: distSingle, Mode: modeHTTP,
				Shortcuts: []shortcutAnswer{{CallbackID: "open_ticket", Name: "Open a ticket", Type: "message"}},
			},
			check: func(t *testing.T, m *manifest.Manifest, _ []string) {
				if !m.InteractivityEnabled() || m.InteractivityRequestURL() != defaultRequestURL {
					t.Errorf("interactivity = %+v", m.Settings.Interactivity)
				}
				sc := m.Shortcuts()[0]
				if sc.CallbackID != "open_ticket" || sc.Type != "message" || sc.Description != "Open a ticket" {
					t.Errorf("shortcut = %+v", sc)
				}
			},
		},
		{
			name: "options over HTTP set the options load URL",
			a: initAnswers{
				Name: "app", Distribution: distOAuth, Mode: modeHTTP, Interactivity: true,
				RedirectURLs: []string{"https://deploy.acme.dev/slack/oauth_redirect"},
				Options:      []string{"pick_service"}, ViewClosed: []string{"deploy_modal"},
			},
			check: func(t *testing.T, m *manifest.Manifest, _ []string) {
				if i := m.Settings.Interactivity; i == nil || !i.IsEnabled || i.MessageMenuOptionsURL != "https://deploy.acme.dev/slack/events" {
					t.Errorf("interactivity = %+v, want the options load URL on the redirect's host", i)
				}
			},
		},
		{
			name: "no options, no options load URL",
			a:    initAnswers{Name: "app", Distribution: distSingle, Mode: modeHTTP, Interactivity: true, ViewClosed: []string{"deploy_modal"}},
			check: func(t *testing.T, m *manifest.Manifest, _ []string) {
				if i := m.Settings.Interactivity; i == nil || i.MessageMenuOptionsURL != "" {
					t.Errorf("interactivity = %+v, want no options load URL", i)
				}
			},
		},
		{
			name: "options in Socket Mode need no URL",
			a:    initAnswers{Name: "app", Distribution: distSingle, Mode: modeSocket, Interactivity: true, Options: []string{"pick_service"}},
			check: func(t *testing.T, m *manifest.Manifest, _ []string) {
				if i := m.Settings.Interactivity; i == nil || !i.IsEnabled || i.MessageMenuOptionsURL != "" || i.RequestURL != "" {
					t.Errorf("interactivity = %+v, want enabled without URLs", i)
				}
			},
		},
		{
			name: "a chosen scope satisfies an event",
			a: initAnswers{
				Name: "app", Distribution: distSingle, Mode: modeHTTP,
				BotScopes: []string{"reactions:read"}, Events: []string{"reaction_added", "app_home_opened"},
			},
			check: func(t *testing.T, m *manifest.Manifest, added []string) {
				wantStrings(t, "bot scopes", m.OAuthConfig.Scopes.Bot, "reactions:read")
				if len(added) != 0 {
					t.Errorf("added %v, want nothing", added)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, added := buildManifest(&tt.a, testCatalogue)
			tt.check(t, m, added)
		})
	}
}

// TestBuildManifestValidates checks that manifests built from answers pass
// the manifest package's validation with the real catalogue.
func TestBuildManifestValidates(t *testing.T) {
	cat := loadCatalogue()
	for _, a := range []initAnswers{
		{Name: "deploybot", Description: defaultDescription, Distribution: distOAuth, Mode: modeHTTP, BotScopes: []string{"chat:write"}},
		{
			Name: "deploybot", Distribution: distOAuth, Mode: modeSocket,
			Commands:  []commandAnswer{{Name: "/deploy", Description: "Deploy"}},
			Events:    []string{"app_mention", "message.channels", "app_home_opened"},
			Shortcuts: []shortcutAnswer{{CallbackID: "open", Name: "Open", Type: "global"}},
		},
		{Name: "solo", Distribution: distSingle, Mode: modeHTTP, Interactivity: true, UserScopes: []string{"openid"}},
	} {
		m, _ := buildManifest(&a, cat)
		data, err := m.Marshal(manifest.YAML)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		back, err := manifest.Parse("manifest.yaml", data)
		if err != nil {
			t.Fatalf("Parse of the built manifest: %v\n%s", err, data)
		}
		if ds := back.Validate(); ds.HasErrors() {
			t.Errorf("built manifest has errors:\n%v\n%s", ds, data)
		}
	}
}

func TestInterviewScripted(t *testing.T) {
	p := newScriptedPrompter(map[string][]any{
		"name":                 {"Deploy Bot"},
		"module":               {"github.com/acme/deploybot"},
		"distribution":         {distSingle},
		"mode":                 {modeSocket},
		"add_command":          {true, true, false},
		"command_name":         {"/deploy", "/rollback"},
		"command_description":  {"Deploy a service", "Roll back"},
		"command_usage_hint":   {"[service]", ""},
		"events":               {[]string{"app_mention"}},
		"interactivity":        {true},
		"add_shortcut":         {true, false},
		"shortcut_callback_id": {"open_ticket"},
		"shortcut_name":        {"Open a ticket"},
		"shortcut_type":        {"message"},
		"block_actions":        {"approve, deny"},
		"options":              {"pick_env, pick_service"},
		"view_closed":          {"deploy_modal"},
		"store":                {"postgres"},
	})
	a := &initAnswers{}
	iv := &interview{p: p, dir: "/tmp/x", given: func(string) bool { return false }, cat: testCatalogue}
	if err := iv.run(a); err != nil {
		t.Fatal(err)
	}
	want := initAnswers{
		Name: "Deploy Bot", Description: defaultDescription, Module: "github.com/acme/deploybot",
		Distribution: distSingle, Mode: modeSocket,
		BotScopes: []string{"chat:write", "commands", "app_mentions:read"},
		Commands:  []commandAnswer{{"/deploy", "Deploy a service", "[service]"}, {"/rollback", "Roll back", ""}},
		Events:    []string{"app_mention"}, Interactivity: true,
		Shortcuts:    []shortcutAnswer{{"open_ticket", "Open a ticket", "message"}},
		BlockActions: []string{"approve", "deny"},
		Options:      []string{"pick_env", "pick_service"},
		ViewClosed:   []string{"deploy_modal"},
		Store:        "postgres",
	}
	if !equalAnswers(*a, want) {
		t.Errorf("answers =\n%+v\nwant\n%+v", *a, want)
	}
	if slices.Contains(p.asked, "redirect_urls") {
		t.Error("asked for redirect URLs of a single-workspace app")
	}
}

func TestInterviewSkipsGivenFlags(t *testing.T) {
	given := map[string]bool{"--name": true, "--module": true, "--command": true, "--store": true, "--redirect-url": true}
	p := newScriptedPrompter(nil)
	a := &initAnswers{Name: "x", Module: "example.com/x", Store: "file", Distribution: distOAuth, RedirectURLs: []string{"https://x.dev/cb"}}
	iv := &interview{p: p, dir: ".", given: func(f string) bool { return given[f] }, cat: testCatalogue}
	if err := iv.run(a); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"name", "module", "add_command", "store", "distribution", "redirect_urls"} {
		if slices.Contains(p.asked, id) {
			t.Errorf("asked %s although its flag was given", id)
		}
	}
	wantFlags := []string{"--description", "--mode", "--event", "--interactivity", "--bot-scopes", "--user-scopes"}
	if got := flagsFor(p.asked); !slices.Equal(got, wantFlags) {
		t.Errorf("flags still needed = %v, want %v", got, wantFlags)
	}
}

func TestInterviewFromManifestAsksOnlyProjectQuestions(t *testing.T) {
	p := newScriptedPrompter(nil)
	a := &initAnswers{Name: "From File"}
	iv := &interview{p: p, dir: ".", given: func(string) bool { return false }, fromManifest: true, cat: testCatalogue}
	if err := iv.run(a); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.asked, []string{"module", "store"}) {
		t.Errorf("asked %v, want [module store]", p.asked)
	}
	if a.Module != "example.com/from-file" || a.Store != "sqlite" {
		t.Errorf("answers = %+v", a)
	}
}

func TestInterviewRejectsBadAnswers(t *testing.T) {
	tests := []struct {
		answers map[string][]any
		wantErr string
	}{
		{map[string][]any{"module": {"not a module"}}, "may contain only"},
		{map[string][]any{"add_command": {true}, "command_name": {"deploy"}}, "must start with a slash"},
		{map[string][]any{"add_command": {true, true}, "command_name": {"/a", "/a"}}, "already added"},
		{map[string][]any{"store": {"mysql"}}, `"mysql" is not one of`},
		{map[string][]any{"redirect_urls": {"http://example.com/cb"}}, "not an https:// URL"},
		{map[string][]any{"interactivity": {true}, "block_actions": {"ok, ok"}}, "ok is listed twice"},
		{map[string][]any{"interactivity": {true}, "options": {"pick, pick"}}, "pick is listed twice"},
		{map[string][]any{"interactivity": {true}, "view_closed": {"bad id"}}, "may contain only"},
		{map[string][]any{"interactivity": {true}, "add_shortcut": {true}, "shortcut_callback_id": {"bad id"}}, "may contain only"},
	}
	for _, tt := range tests {
		iv := &interview{p: newScriptedPrompter(tt.answers), dir: "app", given: func(string) bool { return false }, cat: testCatalogue}
		err := iv.run(&initAnswers{})
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("answers %v: error = %v, want one containing %q", tt.answers, err, tt.wantErr)
		}
	}
}

func TestCheckOption(t *testing.T) {
	if err := checkOption("file", storeChoices); err != nil {
		t.Errorf("checkOption(file): %v", err)
	}
	if err := checkOption("mysql", storeChoices); err == nil || err.Error() != `"mysql" is not one of [sqlite postgres file]` {
		t.Errorf("checkOption(mysql) = %v", err)
	}
	var many []option
	for i := range 20 {
		many = append(many, option{Value: fmt.Sprint("scope", i)})
	}
	if err := checkOption("nope", many); err == nil || err.Error() != `"nope" is not one of the 20 choices` {
		t.Errorf("checkOption over a long list = %v", err)
	}
}

func wantStrings(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func equalAnswers(a, b initAnswers) bool {
	return a.Name == b.Name && a.Description == b.Description && a.Module == b.Module &&
		a.Distribution == b.Distribution && a.Mode == b.Mode && a.Store == b.Store &&
		a.Interactivity == b.Interactivity &&
		slices.Equal(a.RedirectURLs, b.RedirectURLs) && slices.Equal(a.BotScopes, b.BotScopes) &&
		slices.Equal(a.UserScopes, b.UserScopes) && slices.Equal(a.Events, b.Events) &&
		slices.Equal(a.Commands, b.Commands) && slices.Equal(a.Shortcuts, b.Shortcuts) &&
		slices.Equal(a.BlockActions, b.BlockActions) && slices.Equal(a.ViewSubmissions, b.ViewSubmissions) &&
		slices.Equal(a.Options, b.Options) && slices.Equal(a.ViewClosed, b.ViewClosed)
}

// TestInitExitCodes runs init in-process without a terminal (as in CI) and
// checks exit codes the scripts can't: 2 for what the user must fix in the
// command line, 1 for a problem found in the inputs. It also bounds the run,
// so a prompt that waits for input fails the test.
func TestInitExitCodes(t *testing.T) {
	t.Setenv(generator.SkipTidyEnv, "1")
	tmp := t.TempDir()
	nonEmpty := filepath.Join(tmp, "full")
	if err := os.MkdirAll(nonEmpty, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(nonEmpty, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	badManifest := filepath.Join(tmp, "bad.yaml")
	if err := os.WriteFile(badManifest, []byte("display_information:\n  name: \"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no terminal, no --yes", []string{"init", filepath.Join(tmp, "a")}, ExitUsage},
		{"bad --command", []string{"init", filepath.Join(tmp, "b"), "--yes", "--command", "/x"}, ExitUsage},
		{"non-empty directory", []string{"init", nonEmpty, "--yes"}, ExitFail},
		{"invalid --manifest", []string{"init", filepath.Join(tmp, "c"), "--yes", "--manifest", badManifest}, ExitFail},
		{"success", []string{"init", filepath.Join(tmp, "d"), "--yes"}, ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			done := make(chan int, 1)
			go func() { done <- Run(tt.args, strings.NewReader(""), &stdout, &stderr) }()
			select {
			case got := <-done:
				if got != tt.want {
					t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tt.want, &stdout, &stderr)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("slackgen init did not return: it waits for input")
			}
		})
	}
}

func TestSuggestions(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"command from name", func(s string) string { return suggestCommand(&initAnswers{Name: s}) }, "Deploy Bot", "/deploy-bot"},
		{"command from dotted name", func(s string) string { return suggestCommand(&initAnswers{Name: s}) }, "acme.tools", "/acme-tools"},
		{"no command from symbols", func(s string) string { return suggestCommand(&initAnswers{Name: s}) }, "!!!", ""},
		{"humanize", humanize, "open_ticket", "Open ticket"},
		{"humanize long", humanize, "a_very_long_callback_id_for_a_shortcut", "A very long callback id"},
		{"joinOr one", func(s string) string { return joinOr(splitCommaList(s)) }, "a", "a"},
		{"joinOr three", func(s string) string { return joinOr(splitCommaList(s)) }, "a,b,c", "a, b or c"},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
	// A suggested command is always a valid one.
	if err := validateCommandName(suggestCommand(&initAnswers{Name: "Deploy Bot"})); err != nil {
		t.Error(err)
	}
	// The second command gets no suggestion.
	if got := suggestCommand(&initAnswers{Name: "x", Commands: []commandAnswer{{Name: "/x"}}}); got != "" {
		t.Errorf("suggestion for a second command: %q", got)
	}
}

// The built manifest's switches are independent: setting one (as code that
// edits the model does) must not flip another.
func TestBuildManifestSwitchesAreIndependent(t *testing.T) {
	a := &initAnswers{Name: "Bot", Distribution: distOAuth, Mode: modeHTTP,
		Commands: []commandAnswer{{Name: "/a", Description: "A"}, {Name: "/b", Description: "B"}}}
	m, _ := buildManifest(a, loadCatalogue())
	*m.Settings.OrgDeployEnabled = true
	*m.Features.SlashCommands[0].ShouldEscape = true
	if *m.Settings.SocketModeEnabled || *m.Settings.TokenRotationEnabled || *m.Features.SlashCommands[1].ShouldEscape || *m.Features.BotUser.AlwaysOnline {
		t.Errorf("setting one switch changed others: %+v, %+v", *m.Settings, m.Features.SlashCommands[1])
	}
}
