package slacktest

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func postJSON(t *testing.T, u, body string) (int, SendResult) {
	t.Helper()
	resp, err := http.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res SendResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, res
}

func TestControlSend(t *testing.T) {
	srv, fa := newTrafficPair(t, nil)
	fa.setReply(func(w http.ResponseWriter, r *http.Request, body []byte) {
		var ev struct{ Type, Challenge string }
		if json.Unmarshal(body, &ev) == nil && ev.Type == "url_verification" {
			io.WriteString(w, ev.Challenge)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"text":"ack"}`)
	})
	tests := []struct {
		kind, body string
		check      func(t *testing.T, body []byte)
	}{
		{"command", `{"command":"/hello","text":"hi","team":"T0002"}`, func(t *testing.T, b []byte) {
			if f := mustForm(t, b); f.Get("text") != "hi" || f.Get("team_id") != "T0002" {
				t.Errorf("command %v", f)
			}
		}},
		{"event", `{"type":"app_mention","text":"yo"}`, func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"type":"app_mention"`) || !strings.Contains(string(b), `> yo"`) {
				t.Errorf("event %s", b)
			}
		}},
		{"event", `{"type":"message","text":"m","channel":"C5"}`, func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"channel":"C5"`) || !strings.Contains(string(b), `"channel_type":"channel"`) {
				t.Errorf("event %s", b)
			}
		}},
		{"url_verification", `{}`, func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"challenge"`) {
				t.Errorf("url_verification %s", b)
			}
		}},
		{"action", `{"action_id":"ok","value":"1"}`, func(t *testing.T, b []byte) {
			if p := payloadOf(t, b); p["type"] != "block_actions" {
				t.Errorf("action %v", p)
			}
		}},
		{"view_submission", `{"callback_id":"form","values":{"b":{"a":{"type":"plain_text_input","value":"v"}}}}`, func(t *testing.T, b []byte) {
			if p := payloadOf(t, b); p["type"] != "view_submission" || !strings.Contains(mustJSON(t, p["view"]), `"value":"v"`) {
				t.Errorf("view_submission %v", p)
			}
		}},
		{"view_closed", `{"callback_id":"form"}`, func(t *testing.T, b []byte) {
			if p := payloadOf(t, b); p["type"] != "view_closed" || !strings.Contains(mustJSON(t, p["view"]), `"callback_id":"form"`) || p["trigger_id"] != nil {
				t.Errorf("view_closed %v", p)
			}
		}},
		{"options", `{"action_id":"pick","value":"ab"}`, func(t *testing.T, b []byte) {
			if p := payloadOf(t, b); p["type"] != "block_suggestion" || p["action_id"] != "pick" || p["value"] != "ab" {
				t.Errorf("options %v", p)
			}
		}},
		{"shortcut", `{"callback_id":"sc"}`, func(t *testing.T, b []byte) {
			if p := payloadOf(t, b); p["type"] != "shortcut" || p["callback_id"] != "sc" {
				t.Errorf("shortcut %v", p)
			}
		}},
		{"message_shortcut", `{"callback_id":"ms","text":"msg"}`, func(t *testing.T, b []byte) {
			if p := payloadOf(t, b); p["type"] != "message_action" {
				t.Errorf("message_shortcut %v", p)
			}
		}},
		{"uninstall", `{}`, func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"app_uninstalled"`) {
				t.Errorf("uninstall %s", b)
			}
		}},
		{"tokens_revoked", `{}`, func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"tokens_revoked"`) {
				t.Errorf("tokens_revoked %s", b)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			status, res := postJSON(t, srv.URL()+"/_emulator/send/"+tt.kind, tt.body)
			if status != 200 || res.Status != 200 || res.Error != "" {
				t.Fatalf("status %d, result %+v", status, res)
			}
			_, body := fa.last(t)
			tt.check(t, body)
		})
	}

	if status, res := postJSON(t, srv.URL()+"/_emulator/send/bogus", `{}`); status != 400 || !strings.Contains(res.Error, "unknown traffic kind") {
		t.Errorf("bogus kind: %d %+v", status, res)
	}
	if status, res := postJSON(t, srv.URL()+"/_emulator/send/command", `{`); status != 400 || res.Error == "" {
		t.Errorf("bad JSON: %d %+v", status, res)
	}
	// A web page may post text/plain cross-origin without a preflight: it
	// must not make the emulator send signed traffic to the app.
	before := len(srv.Messages())
	resp, err := http.Post(srv.URL()+"/_emulator/send/uninstall", "text/plain", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType || len(srv.Messages()) != before {
		t.Errorf("text/plain send: %d, %d messages (was %d); want 415 and nothing sent", resp.StatusCode, len(srv.Messages()), before)
	}
	fa.Close()
	if status, res := postJSON(t, srv.URL()+"/_emulator/send/command", `{"command":"/x"}`); status != 502 || !strings.Contains(res.Error, "did not answer") {
		t.Errorf("app down: %d %+v", status, res)
	}
}

func TestCaptureEndpoints(t *testing.T) {
	srv, fa := newTrafficPair(t, nil)
	fa.setReply(func(w http.ResponseWriter, r *http.Request, body []byte) {
		io.WriteString(w, "plain <b>reply</b>")
	})
	resp := installApp(t, srv, "T0001")
	apiPost(t, srv, "chat.postMessage", map[string][]string{"token": {resp.AccessToken}, "channel": {"C1"}, "text": {"posted"}})
	if _, err := srv.SendCommand(t.Context(), "T0001", "/hello", "there"); err != nil {
		t.Fatal(err)
	}

	var msgs []Message
	getJSON(t, srv.URL()+"/_emulator/messages", &msgs)
	if len(msgs) != 3 || msgs[0].Text != "posted" || msgs[1].Text != "/hello there" || msgs[2].Text != "plain <b>reply</b>" {
		t.Errorf("messages = %+v", msgs)
	}
	var calls []Call
	getJSON(t, srv.URL()+"/_emulator/calls?method=chat.postMessage", &calls)
	if len(calls) != 1 || calls[0].Params["text"] != "posted" {
		t.Errorf("calls = %+v", calls)
	}
	status, page := get(t, srv.URL()+"/_emulator/")
	if status != 200 || !strings.Contains(page, "/hello there") || !strings.Contains(page, "plain &lt;b&gt;reply&lt;/b&gt;") || !strings.Contains(page, "chat.postMessage") {
		t.Errorf("conversation page (%d):\n%s", status, page)
	}
	if strings.Contains(page, resp.AccessToken) {
		t.Error("the conversation page shows a token")
	}
	srv.Reset()
	getJSON(t, srv.URL()+"/_emulator/messages", &msgs)
	if len(msgs) != 0 {
		t.Errorf("after Reset: %+v", msgs)
	}
	if status, _ := get(t, srv.URL()+"/"); status != http.StatusFound {
		t.Errorf("GET / = %d, want a redirect to the conversation", status)
	}
	if r, err := http.Post(srv.URL()+"/_emulator/respond/unknown", "application/json", strings.NewReader(`{"text":"x"}`)); err != nil || r.StatusCode != 404 {
		t.Errorf("unknown response_url: %v %v", r.StatusCode, err)
	} else {
		r.Body.Close()
	}
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	a := NewServer(t, testConfig(), WithSeed(1)).App()
	b := NewServer(t, testConfig(), WithSeed(1)).App()
	c := NewServer(t, testConfig(), WithSeed(2)).App()
	if a.ClientID != b.ClientID || a.ClientSecret != b.ClientSecret || a.SigningSecret != b.SigningSecret || a.AppID != b.AppID {
		t.Errorf("same seed, different credentials: %+v %+v", a, b)
	}
	if a.ClientSecret == c.ClientSecret {
		t.Error("different seeds, same client secret")
	}
	r1 := NewServer(t, testConfig()).App()
	r2 := NewServer(t, testConfig()).App()
	if r1.ClientSecret == r2.ClientSecret {
		t.Error("unseeded servers share a client secret")
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(testConfig(), WithAddr("256.0.0.1:0")); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("bad address: %v", err)
	}
	if _, err := New(testConfig(), WithWorkspaces([]Workspace{{ID: "bad"}}, nil)); err == nil {
		t.Error("a malformed team id was accepted")
	}
	if _, err := New(testConfig(), WithWorkspaces([]Workspace{{ID: "T1", EnterpriseID: "E9"}}, nil)); err == nil {
		t.Error("a workspace of an unknown enterprise was accepted")
	}
	srv := NewServer(t, testConfig())
	if err := srv.AddEnterprise(Enterprise{ID: "x"}); err == nil {
		t.Error("a malformed enterprise id was accepted")
	}
	if err := srv.AddEnterprise(Enterprise{ID: "E0002", Name: "Umbrella"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.AddWorkspace(Workspace{ID: "T0009", Name: "Umbrella Labs", EnterpriseID: "E0002"}); err != nil {
		t.Fatal(err)
	}
	ws := srv.Workspaces()
	if last := ws[len(ws)-1]; last.Domain != "umbrella-labs" || last.UserID != "W0009" {
		t.Errorf("workspace = %+v", last)
	}
}

func TestCaptureIsBounded(t *testing.T) {
	var list []int
	for i := 0; i < maxCaptured+5; i++ {
		list = appendBounded(list, i)
	}
	if len(list) != maxCaptured || list[0] != 5 || list[len(list)-1] != maxCaptured+4 {
		t.Errorf("len %d, first %d, last %d", len(list), list[0], list[len(list)-1])
	}
}

// TestSignaturesUseRealTime: a fake clock must not make the app refuse
// traffic as stale.
func TestSignaturesUseRealTime(t *testing.T) {
	clk := newClock() // years in the past
	var srv *Server
	fa := newFakeApp(t, func() string { return srv.App().SigningSecret })
	cfg := testConfig()
	cfg.RequestURL = fa.URL
	srv = NewServer(t, cfg, WithClock(clk.Now))
	reply, err := srv.SendCommand(t.Context(), "", "/hello", "")
	if err != nil || reply.Status != http.StatusOK {
		t.Fatalf("reply %+v, %v", reply, err)
	}
}

func TestCloseTwice(t *testing.T) {
	srv, err := New(testConfig())
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	srv.Close()
	if err := srv.Shutdown(t.Context()); err != nil {
		t.Errorf("Shutdown after Close: %v", err)
	}
	if _, err := http.Get(srv.URL() + "/_emulator/calls"); err == nil {
		t.Error("the server still answers after Close")
	}
	if _, err := srv.Post(t.Context(), "http://127.0.0.1:1", "text/plain", nil, nil); err != errClosed {
		t.Errorf("Post after Close: %v, want errClosed", err)
	}
}

func TestEnvAndSetApp(t *testing.T) {
	srv := NewServer(t, testConfig(), WithSeed(3))
	env := srv.Env()
	want := []string{"SLACK_URL=", "SLACK_CLIENT_ID=", "SLACK_CLIENT_SECRET=", "SLACK_SIGNING_SECRET=", "SLACK_STATE_SECRET=", "SLACK_APP_ID=", "SLACK_APP_TOKEN=xapp-1-", "SLACK_CONFIG_TOKEN=xoxe.xoxp-1-"}
	if len(env) != len(want) {
		t.Fatalf("Env = %v", env)
	}
	for i, w := range want {
		if !strings.HasPrefix(env[i], w) {
			t.Errorf("Env[%d] = %q, want prefix %q", i, env[i], w)
		}
	}
	if env[0] != "SLACK_URL="+srv.URL() || len(srv.StateSecret()) != 64 {
		t.Errorf("SLACK_URL %q, state secret %q", env[0], srv.StateSecret())
	}

	before := srv.App()
	srv.SetApp(AppConfig{BotScopes: []string{"chat:write"}, RequestURL: "http://127.0.0.1:9/x"})
	after := srv.App()
	if after.ClientID != before.ClientID || after.ClientSecret != before.ClientSecret || after.AppID != before.AppID || after.Name != before.Name {
		t.Errorf("SetApp changed the credentials: %+v → %+v", before, after)
	}
	if len(after.BotScopes) != 1 || after.RequestURL != "http://127.0.0.1:9/x" {
		t.Errorf("SetApp did not apply: %+v", after)
	}
	if got := apiPost(t, srv, "api.test", map[string][]string{"foo": {"bar"}}); got["ok"] != true || !strings.Contains(mustJSON(t, got["args"]), `"foo":"bar"`) {
		t.Errorf("api.test = %v", got)
	}
}

func TestNoWorkspaces(t *testing.T) {
	if _, err := New(testConfig(), WithWorkspaces(nil, nil)); err == nil {
		t.Error("a server without workspaces started")
	}
}

func TestLogger(t *testing.T) {
	var buf strings.Builder
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) })
	srv := NewServer(t, testConfig(), WithLogger(slog.New(slog.NewTextHandler(w, nil))))
	inst, err := srv.Install("T0001")
	if err != nil {
		t.Fatal(err)
	}
	apiPost(t, srv, "chat.postMessage", map[string][]string{"token": {inst.BotToken}, "channel": {"C1"}, "text": {"logged"}})
	mu.Lock()
	defer mu.Unlock()
	out := buf.String()
	if !strings.Contains(out, "method=chat.postMessage team=T0001 result=ok") || !strings.Contains(out, "text=logged") {
		t.Errorf("log:\n%s", out)
	}
	if strings.Contains(out, inst.BotToken) {
		t.Error("the log holds a token")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestSweep(t *testing.T) {
	clk := newClock()
	srv := NewServer(t, testConfig(), WithClock(clk.Now))
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for i := 0; i < 1000; i++ {
		srv.newTrigger("T0001", "U0001")
		srv.newResponseURL("T0001", "C1", "U0001")
	}
	clk.Add(time.Hour)
	srv.newTrigger("T0001", "U0001")
	srv.newResponseURL("T0001", "C1", "U0001")
	if len(srv.triggers) != 1 || len(srv.responseURLs) != 1 {
		t.Errorf("after the sweep: %d triggers, %d response URLs; want 1 and 1", len(srv.triggers), len(srv.responseURLs))
	}
}
