package generator

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name, yaml string
		wantErr    []string // substrings; none means valid
	}{
		{name: "minimal", yaml: "module: example.com/app\nstore: sqlite\nmode: http\n"},
		{name: "full", yaml: "module: example.com/app\nstore: postgres\nmode: socket\ndistribution: single\ntemplates: t\nruntime_dir: ../runtime\nblock_actions: [a, b]\nview_submissions: [v]\n"},
		{name: "all wrong at once", yaml: "store: mysql\nmode: grpc\ndistribution: some\n",
			wantErr: []string{"module is required", `store "mysql"`, `mode "grpc"`, `distribution "some"`}},
		{name: "unknown key", yaml: "module: example.com/app\nstore: sqlite\nmode: http\nstroe: file\n", wantErr: []string{"stroe"}},
		{name: "bad module", yaml: "module: /abs\nstore: sqlite\nmode: http\n", wantErr: []string{"not a valid Go module path"}},
		{name: "duplicate action", yaml: "module: m\nstore: file\nmode: http\nblock_actions: [a, a]\n", wantErr: []string{`"a" is listed twice`}},
		{name: "options and view_closed", yaml: "module: m\nstore: file\nmode: http\nblock_actions: [pick]\noptions: [pick, env]\nview_submissions: [modal]\nview_closed: [modal]\n"},
		{name: "duplicate options", yaml: "module: m\nstore: file\nmode: http\noptions: [pick, pick]\n", wantErr: []string{`options: "pick" is listed twice`}},
		{name: "newline in an id", yaml: "module: m\nstore: file\nmode: http\nblock_actions: [\"a\\nfunc init() {}\"]\n", wantErr: []string{`block_actions: "a\nfunc init() {}" has a control character`}},
		{name: "blank around an id", yaml: "module: m\nstore: file\nmode: http\nview_submissions: [\" form\"]\n", wantErr: []string{`view_submissions: " form" has a control character or surrounding blanks`}},
		{name: "id too long", yaml: "module: m\nstore: file\nmode: http\noptions: [" + strings.Repeat("x", 256) + "]\n", wantErr: []string{"is 256 bytes long; Slack allows at most 255"}},
		{name: "empty view_closed id", yaml: "module: m\nstore: file\nmode: http\nview_closed: [\"\"]\n", wantErr: []string{"view_closed: an id is empty"}},
		{name: "options ids share a handler", yaml: "module: m\nstore: file\nmode: http\noptions: [pick-env, pick_env]\n",
			wantErr: []string{`options: "pick-env" and "pick_env" both become the Go name PickEnv (file pick_env): rename one of them`}},
		{name: "view_closed ids share a handler", yaml: "module: m\nstore: file\nmode: http\nview_closed: [deploy.modal, deploy_modal]\n",
			wantErr: []string{`view_closed: "deploy.modal" and "deploy_modal" both become the Go name DeployModal`}},
		{name: "block_actions ids share a handler", yaml: "module: m\nstore: file\nmode: http\nblock_actions: [ok-1, ok_1]\n",
			wantErr: []string{`block_actions: "ok-1" and "ok_1" both become the Go name Ok1`}},
		{name: "empty file", yaml: "", wantErr: []string{"module is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("slackgen.yaml", []byte(tt.yaml))
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

func TestConfigSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", ConfigFile)
	c := DefaultConfig("example.com/app")
	c.BlockActions = []string{"approve"}
	c.Options = []string{"pick_service"}
	c.ViewClosed = []string{"deploy_modal"}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Module != c.Module || got.Store != StoreSQLite || got.Mode != ModeHTTP || len(got.BlockActions) != 1 ||
		!slices.Equal(got.Options, c.Options) || !slices.Equal(got.ViewClosed, c.ViewClosed) {
		t.Errorf("round trip: %+v", got)
	}
	bad := &Config{Module: "m", Store: "x", Mode: ModeHTTP}
	if err := bad.Save(path); err == nil {
		t.Error("Save of an invalid config succeeded")
	}
}

func TestNormalizeVersion(t *testing.T) {
	for in, want := range map[string]string{
		"":                                     DevelVersion,
		"(devel)":                              DevelVersion,
		"v1.2.3":                               "v1.2.3",
		"v1.2.3-rc.1":                          "v1.2.3-rc.1",
		"v0.0.0-20261123014500-abcdef012345":   DevelVersion,
		"v1.2.4-0.20261123014500-abcdef012345": DevelVersion,
		"v0.0.0-20261123014500-abcdef012345+dirty": DevelVersion,
		"v1.2.3+incompatible":                      DevelVersion,
	} {
		if got := NormalizeVersion(in); got != want {
			t.Errorf("NormalizeVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIdentifiers(t *testing.T) {
	for in, want := range map[string][2]string{
		"/hello":           {"Hello", "hello"},
		"/deploy-service":  {"DeployService", "deploy_service"},
		"message.channels": {"MessageChannels", "message_channels"},
		"app_mention":      {"AppMention", "app_mention"},
		"/2fa":             {"X2fa", "x2fa"},
		"approveURL":       {"ApproveURL", "approve_url"},
		"/linux":           {"Linux", "linux"},
	} {
		id := goIdent(in)
		if id != want[0] || fileName(id) != want[1] {
			t.Errorf("%q: ident %q file %q, want %q %q", in, id, fileName(id), want[0], want[1])
		}
	}
}

func TestFindRuntimeDir(t *testing.T) {
	dir, ok := FindRuntimeDir()
	if !ok {
		t.Skip("not built from a slackgen checkout")
	}
	if !IsRuntimeModuleDir(dir) || !filepath.IsAbs(dir) {
		t.Errorf("FindRuntimeDir() = %q: not the runtime module", dir)
	}
}

func TestSetConfigKeyKeepsComments(t *testing.T) {
	in := "# my project\nmodule: example.com/app # the module\nstore: sqlite\nmode: http\n# interactive ids\nblock_actions:\n  - approve\n"
	out, err := setConfigKey([]byte(in), "templates", "../team")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# my project", "# the module", "# interactive ids", "templates: ../team"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	c, err := ParseConfig("slackgen.yaml", out)
	if err != nil || c.Templates != "../team" || len(c.BlockActions) != 1 {
		t.Fatalf("parsed %+v, %v", c, err)
	}
	out, err = setConfigKey(out, "templates", "other")
	if err != nil || strings.Count(string(out), "templates:") != 1 || !strings.Contains(string(out), "templates: other") {
		t.Errorf("replacing: %v\n%s", err, out)
	}
}
