package slackapptest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/slackapp"
)

// Call is one Web API call the fake Slack received.
type Call struct {
	Method string     // such as "chat.postMessage"
	Args   url.Values // form arguments (JSON bodies are flattened by key)
}

// Recorder is a fake Slack Web API and response_url on 127.0.0.1. Every
// Web API method answers {"ok": true} plus what Reply set for it.
type Recorder struct {
	Server *httptest.Server

	mu        sync.Mutex
	calls     []Call
	responses []slackapp.Response
	replies   map[string]map[string]any
}

// NewRecorder starts a Recorder, closed when the test ends.
func NewRecorder(t testing.TB) *Recorder {
	rec := &Recorder{replies: map[string]map[string]any{}}
	rec.Server = httptest.NewServer(http.HandlerFunc(rec.serve))
	t.Cleanup(rec.Server.Close)
	return rec
}

// APIURL is the Web API base to give slack.OptionAPIURL.
func (r *Recorder) APIURL() string { return r.Server.URL + "/api/" }

// ResponseURL is a response_url that records what is posted to it.
func (r *Recorder) ResponseURL() string { return r.Server.URL + "/response" }

// Reply sets extra fields of the answer to a Web API method, for example
// Reply("chat.postMessage", map[string]any{"ts": "1.2"}).
func (r *Recorder) Reply(method string, fields map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies[method] = fields
}

// Calls returns the Web API calls received so far.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

// Responses returns what was posted to the response_url so far.
func (r *Recorder) Responses() []slackapp.Response {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]slackapp.Response(nil), r.responses...)
}

func (r *Recorder) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if req.URL.Path == "/response" {
		var resp slackapp.Response
		if err := json.Unmarshal(body, &resp); err != nil {
			http.Error(w, "bad response JSON", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.responses = append(r.responses, resp)
		r.mu.Unlock()
		return
	}
	method := strings.TrimPrefix(req.URL.Path, "/api/")
	args := url.Values{}
	if strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			for k, v := range m {
				if s, ok := v.(string); ok {
					args.Set(k, s)
				} else {
					b, _ := json.Marshal(v)
					args.Set(k, string(b))
				}
			}
		}
	} else if v, err := url.ParseQuery(string(body)); err == nil {
		args = v
	}
	r.mu.Lock()
	r.calls = append(r.calls, Call{Method: method, Args: args})
	out := map[string]any{"ok": true}
	for k, v := range r.replies[method] {
		out[k] = v
	}
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// NewContext returns a handler Context for a test: its Client calls the
// Recorder's fake Web API with a fake bot token, its ResponseURL records
// posts, and its Installation is a workspace T0TEST with user U0TEST.
func NewContext(t testing.TB) (*slackapp.Context, *Recorder) {
	rec := NewRecorder(t)
	inst := &installstore.Installation{
		AppID: "A0TEST", TeamID: "T0TEST", TeamName: "Test", UserID: "U0TEST",
		BotToken: "xoxb-test", BotUserID: "U0BOT", BotID: "B0BOT",
	}
	client := slack.New(inst.BotToken, slack.OptionAPIURL(rec.APIURL()))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	c := slackapp.NewContext(context.Background(), client, inst, logger)
	c.ResponseURL = rec.ResponseURL()
	return c, rec
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
