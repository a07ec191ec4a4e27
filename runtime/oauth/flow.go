package oauth

import (
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/statestore"
)

// Conventional paths of the handlers. The app's mux decides where they are
// mounted; the redirect URLs in Config must point at the callbacks.
const (
	DefaultInstallPath       = "/slack/install"
	DefaultRedirectPath      = "/slack/oauth_redirect"
	DefaultLoginPath         = "/slack/login"
	DefaultLoginCallbackPath = "/slack/login/callback"
)

// DefaultSlackURL is the base URL of Slack: the Web API is served under
// <SlackURL>/api/, the authorize page at <SlackURL>/oauth/v2/authorize.
const DefaultSlackURL = "https://slack.com"

// DefaultRefreshBefore is how long before expiry rotating tokens are
// refreshed.
const DefaultRefreshBefore = 120 * time.Minute

// Config configures a [Flow]. ClientID, ClientSecret, Installations and
// States are required.
type Config struct {
	// ClientID and ClientSecret are the app's credentials (SLACK_CLIENT_ID,
	// SLACK_CLIENT_SECRET).
	ClientID     string
	ClientSecret string

	// Scopes are the bot scopes, UserScopes the user scopes requested at
	// install.
	Scopes     []string
	UserScopes []string

	// RedirectURL is the absolute URL of CallbackHandler as registered in
	// the app's manifest (e.g. https://example.com/slack/oauth_redirect).
	// When empty, redirect_uri is omitted and Slack uses the app's only
	// redirect URL.
	RedirectURL string

	// SlackURL is Slack's base URL (SLACK_URL); DefaultSlackURL when empty.
	// Point it at the slacktest emulator, or at GovSlack.
	SlackURL string

	// ClientURL is the base of the browser link on the success page
	// (<ClientURL><team id>); "https://app.slack.com/client/" when empty.
	ClientURL string

	// AppName is shown on the default install and result pages.
	AppName string

	// Installations stores the installations (required).
	Installations installstore.Store
	// States issues and consumes OAuth states (required).
	States statestore.Store

	// DirectInstall makes InstallHandler redirect straight to Slack instead
	// of rendering the "Add to Slack" page.
	DirectInstall bool
	// InstallPage replaces the default "Add to Slack" page. It is executed
	// with an [InstallPage] value.
	InstallPage *template.Template
	// InstallPath is where InstallHandler is mounted; the failure page links
	// to it to try again. DefaultInstallPath when empty.
	InstallPath string

	// BeforeInstall runs after the code exchange and before the installation
	// is saved. Returning an error aborts the install: a *Failure is
	// rendered as is, any other error as ReasonInstallAborted (403).
	BeforeInstall func(r *http.Request, inst *installstore.Installation) error
	// AfterInstall runs after the installation is saved. An error renders a
	// failure page (the installation stays saved): a *Failure as is, any
	// other error as ReasonAfterInstallFailed (500).
	AfterInstall func(r *http.Request, inst *installstore.Installation) error
	// RenderSuccess and RenderFailure replace the default result pages.
	// RenderFailure must write f.Status.
	RenderSuccess func(w http.ResponseWriter, r *http.Request, s *Success)
	RenderFailure func(w http.ResponseWriter, r *http.Request, f *Failure)

	// AllowInstallWithoutState accepts a callback that carries a code but no
	// state parameter, as Slack sends when an org admin installs the app
	// from the admin pages (there is no browser flow to bind). Callbacks
	// that carry a state are always checked. Every skipped check is logged.
	AllowInstallWithoutState bool

	// RefreshBefore is how long before expiry rotating tokens are refreshed;
	// DefaultRefreshBefore when zero.
	RefreshBefore time.Duration

	// LoginRedirectURL is the absolute URL of LoginCallbackHandler, required
	// for Sign in with Slack together with OnLogin.
	LoginRedirectURL string
	// LoginScopes are the OpenID scopes; "openid profile email" when empty.
	LoginScopes []string
	// OnLogin receives the identity of a user who signed in with Slack and
	// writes the response (typically: start a session, redirect).
	OnLogin func(w http.ResponseWriter, r *http.Request, id *Identity)

	// HTTPClient calls Slack's Web API; a client with a 30s timeout when nil.
	HTTPClient *http.Client
	// Logger receives structured logs; slog.Default() when nil.
	Logger *slog.Logger
}

// Flow serves the install, callback and Sign in with Slack handlers and
// hands out fresh tokens. Create it with [New]; it is safe for concurrent
// use.
type Flow struct {
	cfg      Config
	slackURL string // no trailing slash
	apiURL   string // <slackURL>/api/
	log      *slog.Logger
	rotator  *Rotator
	now      func() time.Time
}

// New checks cfg and returns a Flow.
func New(cfg Config) (*Flow, error) {
	var missing []string
	if cfg.ClientID == "" {
		missing = append(missing, "ClientID (SLACK_CLIENT_ID)")
	}
	if cfg.ClientSecret == "" {
		missing = append(missing, "ClientSecret (SLACK_CLIENT_SECRET)")
	}
	if cfg.Installations == nil {
		missing = append(missing, "Installations")
	}
	if cfg.States == nil {
		missing = append(missing, "States")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("oauth: missing configuration: %s", strings.Join(missing, ", "))
	}
	if len(cfg.Scopes) == 0 && len(cfg.UserScopes) == 0 {
		return nil, errors.New("oauth: no scopes: set Config.Scopes (bot) or Config.UserScopes from the manifest's oauth_config.scopes")
	}
	for name, u := range map[string]string{"RedirectURL": cfg.RedirectURL, "LoginRedirectURL": cfg.LoginRedirectURL} {
		if u == "" {
			continue
		}
		if p, err := url.Parse(u); err != nil || !p.IsAbs() || p.Host == "" {
			return nil, fmt.Errorf("oauth: Config.%s %q is not an absolute URL: use the full URL registered in the manifest, e.g. https://example.com/slack/oauth_redirect", name, u)
		}
	}
	if (cfg.LoginRedirectURL == "") != (cfg.OnLogin == nil) {
		return nil, errors.New("oauth: Sign in with Slack needs both Config.LoginRedirectURL and Config.OnLogin")
	}
	slackURL, err := normalizeSlackURL(cfg.SlackURL)
	if err != nil {
		return nil, err
	}
	if cfg.ClientURL == "" {
		cfg.ClientURL = "https://app.slack.com/client/"
	}
	if cfg.InstallPath == "" {
		cfg.InstallPath = DefaultInstallPath
	}
	if cfg.RefreshBefore == 0 {
		cfg.RefreshBefore = DefaultRefreshBefore
	}
	if len(cfg.LoginScopes) == 0 {
		cfg.LoginScopes = []string{"openid", "profile", "email"}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.InstallPage == nil {
		cfg.InstallPage = pages.Lookup("install.html")
	}
	f := &Flow{
		cfg:      cfg,
		slackURL: slackURL,
		apiURL:   slackURL + "/api/",
		log:      cfg.Logger,
		now:      time.Now,
	}
	f.rotator, err = NewRotator(RotatorConfig{
		ClientID:      cfg.ClientID,
		ClientSecret:  cfg.ClientSecret,
		Installations: cfg.Installations,
		SlackURL:      slackURL,
		RefreshBefore: cfg.RefreshBefore,
		HTTPClient:    cfg.HTTPClient,
		Logger:        cfg.Logger,
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Rotator returns the flow's token rotator, e.g. to run the background
// refresher with [Rotator.Run].
func (f *Flow) Rotator() *Rotator { return f.rotator }

func normalizeSlackURL(s string) (string, error) {
	if s == "" {
		return DefaultSlackURL, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("oauth: Slack URL %q is not an http(s) base URL: set SLACK_URL to e.g. https://slack.com or the emulator's URL", s)
	}
	return strings.TrimRight(s, "/"), nil
}
