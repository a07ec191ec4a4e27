package manifest

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// lint reports what Slack only rejects after a round trip, and what makes
// a slackgen app misbehave. Positions are filled in by Validate from the
// pointers.
func (m *Manifest) lint() Diagnostics {
	l := &linter{m: m}
	l.metadata()
	l.scopes()
	l.events()
	l.commands()
	l.delivery()
	l.requestURLs()
	l.redirects()
	l.oneWaySwitches()
	l.ignored()
	return l.diags
}

type linter struct {
	m     *Manifest
	diags Diagnostics
}

func (l *linter) add(sev Severity, ptr, msg, hint string) {
	l.diags = append(l.diags, Diagnostic{File: l.m.Name(), Severity: sev, Pointer: ptr, Message: msg, Hint: hint})
}

func (l *linter) metadata() {
	if md := l.m.Metadata; md != nil && md.MajorVersion != 0 && md.MajorVersion != 1 && md.MajorVersion != 2 {
		l.add(Error, "/_metadata/major_version", fmt.Sprintf("_metadata.major_version %d is not a manifest version Slack knows", md.MajorVersion), "use 1 or 2")
	}
}

const scopesDoc = "see https://api.slack.com/scopes"

func (l *linter) scopes() {
	s := l.m.OAuthConfig
	if s == nil || s.Scopes == nil {
		return
	}
	lists := []struct {
		key   string
		names []string
		kind  TokenKind
	}{
		{"user", s.Scopes.User, UserToken},
		{"bot", s.Scopes.Bot, BotToken},
		{"user_optional", s.Scopes.UserOptional, UserToken},
		{"bot_optional", s.Scopes.BotOptional, BotToken},
	}
	for _, list := range lists {
		kindName, other, otherKey := "bot", "user", "user"
		if list.kind == UserToken {
			kindName, other, otherKey = "user", "bot", "bot"
		}
		for i, name := range list.names {
			ptr := "/oauth_config/scopes/" + list.key + "/" + strconv.Itoa(i)
			sc, ok := LookupScope(name)
			switch {
			case !ok:
				hint := scopesDoc
				if sug := SuggestScope(name, list.kind); sug != "" {
					hint = fmt.Sprintf("did you mean %q?", sug)
				}
				l.add(Error, ptr, fmt.Sprintf("unknown %s scope %q", kindName, name), hint)
			case sc.Tokens&list.kind == 0:
				l.add(Error, ptr, fmt.Sprintf("%q is a %s scope; a %s token can't be granted it", name, other, kindName),
					"move it to oauth_config.scopes."+otherKey)
			}
		}
	}
}

func (l *linter) events() {
	es := l.m.Settings
	if es == nil || es.EventSubscriptions == nil {
		return
	}
	check := func(key string, names []string, granted []string, kind string) {
		for i, name := range names {
			ptr := "/settings/event_subscriptions/" + key + "/" + strconv.Itoa(i)
			ev, ok := LookupEvent(name)
			if !ok {
				hint := "see https://api.slack.com/events"
				if sug := SuggestEvent(name); sug != "" {
					hint = fmt.Sprintf("did you mean %q?", sug)
				}
				l.add(Error, ptr, fmt.Sprintf("unknown event %q", name), hint)
				continue
			}
			if len(ev.Scopes) == 0 || slices.ContainsFunc(ev.Scopes, func(s string) bool { return slices.Contains(granted, s) }) {
				continue
			}
			need := fmt.Sprintf("%q", ev.Scopes[0])
			if len(ev.Scopes) > 1 {
				quoted := make([]string, len(ev.Scopes))
				for i, s := range ev.Scopes {
					quoted[i] = strconv.Quote(s)
				}
				need = "one of " + strings.Join(quoted, ", ")
			}
			l.add(Error, ptr, fmt.Sprintf("event %q needs the %s scope %s", name, kind, need),
				fmt.Sprintf("add it to oauth_config.scopes.%s, e.g. slackgen add scope %s%s", kind, ev.Scopes[0], map[string]string{"bot": "", "user": " --user"}[kind]))
		}
	}
	check("bot_events", es.EventSubscriptions.BotEvents, l.m.BotScopes(), "bot")
	check("user_events", es.EventSubscriptions.UserEvents, l.m.UserScopes(), "user")
}

func (l *linter) commands() {
	f := l.m.Features
	if f == nil {
		return
	}
	hasCommands := slices.Contains(l.m.BotScopes(), "commands")
	if len(f.SlashCommands) > 0 && !hasCommands {
		l.add(Error, "/features/slash_commands", "slash commands need the bot scope \"commands\"", "add it: slackgen add scope commands")
	}
	if len(f.Shortcuts) > 0 && !hasCommands {
		l.add(Error, "/features/shortcuts", "shortcuts need the bot scope \"commands\"", "add it: slackgen add scope commands")
	}
	if len(f.Shortcuts) > 0 && !l.m.InteractivityEnabled() {
		l.add(Error, "/features/shortcuts", "shortcuts need interactivity, but settings.interactivity.is_enabled is not true",
			"set settings.interactivity.is_enabled: true, with a request_url unless Socket Mode is on")
	}
	seen := map[string]int{}
	for i, c := range f.SlashCommands {
		if first, dup := seen[c.Command]; dup && c.Command != "" {
			l.add(Error, fmt.Sprintf("/features/slash_commands/%d/command", i), fmt.Sprintf("slash command %q is defined twice", c.Command),
				fmt.Sprintf("the first is features.slash_commands[%d]; remove one", first))
			continue
		}
		seen[c.Command] = i
	}
	ids := map[string]int{}
	for i, s := range f.Shortcuts {
		if first, dup := ids[s.CallbackID]; dup && s.CallbackID != "" {
			l.add(Error, fmt.Sprintf("/features/shortcuts/%d/callback_id", i), fmt.Sprintf("shortcut callback_id %q is used twice", s.CallbackID),
				fmt.Sprintf("the first is features.shortcuts[%d]; callback_ids route shortcuts, make them unique", first))
			continue
		}
		ids[s.CallbackID] = i
	}
}

// delivery checks that every kind of request has somewhere to go.
func (l *linter) delivery() {
	if l.m.SocketMode() {
		return
	}
	const hint = "set a request URL or enable settings.socket_mode_enabled"
	if es := l.m.Settings; es != nil && es.EventSubscriptions != nil {
		e := es.EventSubscriptions
		if e.RequestURL == "" && len(e.BotEvents)+len(e.UserEvents) > 0 {
			l.add(Error, "/settings/event_subscriptions", "events are subscribed but settings.event_subscriptions.request_url is not set and Socket Mode is off", hint)
		}
	}
	if l.m.InteractivityEnabled() && l.m.InteractivityRequestURL() == "" {
		l.add(Error, "/settings/interactivity", "interactivity is enabled but settings.interactivity.request_url is not set and Socket Mode is off", hint)
	}
	for i, c := range l.m.SlashCommands() {
		if c.URL == "" {
			l.add(Error, fmt.Sprintf("/features/slash_commands/%d", i), fmt.Sprintf("slash command %q has no url and Socket Mode is off", c.Command), "set its url or enable settings.socket_mode_enabled")
		}
	}
}

// requestURLs warns about request URLs Slack won't send requests to.
func (l *linter) requestURLs() {
	check := func(ptr, raw string) {
		u, err := url.Parse(raw)
		if raw == "" || err != nil || u.Scheme != "http" || isLoopback(u.Hostname()) {
			return
		}
		l.add(Warning, ptr, fmt.Sprintf("Slack only sends requests to https URLs, not %q", raw),
			"use https, or slackgen manifest export --base-url https://… for a tunnel")
	}
	for i, c := range l.m.SlashCommands() {
		check(fmt.Sprintf("/features/slash_commands/%d/url", i), c.URL)
	}
	if s := l.m.Settings; s != nil {
		if s.EventSubscriptions != nil {
			check("/settings/event_subscriptions/request_url", s.EventSubscriptions.RequestURL)
		}
		if s.Interactivity != nil {
			check("/settings/interactivity/request_url", s.Interactivity.RequestURL)
			check("/settings/interactivity/message_menu_options_url", s.Interactivity.MessageMenuOptionsURL)
		}
	}
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

func (l *linter) redirects() {
	urls := l.m.RedirectURLs()
	for i, raw := range urls {
		ptr := "/oauth_config/redirect_urls/" + strconv.Itoa(i)
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			l.add(Error, ptr, fmt.Sprintf("redirect URL %q is not an absolute URL", raw), "e.g. https://example.com/slack/oauth_redirect")
			continue
		}
		if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
			l.add(Error, ptr, fmt.Sprintf("redirect URL %q is not https", raw), "Slack only redirects to https URLs; http is fine for localhost and 127.0.0.1")
		}
	}
	if len(urls) == 0 {
		return
	}
	events := l.m.BotEvents()
	for _, ev := range []string{"app_uninstalled", "tokens_revoked"} {
		if !slices.Contains(events, ev) {
			l.add(Warning, "/settings/event_subscriptions/bot_events", fmt.Sprintf("the app is distributed with OAuth (redirect_urls) but doesn't subscribe to %q", ev),
				"slackgen's runtime deletes installations on app_uninstalled and tokens_revoked: slackgen add event "+ev)
		}
	}
}

func (l *linter) oneWaySwitches() {
	if s := l.m.Settings; s != nil && isTrue(s.TokenRotationEnabled) {
		l.add(Warning, "/settings/token_rotation_enabled", "token rotation is a one-way switch: once enabled for the app it can't be turned off",
			"tokens then expire every 12 hours; the runtime refreshes them")
	}
	if o := l.m.OAuthConfig; o != nil && isTrue(o.PKCEEnabled) {
		l.add(Warning, "/oauth_config/pkce_enabled", "PKCE is a one-way switch: once enabled for the app it can't be turned off", "")
	}
}

func (l *linter) ignored() {
	m := l.m
	sections := []struct {
		ptr     string
		present bool
	}{
		{"/functions", m.Functions != nil},
		{"/workflows", m.Workflows != nil},
		{"/datastores", m.Datastores != nil},
		{"/types", m.Types != nil},
		{"/outgoing_domains", m.OutgoingDomains != nil},
		{"/external_auth_providers", m.ExternalAuthProviders != nil},
		{"/mcp_servers", m.MCPServers != nil},
		{"/features/functions", m.Features != nil && m.Features.Functions != nil},
	}
	for _, s := range sections {
		if s.present {
			l.add(Warning, s.ptr, fmt.Sprintf("slackgen ignores %s: it is for Slack-hosted apps", displayPath(s.ptr)), "it is kept as is")
		}
	}
}
