package slackapp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

const secret = slackapptest.SigningSecret

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fixture is an OAuth-mode app over a memstore with one installation of
// team T1 (bot token xoxb-t1), pointed at a recording fake Slack.
type fixture struct {
	app   *slackapp.App
	store *memstore.Store
	rec   *slackapptest.Recorder
	logs  *syncBuffer
	h     http.Handler
}

func newFixture(t *testing.T, edit func(*slackapp.Config), opts ...slackapp.Option) *fixture {
	t.Helper()
	f := &fixture{store: memstore.New(), rec: slackapptest.NewRecorder(t), logs: &syncBuffer{}}
	cfg := &slackapp.Config{
		SigningSecrets: []string{secret},
		ClientID:       "123.456", ClientSecret: "client-secret", StateSecret: "state-secret-state-secret-state-secret",
		SlackURL:    f.rec.Server.URL,
		AckDeadline: 2 * time.Second, // generous: the machine running tests may be loaded
		BotScopes:   []string{"commands", "chat:write"},
	}
	if edit != nil {
		edit(cfg)
	}
	logger := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts = append([]slackapp.Option{slackapp.WithInstallationStore(f.store), slackapp.WithLogger(logger)}, opts...)
	app, err := slackapp.New(cfg, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f.app = app
	if err := f.store.Save(context.Background(), &installstore.Installation{
		AppID: "A0TEST", TeamID: "T1", BotToken: "xoxb-t1", BotUserID: "U0BOT", BotID: "B0BOT",
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := app.Drain(ctx); err != nil {
			t.Errorf("Drain: %v", err)
		}
	})
	return f
}

// serve runs req through the app's handler (built once, after the test
// registered its handlers).
func (f *fixture) serve(req *http.Request) *httptest.ResponseRecorder {
	if f.h == nil {
		f.h = f.app.Handler()
	}
	rr := httptest.NewRecorder()
	f.h.ServeHTTP(rr, req)
	return rr
}

// drain waits until the app's handlers have finished; unlike App.Drain, the
// app takes requests afterwards.
func (f *fixture) drain(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.app.WaitIdle(ctx); err != nil {
		t.Fatalf("WaitIdle: %v", err)
	}
}

// decodeResponse decodes a JSON answer of the app.
func decodeResponse(t *testing.T, rr *httptest.ResponseRecorder) slackapp.Response {
	t.Helper()
	var r slackapp.Response
	if err := json.Unmarshal(rr.Body.Bytes(), &r); err != nil {
		t.Fatalf("answer %q is not a JSON response: %v", rr.Body.String(), err)
	}
	return r
}

func cmd(name string) slackapp.Command {
	return slackapp.Command{Command: name, TeamID: "T1", UserID: "U1", ChannelID: "C1", Text: "hi", TriggerID: "trig"}
}

func httptestServe(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	return rr
}

type httptestRequest = http.Request

// exampleT is a testing.TB for examples (which have no *testing.T); its
// cleanups never run, which is fine for a process that exits.
type exampleT struct{ testing.TB }

func (exampleT) Cleanup(func()) {}
func (exampleT) Helper()        {}
func (exampleT) Log(...any)     {}
