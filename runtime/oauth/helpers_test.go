package oauth

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/statestore"
)

// fakeStates is a single-use state store whose states can be expired on
// demand.
type fakeStates struct {
	mu      sync.Mutex
	live    map[string]bool
	expired map[string]bool
	fail    error
}

func newFakeStates() *fakeStates {
	return &fakeStates{live: map[string]bool{}, expired: map[string]bool{}}
}

func (s *fakeStates) Issue(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return "", s.fail
	}
	// Dots and plus signs exercise cookie and URL encoding.
	st := rand.Text() + ".v1+x"
	s.live[st] = true
	return st, nil
}

func (s *fakeStates) Consume(ctx context.Context, state string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	if s.expired[state] {
		delete(s.expired, state)
		return statestore.ErrExpired
	}
	if !s.live[state] {
		return statestore.ErrInvalid
	}
	delete(s.live, state)
	return nil
}

func (s *fakeStates) expire(state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.live, state)
	s.expired[state] = true
}

var _ statestore.Store = (*fakeStates)(nil)

// failingSave wraps a store and fails every Save.
type failingSave struct{ installstore.Store }

func (failingSave) Save(context.Context, *installstore.Installation) error {
	return errors.New("disk full")
}

// syncBuffer is a bytes.Buffer safe for concurrent log writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type testEnv struct {
	fs     *fakeSlack
	flow   *Flow
	store  installstore.Store
	states *fakeStates
	logs   *syncBuffer
}

// newTestEnv returns a flow against a fake Slack; edit changes the config
// before New.
func newTestEnv(t *testing.T, edit func(*Config)) *testEnv {
	t.Helper()
	env := &testEnv{fs: newFakeSlack(t), store: memstore.New(), states: newFakeStates(), logs: &syncBuffer{}}
	cfg := Config{
		ClientID:      testClientID,
		ClientSecret:  testClientSecret,
		Scopes:        []string{"commands", "chat:write"},
		UserScopes:    []string{"search:read"},
		RedirectURL:   "https://app.example.com/slack/oauth_redirect",
		SlackURL:      env.fs.URL(),
		AppName:       "Acme Bot",
		Installations: env.store,
		States:        env.states,
		Logger:        slog.New(slog.NewJSONHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&cfg)
	}
	f, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	env.flow = f
	t.Cleanup(func() { env.checkLogs(t) })
	return env
}

// checkLogs fails when a secret reached the logs.
func (env *testEnv) checkLogs(t *testing.T) {
	t.Helper()
	logs := env.logs.String()
	for _, secret := range []string{testClientSecret, "xoxb", "xoxp", "xoxe", "good-code", "secret-hook", ".v1+x", "v1%2Bx"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
}

// install runs the install handler and returns the state and the cookie
// that binds it.
func (env *testEnv) install(t *testing.T) (string, *http.Cookie) {
	t.Helper()
	rec := httptest.NewRecorder()
	env.flow.InstallHandler().ServeHTTP(rec, httptest.NewRequest("GET", "https://app.example.com/slack/install", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("install page: status %d: %s", rec.Code, rec.Body)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("install page set %d cookies, want 1", len(cookies))
	}
	return cookies[0].Value, cookies[0]
}

// callback calls the callback handler with query and cookies.
func (env *testEnv) callback(t *testing.T, query url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", "https://app.example.com/slack/oauth_redirect?"+query.Encode(), nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	rec := httptest.NewRecorder()
	env.flow.CallbackHandler().ServeHTTP(rec, req)
	return rec
}

// reason extracts the failure reason from the default failure page.
func reason(body string) string {
	const marker = `data-reason="`
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	rest := body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}
