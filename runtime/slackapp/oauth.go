package slackapp

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/slackgen/slackgen/runtime/oauth"
	"github.com/slackgen/slackgen/runtime/statestore"
)

// RotationInterval is how often Run refreshes tracked rotating tokens in
// the background (Config.TokenRotation), for apps that only send.
const RotationInterval = 5 * time.Minute

// WithOAuthConfig lets the app adjust the OAuth flow's configuration before
// the flow is built: hooks (BeforeInstall, AfterInstall), custom pages, the
// app name, Sign in with Slack (LoginRedirectURL and OnLogin). The fields
// slackapp fills from Config (credentials, scopes, stores, URLs) are set
// before edit runs.
func WithOAuthConfig(edit func(*oauth.Config)) Option {
	return func(a *App) { a.oauthEdits = append(a.oauthEdits, edit) }
}

// OAuth returns the app's OAuth flow, or nil in single-workspace mode.
func (a *App) OAuth() *oauth.Flow { return a.flow }

// setupOAuth builds the OAuth flow of a distributed app, mounts its
// handlers, and makes it the token source (so rotating tokens are refreshed
// on the request path).
func (a *App) setupOAuth() error {
	if a.cfg.SingleWorkspace() || a.store == nil {
		return nil
	}
	states := a.states
	if states == nil {
		s, err := statestore.NewSigned([]byte(a.cfg.StateSecret))
		if err != nil {
			return fmt.Errorf("slackapp: %s: %w", EnvStateSecret, err)
		}
		states = s
	}
	oc := oauth.Config{
		AppName:       a.cfg.AppName,
		RefreshBefore: a.cfg.TokenRefreshBefore,
		ClientID:      a.cfg.ClientID,
		ClientSecret:  a.cfg.ClientSecret,
		Scopes:        a.cfg.BotScopes,
		UserScopes:    a.cfg.UserScopes,
		RedirectURL:   a.cfg.RedirectURL,
		SlackURL:      a.cfg.SlackURL,
		Installations: a.store,
		States:        states,
		InstallPath:   a.cfg.InstallPath,
		HTTPClient:    a.client,
		Logger:        a.log,
	}
	for _, e := range a.oauthEdits {
		e(&oc)
	}
	flow, err := oauth.New(oc)
	if err != nil {
		return fmt.Errorf("slackapp: setting up OAuth: %w", err)
	}
	a.flow = flow
	if a.tokens == nil {
		a.tokens = flow
	}
	a.mounts = append(a.mounts,
		mount{"GET " + a.cfg.InstallPath, flow.InstallHandler()},
		mount{"GET " + a.cfg.RedirectPath, flow.CallbackHandler()})
	if oc.OnLogin != nil {
		cb := oauth.DefaultLoginCallbackPath
		if u, err := url.Parse(oc.LoginRedirectURL); err == nil && u.Path != "" {
			cb = u.Path
		}
		a.mounts = append(a.mounts,
			mount{"GET " + oauth.DefaultLoginPath, flow.LoginHandler()},
			mount{"GET " + cb, flow.LoginCallbackHandler()})
	}
	return nil
}

// runRotation refreshes rotating tokens in the background until ctx is
// done, when the app enables token rotation.
func (a *App) runRotation(ctx context.Context) {
	if a.flow == nil || !a.cfg.TokenRotation {
		return
	}
	go func() { _ = a.flow.Rotator().Run(ctx, RotationInterval) }()
}
