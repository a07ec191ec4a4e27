package slackapp

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Defaults used when a Config field is left zero.
const (
	DefaultPort         = 3000
	DefaultSlackURL     = "https://slack.com"
	DefaultPath         = "/slack/events"
	DefaultInstallPath  = "/slack/install"
	DefaultRedirectPath = "/slack/oauth_redirect"
	DefaultDatabaseURL  = "./data/slackapp.db"
	DefaultAckDeadline  = 2500 * time.Millisecond
	DefaultWorkers      = 16
	DefaultQueueSize    = 256
	DefaultDedupeTTL    = 10 * time.Minute
	DefaultDedupeSize   = 10000
	DefaultAuthCacheTTL = 30 * time.Second
	DefaultShutdownWait = 25 * time.Second
)

// Environment variables read by ConfigFromEnv.
const (
	EnvSigningSecret      = "SLACK_SIGNING_SECRET"
	EnvClientID           = "SLACK_CLIENT_ID"
	EnvClientSecret       = "SLACK_CLIENT_SECRET"
	EnvStateSecret        = "SLACK_STATE_SECRET"
	EnvBotToken           = "SLACK_BOT_TOKEN"
	EnvAppToken           = "SLACK_APP_TOKEN"
	EnvTokenEncryptionKey = "SLACK_TOKEN_ENCRYPTION_KEY"
	EnvDatabaseURL        = "DATABASE_URL"
	EnvRedisURL           = "REDIS_URL"
	EnvPort               = "PORT"
	EnvHost               = "HOST"
	EnvRefreshBefore      = "SLACK_TOKEN_REFRESH_BEFORE"
	EnvSlackURL           = "SLACK_URL"
	EnvDedupeSize         = "SLACK_DEDUPE_SIZE"
	EnvLogLevel           = "LOG_LEVEL" // read by generated main functions, for NewLogger
)

// Config holds everything an App needs. ConfigFromEnv fills the settings
// that come from the environment; generated code then fills the settings
// derived from the app manifest (scopes, paths, token rotation, Socket Mode).
//
// Which settings are required depends on the mode, and New checks them all
// at once, naming every missing variable:
//
//   - HTTP (not SocketMode): SLACK_SIGNING_SECRET.
//   - Single workspace (SLACK_BOT_TOKEN set): nothing else.
//   - OAuth distribution (no SLACK_BOT_TOKEN): SLACK_CLIENT_ID,
//     SLACK_CLIENT_SECRET, and SLACK_STATE_SECRET unless a state store is
//     given with WithStateStore.
//   - Socket Mode (SocketMode true): SLACK_APP_TOKEN.
type Config struct {
	// SigningSecrets verify HTTP requests. Several are accepted during a
	// secret rotation (SLACK_SIGNING_SECRET, comma-separated).
	SigningSecrets []string
	// ClientID and ClientSecret identify the app in the OAuth flow.
	ClientID     string
	ClientSecret string
	// StateSecret signs the stateless OAuth state (at least 32 bytes).
	StateSecret string
	// BotToken selects single-workspace mode: every request is authorized
	// with this token and no installation store is needed.
	BotToken string
	// AppToken (xapp-…) opens Socket Mode connections.
	AppToken string
	// TokenEncryptionKey encrypts stored tokens at rest (base64 keys,
	// comma-separated, first is current). The app does not use it itself;
	// generated code hands it to the installation store.
	TokenEncryptionKey string
	// DatabaseURL is a SQLite path or a postgres:// URL for the stores.
	DatabaseURL string
	// RedisURL, when set, is used by generated code for the state store.
	RedisURL string
	// Port the HTTP server listens on.
	Port int
	// Host is the address the HTTP server binds to (HOST); empty means
	// every interface, as a container needs. Set 127.0.0.1 to accept
	// only local connections (the emulator, a tunnel on the same host).
	Host string
	// SlackURL is the base of the Web API (<SlackURL>/api/) and of the
	// authorize page. Point it at the emulator in development.
	SlackURL string

	// Manifest-derived settings, filled by generated code.

	// AppName is the manifest's display name, shown on the install page
	// and on the install result pages.
	AppName string
	// SocketMode runs the app over a Socket Mode connection instead of HTTP.
	SocketMode bool
	// BotScopes and UserScopes are requested during installation.
	BotScopes  []string
	UserScopes []string
	// InstallPath serves the "Add to Slack" page (default /slack/install).
	InstallPath string
	// RedirectPath is the OAuth redirect (default /slack/oauth_redirect, or
	// the path of RedirectURL).
	RedirectPath string
	// RedirectURL is the manifest's absolute redirect URL, sent as
	// redirect_uri. When empty, Slack uses the app's only redirect URL.
	RedirectURL string
	// TokenRotation is true when the manifest enables token rotation.
	TokenRotation bool
	// InstallURL is the absolute URL of the install page, shown to users
	// when the app is not installed. When empty, it is derived from the
	// request's host (HTTP) or left out (Socket Mode).
	InstallURL string

	// Tuning; zero means the default.

	// AckDeadline is how long a command, view submission or options
	// handler may run before the app acks Slack without its answer
	// (default 2.5 s; Slack waits 3 s).
	AckDeadline time.Duration
	// Workers bounds the number of event handlers (and post-ack
	// interaction handlers) running at once; QueueSize bounds how many
	// more may wait. Beyond that, events are refused with 503 so that Slack
	// retries them later.
	Workers   int
	QueueSize int
	// DedupeTTL is how long an event_id is remembered to drop retries;
	// DedupeSize (SLACK_DEDUPE_SIZE) bounds how many are remembered, about
	// 30 bytes each (at most 2²⁸). At R events a second the window covers
	// DedupeSize/R seconds, and Slack retries a delivery it saw fail after
	// about 1 and 5 minutes: above DedupeSize/300 events a second (33 with
	// the default), raise it. The app warns (at most every 10 minutes) when
	// it forgets ids before DedupeTTL.
	DedupeTTL  time.Duration
	DedupeSize int
	// AuthCacheTTL is how long an authorization is cached (default 30 s;
	// negative disables the cache). Each expires somewhere in the last
	// tenth of it, fixed by its workspace, so that workspaces cached
	// together are not all looked up again at once.
	AuthCacheTTL time.Duration
	// ShutdownTimeout bounds the graceful shutdown of Run (default 25 s).
	ShutdownTimeout time.Duration
	// TokenRefreshBefore is how long before expiry rotating tokens are
	// refreshed (SLACK_TOKEN_REFRESH_BEFORE, a Go duration such as "2h";
	// default oauth.DefaultRefreshBefore). It must be shorter than the
	// tokens' lifetime (12 hours at Slack).
	TokenRefreshBefore time.Duration
}

// ConfigFromEnv reads the configuration from the process environment.
func ConfigFromEnv() (*Config, error) {
	return ConfigFromLookup(os.LookupEnv)
}

// ConfigFromLookup reads the configuration through lookup, which has the
// signature of os.LookupEnv. It fails only on malformed values (such as a
// PORT that is not a number); missing required settings are reported by
// New, which knows the mode.
func ConfigFromLookup(lookup func(string) (string, bool)) (*Config, error) {
	get := func(k string) string {
		v, _ := lookup(k)
		return strings.TrimSpace(v)
	}
	c := &Config{
		ClientID:           get(EnvClientID),
		ClientSecret:       get(EnvClientSecret),
		StateSecret:        get(EnvStateSecret),
		BotToken:           get(EnvBotToken),
		AppToken:           get(EnvAppToken),
		TokenEncryptionKey: get(EnvTokenEncryptionKey),
		DatabaseURL:        get(EnvDatabaseURL),
		RedisURL:           get(EnvRedisURL),
		SlackURL:           get(EnvSlackURL),
		Host:               get(EnvHost),
	}
	for _, s := range strings.Split(get(EnvSigningSecret), ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.SigningSecrets = append(c.SigningSecrets, s)
		}
	}
	if p := get(EnvPort); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("slackapp: %s=%q is not a port number; set it to a number such as 3000", EnvPort, p)
		}
		c.Port = n
	}
	if n := get(EnvDedupeSize); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v <= 0 || v > maxDedupeSize {
			return nil, fmt.Errorf("slackapp: %s=%q is not a number of event ids from 1 to %d; set it like 100000", EnvDedupeSize, n, maxDedupeSize)
		}
		c.DedupeSize = v
	}
	if d := get(EnvRefreshBefore); d != "" {
		v, err := time.ParseDuration(d)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("slackapp: %s=%q is not a positive duration; set it like 2h or 90m", EnvRefreshBefore, d)
		}
		c.TokenRefreshBefore = v
	}
	c.applyDefaults()
	return c, nil
}

// applyDefaults fills zero fields with their defaults.
func (c *Config) applyDefaults() {
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.SlackURL == "" {
		c.SlackURL = DefaultSlackURL
	}
	c.SlackURL = strings.TrimRight(c.SlackURL, "/")
	if c.DatabaseURL == "" {
		c.DatabaseURL = DefaultDatabaseURL
	}
	if c.InstallPath == "" {
		c.InstallPath = DefaultInstallPath
	}
	if c.RedirectPath == "" {
		c.RedirectPath = DefaultRedirectPath
		if u, err := url.Parse(c.RedirectURL); err == nil && c.RedirectURL != "" && u.Path != "" {
			c.RedirectPath = u.Path
		}
	}
	if c.AckDeadline <= 0 {
		c.AckDeadline = DefaultAckDeadline
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.QueueSize < 0 {
		c.QueueSize = 0
	} else if c.QueueSize == 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.DedupeTTL <= 0 {
		c.DedupeTTL = DefaultDedupeTTL
	}
	if c.DedupeSize <= 0 {
		c.DedupeSize = DefaultDedupeSize
	}
	if c.AuthCacheTTL == 0 {
		c.AuthCacheTTL = DefaultAuthCacheTTL
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = DefaultShutdownWait
	}
}

// SingleWorkspace reports whether the app runs with one bot token
// (SLACK_BOT_TOKEN) instead of OAuth installations.
func (c *Config) SingleWorkspace() bool { return c.BotToken != "" }

// APIURL is the Web API base, <SlackURL>/api/, as slack.OptionAPIURL wants it.
func (c *Config) APIURL() string {
	u := c.SlackURL
	if u == "" {
		u = DefaultSlackURL
	}
	return strings.TrimRight(u, "/") + "/api/"
}

// MissingConfigError lists every required environment variable that is
// not set for the app's mode.
type MissingConfigError struct {
	Vars []string
}

func (e *MissingConfigError) Error() string {
	return "slackapp: missing required configuration: " + strings.Join(e.Vars, ", ") +
		"; set these environment variables (see .env.example) and start again"
}

// validate reports every setting the mode requires but lacks.
func (c *Config) validate(haveStateStore bool) error {
	var missing []string
	if !c.SocketMode && len(c.SigningSecrets) == 0 {
		missing = append(missing, EnvSigningSecret)
	}
	if !c.SingleWorkspace() {
		if c.ClientID == "" {
			missing = append(missing, EnvClientID)
		}
		if c.ClientSecret == "" {
			missing = append(missing, EnvClientSecret)
		}
		if c.StateSecret == "" && !haveStateStore {
			missing = append(missing, EnvStateSecret)
		}
	}
	if c.SocketMode && c.AppToken == "" {
		missing = append(missing, EnvAppToken)
	}
	if len(missing) > 0 {
		return &MissingConfigError{Vars: missing}
	}
	if c.SocketMode && !strings.HasPrefix(c.AppToken, "xapp-") {
		return errors.New("slackapp: " + EnvAppToken + " must be an app-level token starting with xapp- (App settings → Basic Information → App-Level Tokens, scope connections:write)")
	}
	return nil
}
