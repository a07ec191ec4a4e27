package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const editBase = `# My app. Comments stay.
display_information:
  name: demo   # the name

features:
  bot_user:
    display_name: demo
  slash_commands:
    - command: /hello
      url: https://example.com/slack/events
      description: Say hello

# OAuth
oauth_config:
  scopes:
    bot:
      - commands # needed by /hello
      # - chat:write  (later)

settings:
  event_subscriptions:
    request_url: https://example.com/slack/events
    bot_events: [app_home_opened]
# trailing comment
`

func TestEditorKeepsTextOutsideInsertions(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		edit  func(*Editor) ([]string, error)
		added []string
		want  string // the result
	}{
		{
			name:  "scope into block list",
			src:   editBase,
			edit:  func(e *Editor) ([]string, error) { return e.AddScope("chat:write", false) },
			added: []string{"bot scope chat:write"},
			want:  strings.Replace(editBase, "      - commands # needed by /hello\n", "      - commands # needed by /hello\n      - chat:write\n", 1),
		},
		{
			name:  "event into flow list adds its scope",
			src:   editBase,
			edit:  func(e *Editor) ([]string, error) { return e.AddEvent("app_mention", false) },
			added: []string{"bot scope app_mentions:read", "bot event app_mention"},
			want: strings.NewReplacer(
				"      - commands # needed by /hello\n", "      - commands # needed by /hello\n      - app_mentions:read\n",
				"bot_events: [app_home_opened]", "bot_events: [app_home_opened, app_mention]",
			).Replace(editBase),
		},
		{
			name: "command into block list of mappings",
			src:  editBase,
			edit: func(e *Editor) ([]string, error) {
				return e.AddCommand(SlashCommand{Command: "/deploy", URL: "https://example.com/slack/events", Description: "Deploy a service", UsageHint: "[service]"})
			},
			added: []string{"slash command /deploy"},
			want:  strings.Replace(editBase, "      description: Say hello\n", "      description: Say hello\n    - command: /deploy\n      url: https://example.com/slack/events\n      description: Deploy a service\n      usage_hint: '[service]'\n", 1),
		},
		{
			name:  "user scope creates the list",
			src:   editBase,
			edit:  func(e *Editor) ([]string, error) { return e.AddScope("search:read", true) },
			added: []string{"user scope search:read"},
			want:  strings.Replace(editBase, "      # - chat:write  (later)\n", "      # - chat:write  (later)\n    user:\n      - search:read\n", 1),
		},
		{
			name:  "creates sections at the end of the root",
			src:   "display_information:\n  name: demo\n",
			edit:  func(e *Editor) ([]string, error) { return e.AddScope("chat:write", false) },
			added: []string{"bot scope chat:write"},
			want:  "display_information:\n  name: demo\noauth_config:\n  scopes:\n    bot:\n      - chat:write\n",
		},
		{
			name:  "no final newline",
			src:   "display_information:\n  name: demo",
			edit:  func(e *Editor) ([]string, error) { return e.AddScope("chat:write", false) },
			added: []string{"bot scope chat:write"},
			want:  "display_information:\n  name: demo\noauth_config:\n  scopes:\n    bot:\n      - chat:write\n",
		},
		{
			name:  "fills an empty key",
			src:   "display_information:\n  name: demo\noauth_config:\n# none yet\n",
			edit:  func(e *Editor) ([]string, error) { return e.AddScope("chat:write", false) },
			added: []string{"bot scope chat:write"},
			want:  "display_information:\n  name: demo\noauth_config:\n  scopes:\n    bot:\n      - chat:write\n# none yet\n",
		},
		{
			name:  "fills an empty list key",
			src:   "display_information:\n  name: demo\nsettings:\n  socket_mode_enabled: true\n  event_subscriptions:\n    bot_events:   # none yet\n",
			edit:  func(e *Editor) ([]string, error) { return e.AddEvent("app_home_opened", false) },
			added: []string{"bot event app_home_opened"},
			want:  "display_information:\n  name: demo\nsettings:\n  socket_mode_enabled: true\n  event_subscriptions:\n    bot_events:   # none yet\n      - app_home_opened\n",
		},
		{
			name: "sets the events request URL once",
			src:  editBase,
			edit: func(e *Editor) ([]string, error) {
				if ok, err := e.SetEventsRequestURL("https://other.example.com/slack/events"); ok || err != nil {
					return nil, fmt.Errorf("replaced an existing URL: %v %v", ok, err)
				}
				return nil, nil
			},
			want: editBase,
		},
		{
			name:  "sets a missing events request URL",
			src:   "display_information:\n  name: demo\nsettings:\n  event_subscriptions:\n    bot_events: [app_home_opened]\n",
			edit:  setEventsURL,
			added: []string{"url"},
			want:  "display_information:\n  name: demo\nsettings:\n  event_subscriptions:\n    bot_events: [app_home_opened]\n    request_url: https://x.example.com/slack/events\n",
		},
		{
			name:  "four-space indentation",
			src:   "display_information:\n    name: demo\noauth_config:\n    scopes:\n        bot:\n        - commands\n",
			edit:  func(e *Editor) ([]string, error) { return e.AddScope("users:read", true) },
			added: []string{"user scope users:read"},
			want:  "display_information:\n    name: demo\noauth_config:\n    scopes:\n        bot:\n        - commands\n        user:\n            - users:read\n",
		},
		{
			name:  "already present",
			src:   editBase,
			edit:  func(e *Editor) ([]string, error) { return e.AddEvent("app_home_opened", false) },
			added: nil,
			want:  editBase,
		},
		{
			name: "json multi-line",
			src:  "{\n  \"display_information\": {\n    \"name\": \"demo\"\n  },\n  \"oauth_config\": {\n    \"scopes\": {\n      \"bot\": [\n        \"chat:write\"\n      ]\n    }\n  }\n}\n",
			edit: func(e *Editor) ([]string, error) {
				return e.AddCommand(SlashCommand{Command: "/deploy", Description: "Deploy"})
			},
			added: []string{"bot scope commands", "slash command /deploy"},
			want:  "{\n  \"display_information\": {\n    \"name\": \"demo\"\n  },\n  \"oauth_config\": {\n    \"scopes\": {\n      \"bot\": [\n        \"chat:write\",\n        \"commands\"\n      ]\n    }\n  },\n  \"features\": {\n    \"slash_commands\": [\n      {\n        \"command\": \"/deploy\",\n        \"description\": \"Deploy\"\n      }\n    ]\n  }\n}\n",
		},
		{
			name:  "json sets a request URL in a multi-line object",
			src:   "{\n  \"display_information\": {\"name\": \"demo\"},\n  \"settings\": {\n    \"event_subscriptions\": {\n      \"bot_events\": [\"app_home_opened\"]\n    }\n  }\n}\n",
			edit:  setEventsURL,
			added: []string{"url"},
			want:  "{\n  \"display_information\": {\"name\": \"demo\"},\n  \"settings\": {\n    \"event_subscriptions\": {\n      \"bot_events\": [\"app_home_opened\"],\n      \"request_url\": \"https://x.example.com/slack/events\"\n    }\n  }\n}\n",
		},
		{
			name:  "yaml flow mapping",
			src:   "display_information: {name: demo}\noauth_config: {scopes: {bot: [commands]}}\n",
			edit:  func(e *Editor) ([]string, error) { return e.AddScope("users:read", true) },
			added: []string{"user scope users:read"},
			want:  "display_information: {name: demo}\noauth_config: {scopes: {bot: [commands], user: ['users:read']}}\n",
		},
		{
			name:  "json indented with tabs",
			src:   "{\n\t\"display_information\": {\n\t\t\"name\": \"x\"\n\t}\n}\n",
			edit:  func(e *Editor) ([]string, error) { return e.AddScope("chat:write", false) },
			added: []string{"bot scope chat:write"},
			want:  "{\n\t\"display_information\": {\n\t\t\"name\": \"x\"\n\t},\n\t\"oauth_config\": {\n\t\t\"scopes\": {\n\t\t\t\"bot\": [\n\t\t\t\t\"chat:write\"\n\t\t\t]\n\t\t}\n\t}\n}\n",
		},
		{
			name:  "json one line and empty list",
			src:   `{"display_information": {"name": "demo"}, "oauth_config": {"scopes": {"bot": []}}}`,
			edit:  func(e *Editor) ([]string, error) { return e.AddScope("chat:write", false) },
			added: []string{"bot scope chat:write"},
			want:  `{"display_information": {"name": "demo"}, "oauth_config": {"scopes": {"bot": ["chat:write"]}}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ed, err := NewEditor("m.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			added, err := tt.edit(ed)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(added, tt.added) {
				t.Errorf("added = %q, want %q", added, tt.added)
			}
			if got := string(ed.Bytes()); got != tt.want {
				t.Errorf("result:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestEditorRefusesUnknownNames(t *testing.T) {
	ed, err := NewEditor("m.yaml", []byte(editBase))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		edit func() ([]string, error)
		want string
	}{
		{func() ([]string, error) { return ed.AddScope("chat:wirte", false) }, `unknown bot scope "chat:wirte" (did you mean "chat:write"?)`},
		{func() ([]string, error) { return ed.AddScope("commands", true) }, `"commands" can't be granted to a user token`},
		{func() ([]string, error) { return ed.AddEvent("app_mentoin", false) }, `unknown event "app_mentoin" (did you mean "app_mention"?)`},
	} {
		_, err := tt.edit()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error = %v, want it to contain %q", err, tt.want)
		}
	}
	if string(ed.Bytes()) != editBase {
		t.Error("a refused edit changed the text")
	}
}

func TestWriteFileKeepsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "manifest.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if string(data) != "new" || fi.Mode().Perm() != 0o600 {
		t.Errorf("content %q mode %v, want new 0600", data, fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

// setEventsURL is an edit that sets the events request URL, reporting "url"
// when it did.
func setEventsURL(e *Editor) ([]string, error) {
	ok, err := e.SetEventsRequestURL("https://x.example.com/slack/events")
	if !ok {
		return nil, err
	}
	return []string{"url"}, err
}
