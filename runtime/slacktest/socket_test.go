package slacktest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// TestSocketMode runs slack-go's Socket Mode client against the emulator:
// commands, events and interactions arrive as envelopes, acks come back as
// replies.
func TestSocketMode(t *testing.T) {
	cfg := testConfig()
	cfg.SocketMode = true
	cfg.RequestURL = ""
	srv := NewServer(t, cfg, WithAppTimeout(5*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	if _, err := srv.SendCommand(ctx, "T0001", "/hello", "early"); !errors.Is(err, ErrAppUnreachable) {
		t.Fatalf("no connection yet: %v, want ErrAppUnreachable", err)
	}

	api := slack.New("", slack.OptionAppLevelToken(srv.AppToken()), slack.OptionAPIURL(srv.APIURL()))
	client := socketmode.New(api)
	got := make(chan string, 10)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 2)
	go func() { done <- client.RunContext(runCtx) }()
	go func() {
		for {
			select {
			case <-runCtx.Done():
				done <- nil
				return
			case evt := <-client.Events:
				switch evt.Type {
				case socketmode.EventTypeSlashCommand:
					cmd := evt.Data.(slack.SlashCommand)
					got <- "command " + cmd.Text + " " + cmd.TeamID
					client.Ack(*evt.Request, map[string]any{"text": "pong " + cmd.Text})
				case socketmode.EventTypeEventsAPI:
					ev := evt.Data.(slackevents.EventsAPIEvent)
					got <- "event " + ev.InnerEvent.Type
					client.Ack(*evt.Request)
				case socketmode.EventTypeInteractive:
					cb := evt.Data.(slack.InteractionCallback)
					got <- "interactive " + string(cb.Type)
					client.Ack(*evt.Request, map[string]any{"response_action": "clear"})
				}
			}
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for srv.SocketConnections() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the Socket Mode client did not connect")
		}
		time.Sleep(20 * time.Millisecond)
	}

	reply, err := srv.SendCommand(ctx, "T0002", "/hello", "ping")
	if err != nil || !strings.Contains(string(reply.Body), "pong ping") {
		t.Fatalf("command over Socket Mode: %+v, %v", reply, err)
	}
	if m := srv.Messages(); m[len(m)-1].Via != "reply" || m[len(m)-1].Text != "pong ping" {
		t.Errorf("the ack was not captured as the reply: %+v", m)
	}
	if _, err := srv.SendAppMention(ctx, "T0001", "hi"); err != nil {
		t.Fatalf("event over Socket Mode: %v", err)
	}
	reply, err = srv.SendViewSubmission(ctx, "T0001", "form", nil)
	if err != nil || !strings.Contains(string(reply.Body), `"clear"`) {
		t.Fatalf("view_submission over Socket Mode: %+v, %v", reply, err)
	}
	for _, want := range []string{"command ping T0002", "event app_mention", "interactive view_submission"} {
		select {
		case g := <-got:
			if g != want {
				t.Errorf("the app saw %q, want %q", g, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("the app never saw %q", want)
		}
	}
	if _, err := srv.VerifyURL(ctx); err == nil {
		t.Error("url_verification was sent to a Socket Mode app")
	}

	stop()
	for i := 0; i < 2; i++ {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the Socket Mode client did not stop")
		}
	}
}

func TestSocketModeErrors(t *testing.T) {
	cfg := testConfig()
	cfg.SocketMode = true
	srv := NewServer(t, cfg)
	bot := installApp(t, srv, "T0001").AccessToken
	if got := apiPost(t, srv, "apps.connections.open", url.Values{"token": {bot}}); got["error"] != "not_allowed_token_type" {
		t.Errorf("apps.connections.open with a bot token: %v", got)
	}
	if got := apiPost(t, srv, "auth.test", url.Values{"token": {srv.AppToken()}}); got["error"] != "not_allowed_token_type" {
		t.Errorf("auth.test with the app token: %v", got)
	}
	got := apiPost(t, srv, "apps.connections.open", url.Values{"token": {srv.AppToken()}})
	wsURL, _ := got["url"].(string)
	if !strings.HasPrefix(wsURL, "ws://127.0.0.1:") {
		t.Fatalf("apps.connections.open = %v", got)
	}
	// a ticket is single use: a plain GET spends it without upgrading
	httpURL := "http" + strings.TrimPrefix(wsURL, "ws")
	for i, want := range []int{http.StatusBadRequest, http.StatusUnauthorized} {
		resp, err := http.Get(httpURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %d: status %d, want %d", i, resp.StatusCode, want)
		}
	}
}

func TestInstall(t *testing.T) {
	cfg := testConfig()
	srv := NewServer(t, cfg)
	inst, err := srv.Install("")
	if err != nil {
		t.Fatal(err)
	}
	if inst.TeamID != "T0001" || inst.BotToken == "" || inst.UserToken == "" || inst.UserID != "U0001" || inst.BotRefreshToken != "" {
		t.Errorf("Install = %+v", inst)
	}
	who, err := slack.New(inst.BotToken, slack.OptionAPIURL(srv.APIURL())).AuthTestContext(t.Context())
	if err != nil || who.TeamID != "T0001" {
		t.Errorf("auth.test = %+v, %v", who, err)
	}
	org, err := srv.Install("E0001")
	if err != nil || !org.IsEnterpriseInstall || org.TeamID != "" || org.EnterpriseID != "E0001" {
		t.Errorf("org-wide Install = %+v, %v", org, err)
	}
	if _, err := srv.Install("E0042"); err == nil {
		t.Error("Install into an unknown enterprise succeeded")
	}
	if _, err := NewServer(t, AppConfig{}).Install(""); err == nil {
		t.Error("Install without scopes succeeded")
	}
}
