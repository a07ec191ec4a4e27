package manifest

import (
	"regexp"
	"strings"
)

// The rules below restate, in Go, what Slack's app manifest JSON schema
// (versions 1.0.0 and 2.0.0) checks: types, required keys, lengths,
// patterns, enums and counts. The two versions differ only in the sections
// of Slack-hosted apps (functions, workflows, external_auth_providers).

func str(min, max int) *rule { return &rule{kinds: []kind{kString}, min: min, max: max} }
func boolean() *rule         { return &rule{kinds: []kind{kBool}} }
func integer() *rule         { return &rule{kinds: []kind{kInt}} }
func anyValue() *rule        { return &rule{} }
func obj(fields ...field) *rule {
	return &rule{kinds: []kind{kObject}, fields: fields}
}
func openObj(fields ...field) *rule {
	return &rule{kinds: []kind{kObject}, fields: fields, open: true}
}
func dict(values *rule, max int) *rule {
	return &rule{kinds: []kind{kMap}, values: values, max: max}
}
func list(items *rule, min, max int) *rule {
	return &rule{kinds: []kind{kArray}, items: items, min: min, max: max}
}
func set(items *rule, min, max int) *rule {
	r := list(items, min, max)
	r.unique = true
	return r
}
func req(name string, r *rule) field { return field{name: name, rule: r, required: true} }
func opt(name string, r *rule) field { return field{name: name, rule: r} }

func enum(values ...string) *rule { return &rule{kinds: []kind{kString}, enum: values} }

func withCheck(r *rule, hint string, check func(string) string) *rule {
	r.check, r.hint = check, hint
	return r
}

// httpURL is a string matching ^https?:// of at most max characters.
func httpURL(max int) *rule {
	return withCheck(str(0, max), "write the full URL, e.g. https://example.com/slack/events", func(s string) string {
		if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
			return ""
		}
		return "must start with http:// or https://"
	})
}

// httpsURL is a string matching ^https:// of at most max characters.
func httpsURL(min, max int) *rule {
	return withCheck(str(min, max), "Slack only accepts https here", func(s string) string {
		if strings.HasPrefix(s, "https://") {
			return ""
		}
		return "must start with https://"
	})
}

func matching(r *rule, re *regexp.Regexp, what, hint string) *rule {
	return withCheck(r, hint, func(s string) string {
		if re.MatchString(s) {
			return ""
		}
		return "must be " + what
	})
}

var (
	reEmail    = regexp.MustCompile("^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$")
	reColor    = regexp.MustCompile(`^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$`)
	reDomain   = regexp.MustCompile(`^[-a-z0-9.]+[a-z0-9]$`)
	reIPRange  = regexp.MustCompile(`^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])(/(3[0-2]|[1-2][0-9]|[0-9]))?$`)
	reJSONPath = regexp.MustCompile(`^\$\.(.)+`)
	reOAuthTok = regexp.MustCompile(`^(\x21|[\x23-\x5B]|[\x5D-\x7E])+$`)
)

// domain matches ^(?![.-])[-a-z0-9.]+[a-z0-9]$ (RE2 has no look-ahead).
func domain(max int) *rule {
	return withCheck(str(0, max), "lower-case host name only, no scheme or path, e.g. example.com", func(s string) string {
		if s != "" && s[0] != '.' && s[0] != '-' && reDomain.MatchString(s) {
			return ""
		}
		return "must be a domain name"
	})
}

var slackTypes = []string{
	"integer", "number", "boolean", "string", "object", "array",
	"slack#/types/user_context", "slack#/types/user_permission", "slack#/types/user_id",
	"slack#/types/channel_id", "slack#/types/usergroup_id", "slack#/types/timestamp",
	"slack#/types/blocks", "slack#/types/credential/oauth2", "slack#/types/date",
	"slack#/types/interactivity", "slack#/types/rich_text", "slack#/types/form_input",
	"slack#/types/form_input_object", "slack#/types/message_ts", "slack#/types/message_context",
}

// schemas holds the rule tree of each major version.
var schemas = map[int]*rule{1: buildSchema(1), 2: buildSchema(2)}

func buildSchema(major int) *rule {
	prompt := obj(req("title", str(0, 0)), req("message", str(0, 0)))

	features := obj(
		opt("app_home", obj(
			opt("home_tab_enabled", boolean()),
			opt("messages_tab_enabled", boolean()),
			opt("messages_tab_read_only_enabled", boolean()),
		)),
		opt("bot_user", obj(
			req("display_name", str(1, 80)),
			opt("always_online", boolean()),
		)),
		opt("functions", list(featureFunction(), 0, 50)),
		opt("shortcuts", list(obj(
			req("name", str(1, 24)),
			req("type", enum("message", "global")),
			req("callback_id", str(1, 255)),
			req("description", str(1, 150)),
		), 1, 10)),
		opt("slash_commands", list(obj(
			req("command", withCheck(str(2, 32), "e.g. /deploy", func(s string) string {
				if strings.HasPrefix(s, "/") {
					return ""
				}
				return "must start with /"
			})),
			opt("url", httpURL(3000)),
			req("description", str(1, 2000)),
			opt("usage_hint", str(1, 1000)),
			opt("should_escape", boolean()),
		), 1, 50)),
		opt("workflow_steps", list(obj(
			req("name", str(1, 50)),
			req("callback_id", str(1, 50)),
		), 1, 10)),
		opt("unfurl_domains", set(domain(255), 1, 5)),
		opt("assistant_view", obj(
			req("assistant_description", str(0, 0)),
			opt("suggested_prompts", list(prompt, 0, 0)),
		)),
		opt("agent_view", obj(
			opt("agent_description", str(0, 300)),
			opt("suggested_prompts", list(prompt, 0, 4)),
			opt("actions", list(obj(req("name", str(0, 0)), req("description", str(0, 0))), 0, 0)),
		)),
	)

	scopeList := list(str(0, 50), 0, 255)
	oauth := obj(
		opt("redirect_urls", set(str(0, 2500), 0, 1000)),
		opt("scopes", obj(
			opt("user", scopeList),
			opt("bot", scopeList),
			opt("user_optional", scopeList),
			opt("bot_optional", scopeList),
		)),
		opt("token_management_enabled", boolean()),
		opt("pkce_enabled", boolean()),
	)

	events := set(str(0, 50), 0, 100)
	settings := obj(
		opt("allowed_ip_address_ranges", set(matching(str(0, 0), reIPRange, "an IPv4 address or CIDR range", "e.g. 203.0.113.0/24"), 1, 50)),
		opt("event_subscriptions", obj(
			opt("request_url", httpURL(3500)),
			opt("user_events", events),
			opt("bot_events", events),
			opt("metadata_subscriptions", list(obj(
				req("app_id", str(0, 0)),
				req("event_type", str(0, 50)),
			), 1, 20)),
		)),
		opt("incoming_webhooks", obj(opt("incoming_webhooks_enabled", boolean()))),
		opt("interactivity", obj(
			req("is_enabled", boolean()),
			opt("request_url", httpURL(3500)),
			opt("message_menu_options_url", httpURL(3500)),
		)),
		opt("org_deploy_enabled", boolean()),
		opt("socket_mode_enabled", boolean()),
		opt("is_hosted", boolean()),
		opt("token_rotation_enabled", boolean()),
		opt("siws_links", obj(opt("initiate_uri", httpsURL(0, 3500)))),
		opt("hermes_app_type", str(0, 0)),
		opt("function_runtime", str(0, 0)),
		opt("is_mcp_enabled", boolean()),
	)

	appDirectory := obj(
		opt("app_directory_categories", list(str(1, 255), 0, 3)),
		opt("use_direct_install", boolean()),
		opt("direct_install_url", httpURL(255)),
		req("installation_landing_page", httpURL(255)),
		req("privacy_policy_url", httpURL(500)),
		req("support_url", httpURL(350)),
		req("support_email", matching(str(0, 100), reEmail, "an email address", "e.g. support@example.com")),
		req("supported_languages", list(str(0, 50), 1, 50)),
		req("pricing", str(1, 30)),
	)

	return obj(
		opt("$schema", str(0, 0)),
		opt("_metadata", obj(
			opt("schema_version", integer()),
			opt("min_version", integer()),
			opt("major_version", integer()),
			opt("minor_version", integer()),
		)),
		opt("app_directory", appDirectory),
		req("display_information", obj(
			req("name", str(1, 35)),
			opt("description", str(1, 140)),
			opt("background_color", matching(str(4, 7), reColor, "a hex color like #2c2d30 or #fff", "")),
			opt("long_description", str(175, 4000)),
		)),
		opt("features", features),
		opt("oauth_config", oauth),
		opt("settings", settings),
		opt("functions", hostedFunctions(major)),
		opt("workflows", hostedWorkflows(major)),
		opt("datastores", dict(obj(
			req("primary_key", str(1, 0)),
			req("attributes", dict(openObj(
				req("type", str(1, 0)),
				opt("items", openObj(req("type", str(1, 0)))),
				opt("properties", openObj()),
			), 100)),
		), 10)),
		opt("outgoing_domains", set(domain(50), 0, 10)),
		opt("types", hostedTypes(major)),
		opt("external_auth_providers", obj(opt("oauth2", dict(obj(
			req("provider_type", enum("CUSTOM", "SLACK_PROVIDED")),
			req("options", &rule{kinds: []kind{kObject}, anyOf: []*rule{
				obj(req("client_id", str(1, 1024)), req("scope", list(str(0, 0), 0, 0))),
				obj(
					req("client_id", str(1, 1024)),
					req("provider_name", str(2, 255)),
					req("authorization_url", httpsURL(5, 255)),
					req("token_url", httpsURL(5, 255)),
					req("scope", list(matching(str(0, 0), reOAuthTok, "an OAuth scope token", ""), 0, 0)),
					opt("authorization_url_extras", openObj()),
					req("identity_config", obj(
						req("url", httpsURL(5, 255)),
						req("account_identifier", matching(str(1, 255), reJSONPath, "a JSON path starting with $.", "e.g. $.email")),
						opt("headers", openObj()),
					)),
					opt("use_pkce", boolean()),
					opt("token_url_config", obj(opt("use_basic_auth_scheme", boolean()))),
				),
			}}),
		), 0)))),
		opt("mcp_servers", dict(obj(
			req("url", httpsURL(0, 500)),
			opt("headers", dict(str(0, 0), 0)),
			opt("auth_provider_key", str(0, 255)),
			req("auth_type", enum("dynamic_client_registration", "no_auth", "manual_auth", "slack_identity_auth")),
		), 20)),
	)
}

func hostedType(major int) *rule {
	t := str(0, 0)
	if major == 2 {
		t = enum(slackTypes...)
	}
	return openObj(
		req("type", t),
		opt("title", str(0, 0)),
		opt("description", str(0, 0)),
		opt("is_required", boolean()),
		opt("is_hidden", boolean()),
		opt("hint", str(0, 0)),
	)
}

func hostedTypes(major int) *rule { return dict(hostedType(major), 50) }

// parameters is the input/output parameters of a function or workflow:
// in version 1 a map of types, in version 2 {properties, required}.
func parameters(major int) *rule {
	if major == 1 {
		return hostedTypes(1)
	}
	return openObj(
		req("properties", hostedTypes(2)),
		opt("required", list(str(0, 0), 0, 0)),
	)
}

func hostedFunctions(major int) *rule {
	return dict(obj(
		req("title", str(0, 0)),
		req("description", str(0, 0)),
		req("input_parameters", parameters(major)),
		req("output_parameters", parameters(major)),
	), 50)
}

func hostedWorkflows(major int) *rule {
	scalarOrAny := &rule{kinds: []kind{kString, kObject, kArray, kNumber, kBool}, open: true}
	stepFields := []field{
		req("id", str(0, 0)),
		req("function_id", str(0, 0)),
		req("inputs", dict(scalarOrAny, 0)),
	}
	if major == 2 {
		stepFields = append(stepFields, opt("type", enum("function", "switch", "conditional")))
	}
	valueTemplate := obj(
		req("value", anyValue()),
		opt("initial_value", anyValue()),
		opt("locked", boolean()),
		opt("hidden", boolean()),
	)
	trigger := []field{
		opt("name", str(0, 0)),
		req("type", str(0, 0)),
		req("inputs", dict(valueTemplate, 0)),
	}
	if major == 2 {
		trigger = append(trigger, opt("description", str(0, 0)))
	}
	return dict(obj(
		req("title", str(0, 0)),
		req("description", str(0, 0)),
		opt("input_parameters", parameters(major)),
		req("steps", list(obj(stepFields...), 0, 0)),
		opt("suggested_triggers", list(obj(trigger...), 0, 0)),
	), 50)
}

func featureFunction() *rule {
	param := openObj(
		req("type", enum(slackTypes...)),
		req("name", str(0, 0)),
		opt("title", str(0, 0)),
		opt("description", str(0, 0)),
		opt("is_required", boolean()),
	)
	return obj(
		req("callback_id", str(0, 0)),
		req("title", str(0, 0)),
		req("description", str(0, 0)),
		req("input_parameters", list(param, 0, 20)),
		req("output_parameters", list(param, 0, 20)),
	)
}
