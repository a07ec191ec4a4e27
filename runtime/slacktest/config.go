package slacktest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"time"
)

// AppConfig describes an emulated Slack app: what api.slack.com would know
// about it from its manifest and settings. Empty credentials are generated
// by the server; read them back with Server.App.
type AppConfig struct {
	AppID         string // "A…"; generated when empty
	Name          string // display name; "App" when empty
	ClientID      string // generated when empty
	ClientSecret  string // generated when empty
	SigningSecret string // generated when empty

	BotScopes  []string // scopes the app may request for its bot token
	UserScopes []string // scopes the app may request for user tokens

	// RedirectURLs are the allowed OAuth redirect URLs. A redirect_uri is
	// accepted when it equals one of them or is below one of them (same
	// scheme and host, path prefix), as Slack does.
	RedirectURLs []string

	// RequestURL is where traffic goes when no more specific URL is set
	// (Bolt's /slack/events convention).
	RequestURL string
	// CommandURLs maps slash commands ("/hello") to their request URL. When
	// it is not empty, only these commands can be sent.
	CommandURLs map[string]string
	// EventsURL receives Events API traffic (RequestURL when empty).
	EventsURL string
	// BotEvents are the subscribed bot events. When not empty, SendEvent
	// refuses other event types (url_verification, app_uninstalled and
	// tokens_revoked are always delivered).
	BotEvents []string
	// InteractivityURL receives block actions, view submissions and
	// shortcuts (RequestURL when empty).
	InteractivityURL string
	// OptionsURL receives block_suggestion requests (InteractivityURL when
	// empty).
	OptionsURL string

	// TokenRotation makes oauth.v2.access return expiring access tokens
	// with single-use refresh tokens.
	TokenRotation bool

	// SocketMode delivers traffic over the app's Socket Mode connection
	// (apps.connections.open with the app-level token, see
	// Server.AppToken) instead of HTTP; request URLs are then unused.
	SocketMode bool
}

func (c AppConfig) eventsURL() string {
	return firstNonEmpty(c.EventsURL, c.RequestURL)
}

func (c AppConfig) interactivityURL() string {
	return firstNonEmpty(c.InteractivityURL, c.RequestURL)
}

func (c AppConfig) optionsURL() string {
	return firstNonEmpty(c.OptionsURL, c.InteractivityURL, c.RequestURL)
}

// commandURL returns where command is sent.
func (c AppConfig) commandURL(command string) (string, error) {
	if len(c.CommandURLs) > 0 {
		u, ok := c.CommandURLs[command]
		if !ok {
			return "", fmt.Errorf("slacktest: command %s is not one of the app's commands %v: add it to the manifest", command, sortedKeys(c.CommandURLs))
		}
		if u != "" {
			return u, nil
		}
	}
	if c.RequestURL == "" {
		return "", errors.New("slacktest: the app has no request URL for commands: set AppConfig.RequestURL or CommandURLs")
	}
	return c.RequestURL, nil
}

// allowsRedirect reports whether redirect is an allowed redirect_uri.
func (c AppConfig) allowsRedirect(redirect string) bool {
	r, err := url.Parse(redirect)
	if err != nil || r.Scheme == "" || r.Host == "" {
		return false
	}
	for _, allowed := range c.RedirectURLs {
		a, err := url.Parse(allowed)
		if err != nil {
			continue
		}
		if a.Scheme == r.Scheme && a.Host == r.Host && pathBelow(r.Path, a.Path) {
			return true
		}
	}
	return false
}

func pathBelow(p, base string) bool {
	if base == "" || base == "/" || p == base {
		return true
	}
	if base[len(base)-1] != '/' {
		base += "/"
	}
	return len(p) >= len(base) && p[:len(base)] == base
}

// Workspace is an emulated Slack workspace (team).
type Workspace struct {
	ID           string // "T…"
	Name         string
	Domain       string // subdomain; derived from Name when empty
	EnterpriseID string // the Enterprise Grid organization it belongs to, if any
	UserID       string // the user who installs apps and sends traffic; derived when empty
	UserName     string
}

// Enterprise is an emulated Enterprise Grid organization.
type Enterprise struct {
	ID     string // "E…"
	Name   string
	UserID string // the org admin who installs org-wide; derived when empty
}

// Option configures a Server.
type Option func(*options)

type options struct {
	addr          string
	seed          *uint64
	tokenLifetime time.Duration
	appTimeout    time.Duration
	triggerTTL    time.Duration
	validator     ManifestValidator
	workspaces    []Workspace
	enterprises   []Enterprise
	now           func() time.Time
	log           *slog.Logger
}

// WithAddr sets the listen address ("127.0.0.1:0", a random port, when not set).
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// WithSeed makes every generated credential and token deterministic
// (for golden tests and reproducible env files). Never use it for a
// server reachable by others.
func WithSeed(seed uint64) Option { return func(o *options) { o.seed = &seed } }

// WithTokenLifetime sets expires_in of rotating tokens (12 hours by default,
// as Slack). Use a short lifetime to make tokens expire in tests.
func WithTokenLifetime(d time.Duration) Option {
	return func(o *options) { o.tokenLifetime = d }
}

// WithTriggerLifetime sets how long a trigger_id can open a view (3
// seconds by default, as Slack); lengthen it on a slow test machine.
func WithTriggerLifetime(d time.Duration) Option { return func(o *options) { o.triggerTTL = d } }

// WithAppTimeout bounds each request the server sends to the app
// (10 seconds by default).
func WithAppTimeout(d time.Duration) Option { return func(o *options) { o.appTimeout = d } }

// WithWorkspaces replaces the default workspaces (T0001 Acme, T0002 Globex,
// T0003 Initech HQ) and enterprises (E0001 Initech).
func WithWorkspaces(ws []Workspace, es []Enterprise) Option {
	return func(o *options) {
		o.workspaces = slices.Clone(ws)
		o.enterprises = slices.Clone(es)
	}
}

// WithLogger logs every captured message and Web API call (method, team,
// result; never a token or secret) at Info level. The server logs nothing
// without it.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithClock sets the server's clock (time.Now by default); tests use it to
// expire tokens, codes, trigger ids and response URLs without sleeping.
// Request signatures always carry the real time, since the app checks them
// against its own clock.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// ManifestValidator validates a JSON app manifest for apps.manifest.validate,
// create and update. It returns the problems found (an empty slice for a
// valid manifest), or an error when it could not validate at all.
type ManifestValidator func(manifestJSON []byte) ([]ManifestError, error)

// ManifestError is one problem in a manifest, as apps.manifest.validate
// reports it.
type ManifestError struct {
	Message string `json:"message"`
	Pointer string `json:"pointer"` // JSON pointer, e.g. "/oauth_config/scopes/bot"
}

// WithManifestValidator sets the validator of apps.manifest.*. Without one,
// the server only checks that the manifest is a JSON object with
// display_information.name.
func WithManifestValidator(v ManifestValidator) Option {
	return func(o *options) { o.validator = v }
}

func defaultWorkspaces() ([]Workspace, []Enterprise) {
	return []Workspace{
			{ID: "T0001", Name: "Acme"},
			{ID: "T0002", Name: "Globex"},
			{ID: "T0003", Name: "Initech HQ", EnterpriseID: "E0001"},
		}, []Enterprise{
			{ID: "E0001", Name: "Initech"},
		}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
