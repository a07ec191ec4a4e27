package slacktest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slackgen/slackgen/runtime/signature"
)

// fakeApp is an app that verifies every request with runtime/signature and
// keeps what it received.
type fakeApp struct {
	*httptest.Server
	mu       sync.Mutex
	received []*http.Request
	bodies   [][]byte
	reply    func(w http.ResponseWriter, r *http.Request, body []byte)
}

func newFakeApp(t *testing.T, secret func() string) *fakeApp {
	t.Helper()
	fa := &fakeApp{}
	fa.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := signature.New([]string{secret()})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		body, err := v.ReadAndVerify(r)
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		fa.mu.Lock()
		fa.received = append(fa.received, r)
		fa.bodies = append(fa.bodies, body)
		reply := fa.reply
		fa.mu.Unlock()
		if reply != nil {
			reply(w, r, body)
		}
	}))
	t.Cleanup(fa.Close)
	return fa
}

func (fa *fakeApp) last(t *testing.T) (*http.Request, []byte) {
	t.Helper()
	fa.mu.Lock()
	defer fa.mu.Unlock()
	if len(fa.received) == 0 {
		t.Fatal("the app received nothing")
	}
	return fa.received[len(fa.received)-1], fa.bodies[len(fa.bodies)-1]
}

func (fa *fakeApp) setReply(f func(w http.ResponseWriter, r *http.Request, body []byte)) {
	fa.mu.Lock()
	defer fa.mu.Unlock()
	fa.reply = f
}

// newTrafficPair starts an emulator and a fake app pointed at each other.
func newTrafficPair(t *testing.T, mutate func(*AppConfig)) (*Server, *fakeApp) {
	t.Helper()
	var srv *Server
	fa := newFakeApp(t, func() string { return srv.App().SigningSecret })
	cfg := testConfig()
	cfg.RequestURL = fa.URL + "/slack/events"
	if mutate != nil {
		mutate(&cfg)
	}
	srv = NewServer(t, cfg)
	return srv, fa
}

func payloadOf(t *testing.T, body []byte) map[string]any {
	t.Helper()
	form, err := url.ParseQuery(string(body))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(form.Get("payload")), &p); err != nil {
		t.Fatalf("payload: %v in %s", err, body)
	}
	return p
}

func TestSendCommand(t *testing.T) {
	srv, fa := newTrafficPair(t, nil)
	fa.setReply(func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"response_type":"ephemeral","text":"hello back"}`)
	})
	ctx := context.Background()
	reply, err := srv.SendCommand(ctx, "T0003", "/hello", "hi there")
	if err != nil {
		t.Fatal(err)
	}
	if !reply.OK() || !strings.Contains(string(reply.Body), "hello back") {
		t.Fatalf("reply = %d %s", reply.Status, reply.Body)
	}
	r, body := fa.last(t)
	if r.URL.Path != "/slack/events" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("sent to %s as %s", r.URL.Path, r.Header.Get("Content-Type"))
	}
	cmd, err := slack.SlashCommandParse(&http.Request{Method: "POST", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: io.NopCloser(bytes.NewReader(body))})
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Command != "/hello" || cmd.Text != "hi there" || cmd.TeamID != "T0003" || cmd.EnterpriseID != "E0001" || cmd.UserID != "W0003" || cmd.APIAppID != srv.App().AppID || cmd.TriggerID == "" {
		t.Errorf("command = %+v", cmd)
	}
	if !strings.HasPrefix(cmd.ResponseURL, srv.URL()+"/_emulator/respond/") {
		t.Fatalf("response_url = %q", cmd.ResponseURL)
	}

	// The app answers later through response_url (slack-go's responder).
	api := slack.New("", slack.OptionAPIURL(srv.APIURL()))
	if _, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeInChannel), slack.MsgOptionText("later", false)); err != nil {
		t.Fatalf("response_url: %v", err)
	}
	m, err := srv.WaitForMessage(ctx, func(m Message) bool { return m.Via == "response_url" })
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "later" || m.ResponseType != "in_channel" || m.Team != "T0003" {
		t.Errorf("response_url message = %+v", m)
	}
	msgs := srv.Messages()
	if msgs[0].From != "user" || msgs[0].Text != "/hello hi there" || msgs[1].Via != "reply" || msgs[1].Text != "hello back" || msgs[1].ResponseType != "ephemeral" {
		t.Errorf("conversation = %+v", msgs)
	}
	// a response_url takes 5 replies, then answers used_url
	for i := 0; i < 5; i++ {
		resp, err := http.Post(cmd.ResponseURL, "application/json", strings.NewReader(`{"text":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusOK
		if i == 4 {
			want = http.StatusNotFound
		}
		if resp.StatusCode != want {
			t.Errorf("reply %d: status %d, want %d", i+2, resp.StatusCode, want)
		}
	}
}

func TestSendCommandErrors(t *testing.T) {
	srv, fa := newTrafficPair(t, func(c *AppConfig) { c.CommandURLs = map[string]string{"/deploy": ""} })
	fa.setReply(func(w http.ResponseWriter, r *http.Request, body []byte) {
		http.Error(w, "nope", http.StatusInternalServerError)
	})
	ctx := context.Background()
	if _, err := srv.SendCommand(ctx, "", "/other", ""); err == nil || !strings.Contains(err.Error(), "not one of the app's commands") {
		t.Errorf("unknown command: %v", err)
	}
	if _, err := srv.SendCommand(ctx, "", "deploy", ""); err == nil {
		t.Error("a command without / was sent")
	}
	if _, err := srv.SendCommand(ctx, "nonsense", "/deploy", ""); err == nil {
		t.Error("a malformed team id was accepted")
	}
	reply, err := srv.SendCommand(ctx, "", "/deploy", "")
	if err != nil || reply.OK() || reply.Status != 500 {
		t.Errorf("reply = %+v, %v; want status 500", reply, err)
	}
	if m := srv.Messages(); m[len(m)-1].From != "emulator" || !strings.Contains(m[len(m)-1].Text, "500") {
		t.Errorf("the failed delivery is not in the conversation: %+v", m)
	}
	fa.Close()
	if _, err := srv.SendCommand(ctx, "", "/deploy", ""); !errors.Is(err, ErrAppUnreachable) {
		t.Errorf("app down: %v, want ErrAppUnreachable", err)
	}
}

func TestSendCommandBadSignature(t *testing.T) {
	fa := newFakeApp(t, func() string { return "not-the-secret" })
	cfg := testConfig()
	cfg.RequestURL = fa.URL + "/slack/events"
	srv := NewServer(t, cfg)
	reply, err := srv.SendCommand(context.Background(), "", "/hello", "")
	if err != nil || reply.Status != http.StatusUnauthorized {
		t.Fatalf("a verifier with another secret: %+v, %v; want 401", reply, err)
	}
}

func TestSendEvents(t *testing.T) {
	srv, fa := newTrafficPair(t, func(c *AppConfig) {
		c.BotEvents = []string{"app_mention", "app_home_opened", "message.channels"}
	})
	fa.setReply(func(w http.ResponseWriter, r *http.Request, body []byte) {
		var ev struct{ Type, Challenge string }
		json.Unmarshal(body, &ev)
		if ev.Type == "url_verification" {
			io.WriteString(w, ev.Challenge)
		}
	})
	ctx := context.Background()
	if _, err := srv.VerifyURL(ctx); err != nil {
		t.Fatalf("url_verification: %v", err)
	}
	installApp(t, srv, "T0001")

	tests := []struct {
		name  string
		send  func() (*Reply, error)
		check func(t *testing.T, env map[string]any, ev map[string]any)
	}{
		{"app_mention", func() (*Reply, error) { return srv.SendAppMention(ctx, "T0001", "hi") }, func(t *testing.T, env, ev map[string]any) {
			if !strings.HasSuffix(ev["text"].(string), "> hi") || ev["user"] != "U0001" || ev["channel"] == "" {
				t.Errorf("event = %v", ev)
			}
		}},
		{"message", func() (*Reply, error) { return srv.SendMessage(ctx, "T0001", "C42", "plain") }, func(t *testing.T, env, ev map[string]any) {
			if ev["channel"] != "C42" || ev["channel_type"] != "channel" || ev["text"] != "plain" {
				t.Errorf("event = %v", ev)
			}
		}},
		{"app_home_opened", func() (*Reply, error) { return srv.SendAppHomeOpened(ctx, "T0001") }, func(t *testing.T, env, ev map[string]any) {
			if ev["tab"] != "home" || ev["user"] != "U0001" {
				t.Errorf("event = %v", ev)
			}
		}},
		{"tokens_revoked", func() (*Reply, error) { return srv.RevokeTokens(ctx, "T0001") }, func(t *testing.T, env, ev map[string]any) {
			tokens := ev["tokens"].(map[string]any)
			if len(tokens["bot"].([]any)) != 1 || len(tokens["oauth"].([]any)) != 1 {
				t.Errorf("tokens = %v", tokens)
			}
		}},
		{"app_uninstalled", func() (*Reply, error) { return srv.Uninstall(ctx, "T0001") }, func(t *testing.T, env, ev map[string]any) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := tt.send()
			if err != nil || !reply.OK() {
				t.Fatalf("send: %+v, %v", reply, err)
			}
			r, body := fa.last(t)
			if r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("content type %q", r.Header.Get("Content-Type"))
			}
			var env map[string]any
			if err := json.Unmarshal(body, &env); err != nil {
				t.Fatal(err)
			}
			ev := env["event"].(map[string]any)
			if env["type"] != "event_callback" || env["team_id"] != "T0001" || env["api_app_id"] != srv.App().AppID || ev["type"] != tt.name {
				t.Errorf("envelope = %v", env)
			}
			auths := env["authorizations"].([]any)
			if a := auths[0].(map[string]any); a["team_id"] != "T0001" || a["is_bot"] != true {
				t.Errorf("authorizations = %v", auths)
			}
			tt.check(t, env, ev)
		})
	}
	if _, err := srv.SendEvent(ctx, "T0001", map[string]any{"type": "reaction_added"}); err == nil || !strings.Contains(err.Error(), "does not subscribe") {
		t.Errorf("unsubscribed event: %v", err)
	}
	if _, err := srv.SendEvent(ctx, "T0001", map[string]any{}); err == nil {
		t.Error("an event without type was sent")
	}
}

func TestVerifyURLWrongAnswer(t *testing.T) {
	srv, _ := newTrafficPair(t, nil)
	if _, err := srv.VerifyURL(context.Background()); err == nil || !strings.Contains(err.Error(), "without the challenge") {
		t.Errorf("err = %v", err)
	}
}

func TestSendInteractions(t *testing.T) {
	srv, fa := newTrafficPair(t, func(c *AppConfig) {
		c.InteractivityURL = c.RequestURL[:strings.LastIndex(c.RequestURL, "/")] + "/interactive"
	})
	ctx := context.Background()
	resp := installApp(t, srv, "T0001")
	api := slack.New(resp.AccessToken, slack.OptionAPIURL(srv.APIURL()))

	// a shortcut's trigger_id opens a modal
	if _, err := srv.SendShortcut(ctx, "T0001", "new_ticket"); err != nil {
		t.Fatal(err)
	}
	r, body := fa.last(t)
	p := payloadOf(t, body)
	if r.URL.Path != "/slack/interactive" || p["type"] != "shortcut" || p["callback_id"] != "new_ticket" || p["trigger_id"] == "" {
		t.Fatalf("shortcut payload at %s = %v", r.URL.Path, p)
	}
	modal := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "ticket", PrivateMetadata: "meta", Title: slack.NewTextBlockObject("plain_text", "Ticket", false, false)}
	opened, err := api.OpenViewContext(ctx, p["trigger_id"].(string), modal)
	if err != nil {
		t.Fatalf("views.open: %v", err)
	}
	if opened.View.ID == "" || opened.View.CallbackID != "ticket" || opened.View.TeamID != "T0001" {
		t.Errorf("views.open view = %+v", opened.View)
	}
	if _, err := api.OpenViewContext(ctx, p["trigger_id"].(string), modal); err == nil || err.Error() != "exchanged_trigger_id" {
		t.Errorf("second views.open with the same trigger: %v", err)
	}

	// submitting it carries the opened view's id, metadata and values
	values := map[string]map[string]any{"title": {"input": map[string]any{"type": "plain_text_input", "value": "Broken"}}}
	if _, err := srv.SendViewSubmission(ctx, "T0001", "ticket", values); err != nil {
		t.Fatal(err)
	}
	_, body = fa.last(t)
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(mustForm(t, body).Get("payload")), &cb); err != nil {
		t.Fatal(err)
	}
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.ID != opened.View.ID || cb.View.PrivateMetadata != "meta" ||
		cb.View.State.Values["title"]["input"].Value != "Broken" || cb.Team.ID != "T0001" || cb.User.ID != "U0001" {
		t.Errorf("view_submission = %+v", cb)
	}

	// a block action has a response_url and the action
	if _, err := srv.SendBlockAction(ctx, "T0001", "approve", "42"); err != nil {
		t.Fatal(err)
	}
	_, body = fa.last(t)
	cb = slack.InteractionCallback{}
	if err := json.Unmarshal([]byte(mustForm(t, body).Get("payload")), &cb); err != nil {
		t.Fatal(err)
	}
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) != 1 || cb.ActionCallback.BlockActions[0].ActionID != "approve" ||
		cb.ActionCallback.BlockActions[0].Value != "42" || !strings.HasPrefix(cb.ResponseURL, srv.URL()) {
		t.Errorf("block_actions = %+v", cb)
	}

	if _, err := srv.SendMessageShortcut(ctx, "T0001", "quote", "some text"); err != nil {
		t.Fatal(err)
	}
	_, body = fa.last(t)
	if p := payloadOf(t, body); p["type"] != "message_action" || p["response_url"] == nil {
		t.Errorf("message_action = %v", p)
	}
	if _, err := srv.SendInteraction(ctx, "T0001", map[string]any{}); err == nil {
		t.Error("a payload without type was sent")
	}
}

func mustForm(t *testing.T, body []byte) url.Values {
	t.Helper()
	f, err := url.ParseQuery(string(body))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPostRetryHeader(t *testing.T) {
	srv, fa := newTrafficPair(t, nil)
	h := http.Header{"X-Slack-Retry-Num": {"1"}, "X-Slack-Retry-Reason": {"http_timeout"}}
	reply, err := srv.Post(context.Background(), fa.URL+"/slack/events", "application/json", []byte(`{}`), h)
	if err != nil || !reply.OK() {
		t.Fatalf("%+v %v", reply, err)
	}
	if r, _ := fa.last(t); r.Header.Get("X-Slack-Retry-Num") != "1" || r.Header.Get(signature.HeaderSignature) == "" {
		t.Errorf("headers = %v", r.Header)
	}
}

func TestWaitForMessageTimeout(t *testing.T) {
	srv := NewServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := srv.WaitForMessage(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
}

func TestRetryLastEvent(t *testing.T) {
	srv, fa := newTrafficPair(t, nil)
	ctx := context.Background()
	if _, err := srv.RetryLastEvent(ctx, ""); err == nil {
		t.Error("a retry before any event succeeded")
	}
	if _, err := srv.SendAppMention(ctx, "T0001", "hi"); err != nil {
		t.Fatal(err)
	}
	_, first := fa.last(t)
	var ev1, ev2 struct {
		EventID string `json:"event_id"`
	}
	json.Unmarshal(first, &ev1)
	for i, want := range []string{"1", "2"} {
		if _, err := srv.RetryLastEvent(ctx, ""); err != nil {
			t.Fatal(err)
		}
		r, body := fa.last(t)
		json.Unmarshal(body, &ev2)
		if r.Header.Get("X-Slack-Retry-Num") != want || r.Header.Get("X-Slack-Retry-Reason") != "http_timeout" || ev2.EventID != ev1.EventID {
			t.Errorf("retry %d: headers %v, event_id %q want %q", i+1, r.Header, ev2.EventID, ev1.EventID)
		}
	}
}
