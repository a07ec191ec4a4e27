package manifest

import (
	"testing"
)

func TestParsePositions(t *testing.T) {
	src := "display_information:\n  name: demo\nfeatures:\n  slash_commands:\n    - command: /deploy\n      description: Deploy\noauth_config:\n  scopes:\n    bot: [commands, chat:write]\n"
	m, err := Parse("manifest.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if m.DisplayInformation.Name != "demo" || len(m.SlashCommands()) != 1 || m.SlashCommands()[0].Command != "/deploy" {
		t.Fatalf("model = %+v", m)
	}
	if got := m.BotScopes(); len(got) != 2 || got[1] != "chat:write" {
		t.Errorf("BotScopes = %v", got)
	}
	for ptr, want := range map[string]Position{
		"/display_information/name":           {2, 9},
		"/features/slash_commands/0/command":  {5, 16},
		"/oauth_config/scopes/bot/1":          {9, 21},
		"/features/slash_commands/0":          {5, 7},
		"/features/slash_commands/0/url":      {},
		"/features/slash_commands/0/whatever": {},
	} {
		if got := m.Pos(ptr); got != want {
			t.Errorf("Pos(%q) = %v, want %v", ptr, got, want)
		}
	}
	if m.Format() != YAML || m.Name() != "manifest.yaml" {
		t.Errorf("Format, Name = %v, %q", m.Format(), m.Name())
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"m.yaml", "", "m.yaml: error: the manifest is empty (start from `slackgen init` or an export from api.slack.com)"},
		{"m.yaml", "- a\n- b\n", "m.yaml:1:1: error: the manifest must be a mapping (an object) of sections (start with `display_information:`)"},
		{"m.json", "{\"a\": [1,\n", "m.json:2:1: error: not valid JSON: unexpected end of JSON input (fix the syntax)"},
		{"m.json", "{\n  \"a\": 1\n  \"b\": 2\n}", "m.json:3:3: error: not valid JSON: invalid character '\"' after object key:value pair (fix the syntax)"},
		{"m.yaml", "a: b\n c: d\n", "m.yaml:2:1: error: not valid YAML: mapping values are not allowed in this context (fix the syntax)"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.name, []byte(tt.src))
		ds, ok := err.(Diagnostics)
		if !ok {
			t.Errorf("Parse(%q) error = %v, want Diagnostics", tt.src, err)
			continue
		}
		if got := ds.Error(); got != tt.want {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}
