package slacktest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// manifestModel is the part of a Slack app manifest the emulator turns
// into an AppConfig for apps.manifest.create and update.
type manifestModel struct {
	DisplayInformation struct {
		Name string `json:"name"`
	} `json:"display_information"`
	Features struct {
		SlashCommands []struct {
			Command string `json:"command"`
			URL     string `json:"url"`
		} `json:"slash_commands"`
	} `json:"features"`
	OAuthConfig struct {
		RedirectURLs []string `json:"redirect_urls"`
		Scopes       struct {
			Bot          []string `json:"bot"`
			User         []string `json:"user"`
			BotOptional  []string `json:"bot_optional"`
			UserOptional []string `json:"user_optional"`
		} `json:"scopes"`
	} `json:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			RequestURL string   `json:"request_url"`
			BotEvents  []string `json:"bot_events"`
		} `json:"event_subscriptions"`
		Interactivity struct {
			RequestURL            string `json:"request_url"`
			MessageMenuOptionsURL string `json:"message_menu_options_url"`
		} `json:"interactivity"`
		TokenRotationEnabled bool `json:"token_rotation_enabled"`
		SocketModeEnabled    bool `json:"socket_mode_enabled"`
	} `json:"settings"`
}

// AppConfigFromManifest builds an AppConfig from a JSON app manifest (the
// fields the emulator uses: name, scopes (required and optional), redirect
// URLs, request URLs, bot events, token rotation, Socket Mode). Credentials
// are left empty.
func AppConfigFromManifest(manifestJSON []byte) (AppConfig, error) {
	var m manifestModel
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return AppConfig{}, fmt.Errorf("slacktest: manifest is not a JSON app manifest: %w", err)
	}
	cfg := AppConfig{
		Name:             m.DisplayInformation.Name,
		BotScopes:        append(m.OAuthConfig.Scopes.Bot, m.OAuthConfig.Scopes.BotOptional...),
		UserScopes:       append(m.OAuthConfig.Scopes.User, m.OAuthConfig.Scopes.UserOptional...),
		RedirectURLs:     m.OAuthConfig.RedirectURLs,
		EventsURL:        m.Settings.EventSubscriptions.RequestURL,
		BotEvents:        m.Settings.EventSubscriptions.BotEvents,
		InteractivityURL: m.Settings.Interactivity.RequestURL,
		OptionsURL:       m.Settings.Interactivity.MessageMenuOptionsURL,
		TokenRotation:    m.Settings.TokenRotationEnabled,
		SocketMode:       m.Settings.SocketModeEnabled,
	}
	if len(m.Features.SlashCommands) > 0 {
		cfg.CommandURLs = map[string]string{}
		for _, c := range m.Features.SlashCommands {
			cfg.CommandURLs[c.Command] = c.URL
		}
	}
	cfg.RequestURL = firstNonEmpty(cfg.EventsURL, cfg.InteractivityURL)
	return cfg, nil
}

// validateManifest runs the configured validator, or the minimal check.
func (s *Server) validateManifest(r *apiRequest) ([]byte, result, bool) {
	raw := []byte(r.get("manifest"))
	var obj map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &obj) != nil {
		return nil, fail("invalid_manifest"), false
	}
	var problems []ManifestError
	if s.opts.validator != nil {
		var err error
		if problems, err = s.opts.validator(raw); err != nil {
			return nil, fail("internal_error"), false
		}
	} else {
		di, _ := obj["display_information"].(map[string]any)
		if name, _ := di["name"].(string); name == "" {
			problems = append(problems, ManifestError{Message: "display_information.name is required", Pointer: "/display_information/name"})
		}
	}
	if len(problems) > 0 {
		return nil, result{err: "invalid_manifest", extra: map[string]any{"errors": problems}}, false
	}
	return raw, result{}, true
}

// manifestValidate checks a manifest.
func (s *Server) manifestValidate(r *apiRequest, _ *token) result {
	if id := r.get("app_id"); id != "" && s.appByID(id) == nil {
		return fail("app_not_found")
	}
	if _, res, valid := s.validateManifest(r); !valid {
		return res
	}
	return ok(nil)
}

// manifestCreate registers a new app from a manifest.
func (s *Server) manifestCreate(r *apiRequest, _ *token) result {
	raw, res, valid := s.validateManifest(r)
	if !valid {
		return res
	}
	cfg, err := AppConfigFromManifest(raw)
	if err != nil {
		return fail("invalid_manifest")
	}
	a, err := s.register(cfg)
	if err != nil {
		return fail("internal_error")
	}
	a.manifest = raw
	q := url.Values{"client_id": {a.cfg.ClientID}}
	if len(a.cfg.BotScopes) > 0 {
		q.Set("scope", strings.Join(a.cfg.BotScopes, ","))
	}
	if len(a.cfg.UserScopes) > 0 {
		q.Set("user_scope", strings.Join(a.cfg.UserScopes, ","))
	}
	return ok(map[string]any{
		"app_id": a.cfg.AppID,
		"credentials": map[string]any{
			"client_id":          a.cfg.ClientID,
			"client_secret":      a.cfg.ClientSecret,
			"verification_token": s.rnd.alnum(24),
			"signing_secret":     a.cfg.SigningSecret,
		},
		"oauth_authorize_url": s.url + "/oauth/v2/authorize?" + q.Encode(),
	})
}

// manifestUpdate replaces an app's settings from a manifest.
func (s *Server) manifestUpdate(r *apiRequest, _ *token) result {
	a := s.appByID(r.get("app_id"))
	if a == nil {
		return fail("app_not_found")
	}
	raw, res, valid := s.validateManifest(r)
	if !valid {
		return res
	}
	cfg, err := AppConfigFromManifest(raw)
	if err != nil {
		return fail("invalid_manifest")
	}
	before := a.cfg
	s.updateApp(a, cfg)
	a.manifest = raw
	changed := fmt.Sprint(before.BotScopes, before.UserScopes) != fmt.Sprint(a.cfg.BotScopes, a.cfg.UserScopes)
	return ok(map[string]any{"app_id": a.cfg.AppID, "permissions_updated": changed})
}

// manifestExport returns the last manifest given to create or update.
func (s *Server) manifestExport(r *apiRequest, _ *token) result {
	a := s.appByID(r.get("app_id"))
	if a == nil {
		return fail("app_not_found")
	}
	if a.manifest == nil {
		return fail("invalid_app")
	}
	return ok(map[string]any{"manifest": json.RawMessage(a.manifest)})
}
