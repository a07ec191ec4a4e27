package cli

import (
	"net/url"
	"slices"

	"github.com/slackgen/slackgen/manifest"
)

// Events the runtime needs with OAuth distribution, to delete the
// installations of workspaces that remove the app.
var uninstallEvents = []string{"app_uninstalled", "tokens_revoked"}

// buildManifest turns the answers into a Slack app manifest, adding what the
// answers imply: the commands scope for slash commands, each event's scope,
// the uninstall events and a redirect URL for OAuth distribution, request
// URLs for HTTP mode and socket_mode_enabled for Socket Mode. It also
// returns the scopes it added that nobody asked for, so init can say so.
func buildManifest(a *initAnswers, cat catalogue) (m *manifest.Manifest, added []string) {
	m = &manifest.Manifest{
		Metadata:           &manifest.Metadata{MajorVersion: 1, MinorVersion: 1},
		DisplayInformation: manifest.DisplayInformation{Name: a.Name, Description: a.Description},
		Features:           &manifest.Features{},
		OAuthConfig:        &manifest.OAuthConfig{},
		Settings: &manifest.Settings{
			OrgDeployEnabled:     manifest.Bool(false),
			SocketModeEnabled:    manifest.Bool(false),
			TokenRotationEnabled: manifest.Bool(false),
		},
	}
	socket := a.Mode == modeSocket
	if socket {
		m.Settings.SocketModeEnabled = manifest.Bool(true)
	}

	redirects := slices.Clone(a.RedirectURLs)
	if a.Distribution == distOAuth && len(redirects) == 0 {
		redirects = []string{defaultRedirectURL}
	}
	if a.Distribution == distOAuth {
		m.OAuthConfig.RedirectURLs = redirects
	}
	requestURL := ""
	if !socket {
		requestURL = requestURLFor(redirects)
	}

	for _, c := range a.Commands {
		m.Features.SlashCommands = append(m.Features.SlashCommands, manifest.SlashCommand{
			Command:      c.Name,
			URL:          requestURL,
			Description:  c.Description,
			UsageHint:    c.UsageHint,
			ShouldEscape: manifest.Bool(false),
		})
	}
	for _, s := range a.Shortcuts {
		m.Features.Shortcuts = append(m.Features.Shortcuts, manifest.Shortcut{
			Name:        s.Name,
			Type:        s.Type,
			CallbackID:  s.CallbackID,
			Description: s.Name,
		})
	}

	events := appendNew(nil, a.Events...)
	if a.Distribution == distOAuth {
		events = appendNew(events, uninstallEvents...)
	}
	if len(events) > 0 {
		m.Settings.EventSubscriptions = &manifest.EventSubscriptions{RequestURL: requestURL, BotEvents: events}
	}
	if a.Interactivity || len(a.Shortcuts) > 0 {
		m.Settings.Interactivity = &manifest.Interactivity{IsEnabled: true, RequestURL: requestURL}
		// Over HTTP, Slack loads the options of external selects from
		// their own URL; the runtime serves them with the rest.
		if len(a.Options) > 0 {
			m.Settings.Interactivity.MessageMenuOptionsURL = requestURL
		}
	}

	bot := appendNew(nil, a.BotScopes...)
	for _, s := range impliedBotScopes(a, cat, nil) {
		if !slices.Contains(bot, s) {
			bot = append(bot, s)
			added = append(added, s)
		}
	}
	// A bot user is what bot scopes, commands and events act through.
	if len(bot) > 0 || len(a.Commands) > 0 || len(events) > 0 {
		m.Features.BotUser = &manifest.BotUser{DisplayName: botDisplayName(a.Name), AlwaysOnline: manifest.Bool(false)}
	}
	m.OAuthConfig.Scopes = &manifest.Scopes{Bot: bot, User: appendNew(nil, a.UserScopes...)}
	return m, added
}

// impliedBotScopes returns base followed by the bot scopes that a's commands,
// shortcuts and events need and base lacks. For an event that any of several scopes
// allows, the first in the catalogue is picked unless one is already chosen.
func impliedBotScopes(a *initAnswers, cat catalogue, base []string) []string {
	out := appendNew(nil, base...)
	chosen := func(s string) bool { return slices.Contains(out, s) || slices.Contains(a.BotScopes, s) }
	// Slack requires the commands scope for shortcuts as well.
	if (len(a.Commands) > 0 || len(a.Shortcuts) > 0) && !chosen("commands") {
		out = append(out, "commands")
	}
	for _, ev := range a.Events {
		anyOf := cat.eventScopes[ev]
		if len(anyOf) == 0 || slices.ContainsFunc(anyOf, chosen) {
			continue
		}
		out = append(out, anyOf[0])
	}
	return out
}

// requestURLFor returns the Events API / commands / interactivity URL: the
// scheme and host of the first redirect URL with the path /slack/events, or
// https://example.com/slack/events.
func requestURLFor(redirects []string) string {
	if len(redirects) > 0 {
		if u, err := url.Parse(redirects[0]); err == nil && u.Scheme != "" && u.Host != "" {
			return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/slack/events"}).String()
		}
	}
	return defaultRequestURL
}

// botDisplayName fits the app name into the bot user's 80 characters.
func botDisplayName(name string) string {
	if r := []rune(name); len(r) > 80 {
		return string(r[:80])
	}
	return name
}

// appendNew appends the items of add not yet in list, keeping order.
func appendNew(list []string, add ...string) []string {
	for _, s := range add {
		if s != "" && !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}
