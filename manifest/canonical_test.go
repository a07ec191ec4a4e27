package manifest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// canonicalBase is the manifest the Canonical cases vary.
const canonicalBase = `# The app.
display_information:
  name: Hello
  description: Says hello
features:
  slash_commands:
    - command: /hello
      url: https://example.com/slack/events
      description: Say hello
      should_escape: false
oauth_config:
  scopes:
    bot:
      - commands
      - chat:write
workflows:
  greet:
    title: Greet
    description: Says hello
    steps: 2
`

func canonical(t *testing.T, name, text string) []byte {
	t.Helper()
	m, err := Parse(name, []byte(text))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	c, err := m.Canonical()
	if err != nil {
		t.Fatalf("%s: Canonical: %v", name, err)
	}
	if !json.Valid(c) {
		t.Fatalf("%s: Canonical is not JSON: %s", name, c)
	}
	return c
}

// TestCanonicalIgnoresPresentation: comments, whitespace, key order,
// quoting, flow style, anchors and JSON syntax give the same bytes.
func TestCanonicalIgnoresPresentation(t *testing.T) {
	want := canonical(t, "manifest.yaml", canonicalBase)
	for _, tc := range []struct{ name, text string }{
		{"comments and blank lines", `# A different comment.
display_information:   # trailing comment
  name: Hello


  description: Says hello   # another
features:
  slash_commands:
    # the only command
    - command: /hello
      url: https://example.com/slack/events
      description: Say hello
      should_escape: false
oauth_config:
  scopes:
    bot:
      - commands
      - chat:write
workflows:
  greet:
    title: Greet
    description: Says hello
    steps: 2
`},
		{"key order, hosted section included", `oauth_config:
  scopes:
    bot:
      - commands
      - chat:write
workflows:
  greet:
    steps: 2
    description: Says hello
    title: Greet
features:
  slash_commands:
    - description: Say hello
      should_escape: false
      command: /hello
      url: https://example.com/slack/events
display_information:
  description: Says hello
  name: Hello
`},
		{"quoting, flow style, indentation, number syntax", `display_information: {name: "Hello", description: 'Says hello'}
features:
    slash_commands:
    -   command: "/hello"
        url: https://example.com/slack/events
        description: Say hello
        should_escape: false
oauth_config: {scopes: {bot: [commands, "chat:write"]}}
workflows: {greet: {title: Greet, description: "Says hello", steps: 0x2}}
`},
		{"anchors and aliases", `display_information:
  name: Hello
  description: &d Says hello
features:
  slash_commands:
    - command: /hello
      url: https://example.com/slack/events
      description: Say hello
      should_escape: false
oauth_config:
  scopes:
    bot: [commands, chat:write]
workflows:
  greet:
    title: Greet
    description: Says hello
    steps: 2
`},
		{"JSON", `{"workflows": {"greet": {"steps": 2, "description": "Says hello", "title": "Greet"}},
 "display_information": {"name": "Hello", "description": "Says hello"},
 "features": {"slash_commands": [{"command": "/hello", "url": "https://example.com/slack/events",
   "description": "Say hello", "should_escape": false}]},
 "oauth_config": {"scopes": {"bot": ["commands", "chat:write"]}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := canonical(t, "manifest.yaml", tc.text); !bytes.Equal(got, want) {
				t.Errorf("Canonical differs:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestCanonicalSeesContent: every change of a value, a key or a list's
// order changes the bytes.
func TestCanonicalSeesContent(t *testing.T) {
	base := canonical(t, "manifest.yaml", canonicalBase)
	for _, tc := range []struct{ name, old, new string }{
		{"a scope added", "      - chat:write\n", "      - chat:write\n      - users:read\n"},
		{"a command added", "      should_escape: false\n", "      should_escape: false\n    - command: /bye\n      description: Say bye\n"},
		{"a description changed", "  description: Says hello", "  description: Says hi"},
		{"a boolean changed", "should_escape: false", "should_escape: true"},
		{"list order", "      - commands\n      - chat:write\n", "      - chat:write\n      - commands\n"},
		{"a hosted value changed", "steps: 2", "steps: 3"},
		{"a hosted number quoted", "steps: 2", `steps: "2"`},
		{"a hosted key renamed", "title: Greet", "name: Greet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := bytes.Replace([]byte(canonicalBase), []byte(tc.old), []byte(tc.new), 1)
			if bytes.Equal(text, []byte(canonicalBase)) {
				t.Fatalf("the case does not change the manifest")
			}
			if got := canonical(t, "manifest.yaml", string(text)); bytes.Equal(got, base) {
				t.Errorf("Canonical did not change: %s", got)
			}
		})
	}
}

// TestCanonicalBuiltInCode: a Manifest built in code has a Canonical form
// equal to that of its parsed text.
func TestCanonicalBuiltInCode(t *testing.T) {
	m := &Manifest{DisplayInformation: DisplayInformation{Name: "Hello"}}
	got, err := m.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	if want := canonical(t, "m.yaml", "display_information:\n  name: Hello\n"); !bytes.Equal(got, want) {
		t.Errorf("got %s, want %s", got, want)
	}
}
