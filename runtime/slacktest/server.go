package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running Slack emulator. Create it with New (or NewServer in a
// test) and stop it with Close. Its methods are safe for concurrent use.
type Server struct {
	opts   options
	ln     net.Listener
	srv    *http.Server
	url    string
	client *http.Client
	rnd    *randSource
	done   chan struct{}
	stop   sync.Once

	mu            sync.Mutex
	apps          []*app // the first is the primary app (the one traffic goes to)
	workspaces    map[string]*Workspace
	wsOrder       []string
	enterprises   map[string]*Enterprise
	tokens        map[string]*token
	refreshTokens map[string]*refreshToken
	codes         map[string]*grant
	triggers      map[string]*trigger
	responseURLs  map[string]*responseURL
	views         map[string]*view
	calls         []Call
	messages      []Message
	configToken   string
	stateSecret   string
	refreshes     int
	replays       int
	seq           int
	changed       chan struct{}
	oidc          *oidcKey
	socket        socketState
	closing       bool // no new Socket Mode connections
	lastEvent     *sentEvent
	faults        map[string]*fault

	// When the codes, trigger ids and response URLs are forgotten.
	codeExpiry        expiryQueue
	triggerExpiry     expiryQueue
	responseURLExpiry expiryQueue
}

type app struct {
	cfg       AppConfig
	botUserID string
	botID     string
	appToken  string // xapp-…: apps.connections.open
	manifest  []byte // the last manifest given to apps.manifest.create/update
}

// New starts an emulator for the app described by cfg. It listens on
// WithAddr's address (a random 127.0.0.1 port by default); URL tells where.
func New(cfg AppConfig, opts ...Option) (*Server, error) {
	o := options{
		addr:          "127.0.0.1:0",
		tokenLifetime: 12 * time.Hour,
		appTimeout:    10 * time.Second,
		triggerTTL:    3 * time.Second,
		now:           time.Now,
	}
	o.workspaces, o.enterprises = defaultWorkspaces()
	for _, opt := range opts {
		opt(&o)
	}
	if len(o.workspaces) == 0 {
		return nil, errors.New("slacktest: WithWorkspaces needs at least one workspace")
	}
	s := &Server{
		opts:          o,
		rnd:           newRandSource(o.seed),
		done:          make(chan struct{}),
		workspaces:    map[string]*Workspace{},
		enterprises:   map[string]*Enterprise{},
		tokens:        map[string]*token{},
		refreshTokens: map[string]*refreshToken{},
		codes:         map[string]*grant{},
		triggers:      map[string]*trigger{},
		responseURLs:  map[string]*responseURL{},
		views:         map[string]*view{},
		faults:        map[string]*fault{},
		changed:       make(chan struct{}),
		client:        &http.Client{Timeout: o.appTimeout},
		socket: socketState{
			tickets:   map[string]time.Time{},
			ticketApp: map[string]string{},
			conns:     map[*socketConn]struct{}{},
			pending:   map[string]chan json.RawMessage{},
		},
	}
	for _, e := range o.enterprises {
		s.addEnterprise(e)
	}
	for _, w := range o.workspaces {
		if err := s.addWorkspace(w); err != nil {
			return nil, err
		}
	}
	if _, err := s.register(cfg); err != nil {
		return nil, err
	}
	s.configToken = "xoxe.xoxp-1-" + s.rnd.alnum(64)
	s.stateSecret = s.rnd.hex(32)

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("slacktest: listen on %s: %w (choose another address with --addr / WithAddr)", o.addr, err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return s, nil
}

// NewServer starts an emulator for a test and closes it when the test ends.
// It fails the test when the server cannot start.
func NewServer(t testing.TB, cfg AppConfig, opts ...Option) *Server {
	t.Helper()
	s, err := New(cfg, opts...)
	if err != nil {
		t.Fatalf("slacktest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// URL is the emulator's base URL ("http://127.0.0.1:PORT"): an app's
// SLACK_URL.
func (s *Server) URL() string { return s.url }

// APIURL is the Web API base URL (URL()+"/api/"), for slack.OptionAPIURL.
func (s *Server) APIURL() string { return s.url + "/api/" }

// Close stops the server, waiting up to 5 seconds for requests in flight,
// and disconnects Socket Mode clients. Calling it again does nothing.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.Shutdown(ctx)
}

// Shutdown stops the server gracefully, like http.Server.Shutdown: it stops
// listening, waits for requests in flight until ctx is done (then closes
// them), and disconnects Socket Mode clients. Only the first call does
// anything.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.stop.Do(func() {
		if err = s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		<-s.done
		s.closeSockets()
		s.client.CloseIdleConnections()
	})
	return err
}

// App returns the primary app's configuration with its generated
// credentials filled in.
func (s *Server) App() AppConfig {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneConfig(s.apps[0].cfg)
}

// SetApp replaces the primary app's settings (scopes, URLs, rotation) while
// keeping its id and credentials when cfg leaves them empty. Issued tokens
// stay valid.
func (s *Server) SetApp(cfg AppConfig) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updateApp(s.apps[0], cfg)
}

// ConfigToken is an app configuration token accepted by apps.manifest.*.
func (s *Server) ConfigToken() string { return s.configToken }

// StateSecret is a random 32-byte hex secret an app can use as
// SLACK_STATE_SECRET; the emulator itself does not use it.
func (s *Server) StateSecret() string { return s.stateSecret }

// Env returns what an app needs to run against the emulator, as KEY=value
// pairs in a stable order: SLACK_URL, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET,
// SLACK_SIGNING_SECRET, SLACK_STATE_SECRET, SLACK_APP_ID, SLACK_APP_TOKEN
// (Socket Mode) and SLACK_CONFIG_TOKEN.
func (s *Server) Env() []string {
	a := s.App()
	return []string{
		"SLACK_URL=" + s.url,
		"SLACK_CLIENT_ID=" + a.ClientID,
		"SLACK_CLIENT_SECRET=" + a.ClientSecret,
		"SLACK_SIGNING_SECRET=" + a.SigningSecret,
		"SLACK_STATE_SECRET=" + s.stateSecret,
		"SLACK_APP_ID=" + a.AppID,
		"SLACK_APP_TOKEN=" + s.AppToken(),
		"SLACK_CONFIG_TOKEN=" + s.configToken,
	}
}

// Handler returns the emulator's routes (the server already serves them on
// URL). The URLs it hands out (response_url, Socket Mode, webhooks) point
// at URL, so mounting the handler elsewhere is only useful to call it
// directly, e.g. with httptest.NewRecorder.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/v2/authorize", s.handleAuthorize(flowOAuth))
	mux.HandleFunc("POST /oauth/v2/authorize", s.handleDecision(flowOAuth))
	mux.HandleFunc("GET /openid/connect/authorize", s.handleAuthorize(flowOpenID))
	mux.HandleFunc("POST /openid/connect/authorize", s.handleDecision(flowOpenID))
	mux.HandleFunc("GET /openid/connect/keys", s.handleJWKS)
	mux.HandleFunc("/api/{method}", s.handleAPI)
	mux.HandleFunc("POST /_emulator/respond/{id}", s.handleResponseURL)
	mux.HandleFunc("GET /_emulator/calls", s.handleCalls)
	mux.HandleFunc("GET /_emulator/messages", s.handleMessages)
	mux.HandleFunc("POST /_emulator/send/{kind}", s.handleSend)
	mux.HandleFunc("GET /_emulator/socket/{ticket}", s.handleSocket)
	mux.HandleFunc("GET /_emulator/{$}", s.handleConversation)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/_emulator/", http.StatusFound)
	})
	return mux
}

// register adds an app, generating what cfg leaves empty. Callers hold s.mu
// or own s exclusively.
func (s *Server) register(cfg AppConfig) (*app, error) {
	cfg = cloneConfig(cfg)
	if cfg.AppID == "" {
		cfg.AppID = "A" + strings.ToUpper(s.rnd.alnum(10))
	}
	if cfg.Name == "" {
		cfg.Name = "App"
	}
	if cfg.ClientID == "" {
		cfg.ClientID = s.rnd.digits(13) + "." + s.rnd.digits(13)
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = s.rnd.hex(16)
	}
	if cfg.SigningSecret == "" {
		cfg.SigningSecret = s.rnd.hex(16)
	}
	for _, a := range s.apps {
		if a.cfg.AppID == cfg.AppID || a.cfg.ClientID == cfg.ClientID {
			return nil, fmt.Errorf("slacktest: an app with id %s or client id %s is already registered", cfg.AppID, cfg.ClientID)
		}
	}
	n := len(s.apps) + 1
	a := &app{cfg: cfg, botUserID: fmt.Sprintf("UB%04d", n), botID: fmt.Sprintf("B%04d", n)}
	a.appToken = "xapp-1-" + cfg.AppID + "-" + s.rnd.digits(13) + "-" + s.rnd.hex(32)
	s.apps = append(s.apps, a)
	return a, nil
}

func (s *Server) updateApp(a *app, cfg AppConfig) {
	cfg = cloneConfig(cfg)
	cfg.AppID = a.cfg.AppID
	cfg.ClientID = firstNonEmpty(cfg.ClientID, a.cfg.ClientID)
	cfg.ClientSecret = firstNonEmpty(cfg.ClientSecret, a.cfg.ClientSecret)
	cfg.SigningSecret = firstNonEmpty(cfg.SigningSecret, a.cfg.SigningSecret)
	cfg.Name = firstNonEmpty(cfg.Name, a.cfg.Name)
	a.cfg = cfg
}

func (s *Server) appByClientID(id string) *app {
	for _, a := range s.apps {
		if a.cfg.ClientID == id {
			return a
		}
	}
	return nil
}

func (s *Server) appByID(id string) *app {
	for _, a := range s.apps {
		if a.cfg.AppID == id {
			return a
		}
	}
	return nil
}

func cloneConfig(c AppConfig) AppConfig {
	c.BotScopes = append([]string(nil), c.BotScopes...)
	c.UserScopes = append([]string(nil), c.UserScopes...)
	c.RedirectURLs = append([]string(nil), c.RedirectURLs...)
	c.BotEvents = append([]string(nil), c.BotEvents...)
	if c.CommandURLs != nil {
		m := make(map[string]string, len(c.CommandURLs))
		for k, v := range c.CommandURLs {
			m[k] = v
		}
		c.CommandURLs = m
	}
	return c
}

// errClosed is returned by traffic methods after Close.
var errClosed = errors.New("slacktest: server closed")
