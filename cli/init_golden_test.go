package cli

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/slackgen/slackgen/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/init")

// TestBuildManifestGolden compares the manifest.yaml that init writes for
// fixed answers with testdata/init/*.golden (go test -run Golden -update
// rewrites them).
func TestBuildManifestGolden(t *testing.T) {
	tests := []struct {
		name string
		a    initAnswers
	}{
		{"oauth_http", initAnswers{
			Name: "Deploy Bot", Description: "Deploys services", Distribution: distOAuth, Mode: modeHTTP,
			RedirectURLs: []string{"https://deploy.acme.dev/slack/oauth_redirect"},
			BotScopes:    []string{"chat:write", "users:read"},
			Commands: []commandAnswer{
				{Name: "/deploy", Description: "Deploy a service", UsageHint: "[service] [env]"},
				{Name: "/rollback", Description: "Roll back a deploy"},
			},
			Events:        []string{"app_mention", "message.im"},
			Interactivity: true,
			Shortcuts:     []shortcutAnswer{{CallbackID: "deploy_message", Name: "Deploy from here", Type: "message"}},
		}},
		{"single_socket", initAnswers{
			Name: "Echo", Description: defaultDescription, Distribution: distSingle, Mode: modeSocket,
			BotScopes: []string{"chat:write"},
			Commands:  []commandAnswer{{Name: "/echo", Description: "Echo the text", UsageHint: "text"}},
			Events:    []string{"app_home_opened"},
		}},
		{"minimal", initAnswers{Name: "hello", Description: defaultDescription, Distribution: distOAuth, Mode: modeHTTP}},
	}
	cat := loadCatalogue()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := buildManifest(&tt.a, cat)
			got, err := m.Marshal(manifest.YAML)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "init", tt.name+".yaml.golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run Golden -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("manifest for %s differs from %s (rerun with -update if the change is intended)\ngot:\n%s", tt.name, path, got)
			}
			back, err := manifest.Parse(path, got)
			if err != nil {
				t.Fatal(err)
			}
			if ds := back.Validate(); len(ds) > 0 {
				t.Errorf("the golden manifest has problems:\n%v", ds)
			}
		})
	}
}
