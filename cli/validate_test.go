package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestManifestCommandsExitCodes runs validate, manifest export and add
// in-process and checks their exit codes.
func TestManifestCommandsExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", "display_information:\n  name: demo\nsettings:\n  socket_mode_enabled: true\n")
	warn := write("warn.yaml", "display_information:\n  name: demo\nsettings:\n  socket_mode_enabled: true\n  token_rotation_enabled: true\n")
	bad := write("bad.yaml", "display_information:\n  name: demo\n  nmae: x\n")
	broken := write("broken.yaml", "display_information: [\n")
	missing := filepath.Join(dir, "missing.yaml")

	tests := []struct {
		args []string
		code int
	}{
		{[]string{"validate", good}, ExitOK},
		{[]string{"validate", warn}, ExitOK},
		{[]string{"validate", bad}, ExitFail},
		{[]string{"validate", broken}, ExitFail},
		{[]string{"validate", missing}, ExitUsage},
		{[]string{"validate", good, bad}, ExitUsage},
		{[]string{"manifest", "export", good}, ExitOK},
		{[]string{"manifest", "export", bad}, ExitFail},
		{[]string{"manifest", "export", "--format", "toml", good}, ExitUsage},
		{[]string{"manifest", "export", "--base-url", "nohost", good}, ExitUsage},
		{[]string{"manifest", "export", missing}, ExitUsage},
		{[]string{"manifest"}, ExitUsage},
		{[]string{"add", "scope", "chat:write", "--file", good}, ExitOK},
		{[]string{"add", "scope", "chat:write", "--file", good}, ExitOK}, // no-op
		{[]string{"add", "scope", "chat:wirte", "--file", good}, ExitFail},
		{[]string{"add", "event", "app_mention", "--file", bad}, ExitFail},
		{[]string{"add", "command", "/x", "--file", good}, ExitUsage}, // --description missing
		{[]string{"add", "scope", "chat:write", "--file", missing}, ExitUsage},
		{[]string{"add"}, ExitUsage},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if got := Run(tt.args, strings.NewReader(""), &stdout, &stderr); got != tt.code {
			t.Errorf("slackgen %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(tt.args, " "), got, tt.code, stdout.String(), stderr.String())
		}
	}
}

// TestValidateOfficialSamples runs slackgen validate over Slack's sample
// manifests: *.valid.json exit 0, *.invalid.json exit 1.
func TestValidateOfficialSamples(t *testing.T) {
	files, _ := filepath.Glob("../../shared/reference/slack-manifest-schema/*-manifest.*.json")
	if len(files) == 0 {
		t.Skip("Slack's sample manifests are not in ../../shared/reference/slack-manifest-schema; skipping")
	}
	for _, f := range files {
		want := ExitOK
		if strings.HasSuffix(f, ".invalid.json") {
			want = ExitFail
		}
		var stdout, stderr bytes.Buffer
		if got := Run([]string{"validate", f}, strings.NewReader(""), &stdout, &stderr); got != want {
			t.Errorf("validate %s: exit %d, want %d\n%s%s", f, got, want, stdout.String(), stderr.String())
		}
	}
}
