package manifest

import (
	"strings"
	"testing"
)

// base is a valid manifest the rule tests extend.
const base = `display_information:
  name: demo
features:
  bot_user:
    display_name: demo
oauth_config:
  scopes:
    bot: [commands, chat:write]
settings:
  socket_mode_enabled: true
`

func TestValidateRules(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // each must appear in the output, in this order
		none bool     // want no diagnostics at all
	}{
		{name: "valid", src: base, none: true},
		{
			name: "required name and unknown top-level key",
			src:  "display_information:\n  description: x\nfeaturs: {}\n",
			want: []string{
				`m.yaml:2:3: error: display_information is missing the required key "name"`,
				`m.yaml:3:1: error: unknown key "featurs" in the manifest (did you mean "features"?)`,
			},
		},
		{
			name: "missing display_information",
			src:  "settings:\n  socket_mode_enabled: true\n",
			want: []string{`m.yaml:1:1: error: the manifest is missing the required key "display_information"`},
		},
		{
			name: "name too long",
			src:  "display_information:\n  name: " + strings.Repeat("n", 36) + "\n",
			want: []string{`m.yaml:2:9: error: display_information.name is 36 characters long; the limit is 35`},
		},
		{
			name: "long_description too short and bad color",
			src:  "display_information:\n  name: x\n  long_description: short\n  background_color: red\n",
			want: []string{
				`m.yaml:3:21: error: display_information.long_description is 5 characters long; the minimum is 175`,
				`m.yaml:4:21: error: display_information.background_color is 3 characters long; the minimum is 4`,
				`m.yaml:4:21: error: display_information.background_color must be a hex color like #2c2d30 or #fff`,
			},
		},
		{
			name: "wrong types",
			src:  "display_information:\n  name: 12\nsettings:\n  socket_mode_enabled: \"yes\"\n  interactivity: []\n",
			want: []string{
				`m.yaml:2:9: error: display_information.name must be a string, not an integer (quote the value)`,
				`m.yaml:4:24: error: settings.socket_mode_enabled must be a boolean (true or false), not a string`,
				`m.yaml:5:18: error: settings.interactivity must be a mapping, not a list`,
			},
		},
		{
			name: "null section",
			src:  "display_information:\n  name: x\nfeatures:\n",
			want: []string{`m.yaml:3:10: error: features must be a mapping, not empty (null) (give it a value or remove the key)`},
		},
		{
			name: "repeated key",
			src:  "display_information:\n  name: x\n  name: y\n",
			want: []string{`m.yaml:3:3: error: key "name" is repeated in display_information (the first is at line 2; keep one)`},
		},
		{
			name: "command shape",
			src:  base + "features:\n  slash_commands:\n    - command: deploy\n      description: \"\"\n      url: ftp://x\n    - command: /" + strings.Repeat("c", 32) + "\n      description: d\n      url: https://x.example/slack\n",
			want: []string{
				`error: key "features" is repeated in the manifest`,
			},
		},
		{
			name: "command rules",
			src:  "display_information:\n  name: x\nfeatures:\n  slash_commands:\n    - command: deploy\n      description: \"\"\n      url: ftp://x\n    - command: /" + strings.Repeat("c", 32) + "\n      description: d\n      url: https://x.example/slack\noauth_config:\n  scopes:\n    bot: [commands]\n",
			want: []string{
				`m.yaml:5:16: error: features.slash_commands[0].command must start with / (e.g. /deploy)`,
				`m.yaml:6:20: error: features.slash_commands[0].description is empty (give it a value or remove the key)`,
				`m.yaml:7:12: error: features.slash_commands[0].url must start with http:// or https://`,
				`m.yaml:8:16: error: features.slash_commands[1].command is 33 characters long; the limit is 32`,
			},
		},
		{
			name: "too many shortcuts and bad type",
			src:  "display_information:\n  name: x\nfeatures:\n  shortcuts:\n" + strings.Repeat("    - {name: n, type: global, callback_id: c, description: d}\n", 10) + "    - {name: n, type: globl, callback_id: d, description: d}\noauth_config:\n  scopes:\n    bot: [commands]\nsettings:\n  socket_mode_enabled: true\n",
			want: []string{
				`m.yaml:5:5: error: features.shortcuts has 11 items; the limit is 10`,
				`m.yaml:6:44: error: shortcut callback_id "c" is used twice`,
				`m.yaml:15:23: error: features.shortcuts[10].type must be one of message, global, not "globl" (did you mean "global"?)`,
			},
		},
		{
			name: "unfurl domains",
			src:  base + "  # x\n",
			none: true,
		},
		{
			name: "unfurl domain pattern, count and repeat",
			src:  "display_information:\n  name: x\nfeatures:\n  unfurl_domains: [a.com, -b.com, https://c.com, a.com, d.com, e.com]\n",
			want: []string{
				`m.yaml:4:19: error: features.unfurl_domains has 6 items; the limit is 5`,
				`m.yaml:4:27: error: features.unfurl_domains[1] must be a domain name`,
				`m.yaml:4:35: error: features.unfurl_domains[2] must be a domain name`,
				`m.yaml:4:50: error: features.unfurl_domains lists "a.com" twice (the first is at line 4; remove one)`,
			},
		},
		{
			name: "unknown scopes with suggestions and wrong token kind",
			src:  "display_information:\n  name: x\noauth_config:\n  scopes:\n    bot: [chat:wirte, search:read]\n    user: [identity.basic, commands, zzzzzzzz]\n",
			want: []string{
				`m.yaml:5:11: error: unknown bot scope "chat:wirte" (did you mean "chat:write"?)`,
				`m.yaml:5:23: error: "search:read" is a user scope; a bot token can't be granted it (move it to oauth_config.scopes.user)`,
				`m.yaml:6:28: error: "commands" is a bot scope; a user token can't be granted it (move it to oauth_config.scopes.bot)`,
				`m.yaml:6:38: error: unknown user scope "zzzzzzzz" (see https://api.slack.com/scopes)`,
			},
		},
		{
			name: "unknown events and missing implied scopes",
			src:  "display_information:\n  name: x\noauth_config:\n  scopes:\n    bot: [chat:write]\nsettings:\n  socket_mode_enabled: true\n  event_subscriptions:\n    bot_events: [app_mention, message.channels, message.im, app_mentoin, member_joined_channel]\n    user_events: [reaction_added]\n",
			want: []string{
				`m.yaml:9:18: error: event "app_mention" needs the bot scope "app_mentions:read" (add it to oauth_config.scopes.bot, e.g. slackgen add scope app_mentions:read)`,
				`m.yaml:9:31: error: event "message.channels" needs the bot scope "channels:history"`,
				`m.yaml:9:49: error: event "message.im" needs the bot scope "im:history"`,
				`m.yaml:9:61: error: unknown event "app_mentoin" (did you mean "app_mention"?)`,
				`m.yaml:9:74: error: event "member_joined_channel" needs the bot scope one of "channels:read", "groups:read"`,
				`m.yaml:10:19: error: event "reaction_added" needs the user scope "reactions:read" (add it to oauth_config.scopes.user, e.g. slackgen add scope reactions:read --user)`,
			},
		},
		{
			name: "commands and shortcuts need the commands scope",
			src:  "display_information:\n  name: x\nfeatures:\n  shortcuts:\n    - {name: n, type: global, callback_id: c, description: d}\n  slash_commands:\n    - {command: /a, description: d}\nsettings:\n  socket_mode_enabled: true\n",
			want: []string{
				`m.yaml:5:5: error: shortcuts need the bot scope "commands" (add it: slackgen add scope commands)`,
				`m.yaml:7:5: error: slash commands need the bot scope "commands" (add it: slackgen add scope commands)`,
			},
		},
		{
			name: "nowhere to deliver",
			src:  "display_information:\n  name: x\nfeatures:\n  slash_commands:\n    - {command: /a, description: d}\n    - {command: /a, description: d, url: https://x.example/c}\noauth_config:\n  scopes:\n    bot: [commands]\nsettings:\n  event_subscriptions:\n    bot_events: [app_home_opened]\n  interactivity:\n    is_enabled: true\n",
			want: []string{
				`m.yaml:5:7: error: slash command "/a" has no url and Socket Mode is off (set its url or enable settings.socket_mode_enabled)`,
				`m.yaml:6:17: error: slash command "/a" is defined twice (the first is features.slash_commands[0]; remove one)`,
				`m.yaml:12:5: error: events are subscribed but settings.event_subscriptions.request_url is not set and Socket Mode is off`,
				`m.yaml:14:5: error: interactivity is enabled but settings.interactivity.request_url is not set and Socket Mode is off`,
			},
		},
		{
			name: "redirect urls",
			src:  "display_information:\n  name: x\noauth_config:\n  redirect_urls:\n    - http://example.com/cb\n    - http://localhost:3000/cb\n    - http://127.0.0.1/cb\n    - https://example.com/cb\n    - https://example.com/cb\n    - /relative\n",
			want: []string{
				`m.yaml:5:7: error: redirect URL "http://example.com/cb" is not https`,
				`m.yaml:9:7: error: oauth_config.redirect_urls lists "https://example.com/cb" twice (the first is at line 8; remove one)`,
				`m.yaml:10:7: error: redirect URL "/relative" is not an absolute URL`,
			},
		},
		{
			name: "distribution without uninstall events, one-way switches",
			src:  "display_information:\n  name: x\noauth_config:\n  redirect_urls: [https://example.com/slack/oauth_redirect]\n  pkce_enabled: true\nsettings:\n  socket_mode_enabled: true\n  token_rotation_enabled: true\n  event_subscriptions:\n    bot_events: [tokens_revoked]\n",
			want: []string{
				`m.yaml:5:17: warning: PKCE is a one-way switch: once enabled for the app it can't be turned off`,
				`m.yaml:8:27: warning: token rotation is a one-way switch`,
				`m.yaml:10:17: warning: the app is distributed with OAuth (redirect_urls) but doesn't subscribe to "app_uninstalled"`,
			},
		},
		{
			name: "hosted sections are ignored with a warning",
			src:  "display_information:\n  name: x\noutgoing_domains: [example.com]\ntypes: {}\n",
			want: []string{
				`m.yaml:3:19: warning: slackgen ignores outgoing_domains: it is for Slack-hosted apps (it is kept as is)`,
				`m.yaml:4:8: warning: slackgen ignores types: it is for Slack-hosted apps (it is kept as is)`,
			},
		},
		{
			name: "app directory and settings patterns",
			src:  "display_information:\n  name: x\napp_directory:\n  installation_landing_page: https://x.example\n  privacy_policy_url: https://x.example/p\n  support_url: https://x.example/s\n  support_email: nope\n  supported_languages: []\n  pricing: Free\nsettings:\n  allowed_ip_address_ranges: [10.0.0.0/8, 300.1.1.1]\n  siws_links:\n    initiate_uri: http://x.example\n",
			want: []string{
				`m.yaml:7:18: error: app_directory.support_email must be an email address (e.g. support@example.com)`,
				`m.yaml:8:24: error: app_directory.supported_languages is an empty list`,
				`m.yaml:11:43: error: settings.allowed_ip_address_ranges[1] must be an IPv4 address or CIDR range`,
				`m.yaml:13:19: error: settings.siws_links.initiate_uri must start with https://`,
			},
		},
		{
			name: "http request urls",
			src:  "display_information:\n  name: x\nsettings:\n  event_subscriptions:\n    request_url: http://example.com/slack/events\n    bot_events: [app_home_opened]\n  interactivity:\n    is_enabled: true\n    request_url: http://127.0.0.1:3000/slack/events\n",
			want: []string{
				`m.yaml:5:18: warning: Slack only sends requests to https URLs, not "http://example.com/slack/events" (use https, or slackgen manifest export --base-url https://… for a tunnel)`,
			},
		},
		{
			name: "metadata version",
			src:  "_metadata:\n  major_version: 3\ndisplay_information:\n  name: x\n",
			want: []string{`m.yaml:2:18: error: _metadata.major_version 3 is not a manifest version Slack knows (use 1 or 2)`},
		},
		{
			name: "json positions",
			src:  "{\n  \"display_information\": {\"name\": \"x\", \"colour\": 1}\n}\n",
			want: []string{`m.yaml:2:40: error: unknown key "colour" in display_information`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := Check("m.yaml", []byte(tt.src))
			out := ds.Error()
			if tt.none && len(ds) > 0 {
				t.Fatalf("want no diagnostics, got:\n%s", out)
			}
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("missing (or out of order) %q in:\n%s", w, out)
					continue
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestValidateChangedModel(t *testing.T) {
	m, err := Parse("m.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	m.OAuthConfig.Scopes.Bot = append(m.OAuthConfig.Scopes.Bot, "chat:wirte")
	ds := m.Validate()
	if len(ds) != 1 || !strings.Contains(ds[0].Message, `unknown bot scope "chat:wirte"`) {
		t.Fatalf("Validate after a change = %v", ds)
	}
	// The new value has no position: the nearest parsed ancestor's is used.
	if ds[0].Pos != (Position{Line: 8, Column: 10}) {
		t.Errorf("position = %v, want 8:10 (the bot list)", ds[0].Pos)
	}
}

func TestValidateBuiltInCode(t *testing.T) {
	m := &Manifest{DisplayInformation: DisplayInformation{Name: strings.Repeat("x", 40)}}
	ds := m.Validate()
	if len(ds) != 1 || ds[0].String() != "error: display_information.name is 40 characters long; the limit is 35" {
		t.Errorf("Validate = %q", ds.Error())
	}
}
