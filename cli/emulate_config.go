package cli

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/slackgen/slackgen/manifest"
	"github.com/slackgen/slackgen/runtime/slacktest"
)

// defaultRequestPath is where a generated app serves Slack's requests when
// the manifest names no URL (Bolt's convention).
const defaultRequestPath = "/slack/events"

// emulatorConfig turns a manifest into the emulated app's configuration,
// with the hosts of its redirect and request URLs replaced by appURL's (a
// manifest names the public URL; the emulator talks to the local app).
// Requests without a URL (Socket Mode) go to appURL + /slack/events.
func emulatorConfig(m *manifest.Manifest, appURL string) (slacktest.AppConfig, error) {
	base, err := url.Parse(appURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return slacktest.AppConfig{}, usageError("--app-url %q must be an http(s) URL like http://127.0.0.1:3000", appURL)
	}
	rewrite := func(raw string) (string, error) {
		if raw == "" {
			return joinURL(base, defaultRequestPath), nil
		}
		u, err := url.Parse(raw)
		if err != nil {
			return "", fmt.Errorf("manifest URL %q: %w", raw, err)
		}
		out := *base
		out.Path = strings.TrimSuffix(base.Path, "/") + u.Path
		out.RawQuery = u.RawQuery
		return out.String(), nil
	}
	cfg := slacktest.AppConfig{
		Name:          m.DisplayInformation.Name,
		BotScopes:     m.BotScopes(),
		UserScopes:    m.UserScopes(),
		BotEvents:     m.BotEvents(),
		TokenRotation: m.TokenRotation(),
		SocketMode:    m.SocketMode(),
		RequestURL:    joinURL(base, defaultRequestPath),
	}
	for _, r := range m.RedirectURLs() {
		u, err := rewrite(r)
		if err != nil {
			return cfg, err
		}
		cfg.RedirectURLs = append(cfg.RedirectURLs, u)
	}
	if cmds := m.SlashCommands(); len(cmds) > 0 {
		cfg.CommandURLs = map[string]string{}
		for _, c := range cmds {
			if cfg.CommandURLs[c.Command], err = rewrite(c.URL); err != nil {
				return cfg, err
			}
		}
	}
	if cfg.EventsURL, err = rewrite(m.EventsRequestURL()); err != nil {
		return cfg, err
	}
	if cfg.InteractivityURL, err = rewrite(m.InteractivityRequestURL()); err != nil {
		return cfg, err
	}
	if m.Settings != nil && m.Settings.Interactivity != nil && m.Settings.Interactivity.MessageMenuOptionsURL != "" {
		if cfg.OptionsURL, err = rewrite(m.Settings.Interactivity.MessageMenuOptionsURL); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

func joinURL(base *url.URL, path string) string {
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + path
	u.RawQuery = ""
	return u.String()
}

// manifestValidator validates apps.manifest.* manifests with slackgen's
// own rules: errors only (warnings do not make Slack refuse a manifest).
func manifestValidator(data []byte) ([]slacktest.ManifestError, error) {
	_, ds := manifest.Check("manifest.json", data)
	var out []slacktest.ManifestError
	for _, d := range ds.Errors() {
		msg := d.Message
		if d.Hint != "" {
			msg += " (" + d.Hint + ")"
		}
		out = append(out, slacktest.ManifestError{Message: msg, Pointer: d.Pointer})
	}
	return out, nil
}
