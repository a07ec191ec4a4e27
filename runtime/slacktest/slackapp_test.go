package slacktest_test

import (
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slacktest"
)

var (
	addToSlackRE = regexp.MustCompile(`href="([^"]*oauth/v2/authorize[^"]*)"`)
	formRE       = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// TestWithSlackapp runs the runtime's own app against the emulator, as a
// generated app does: install through the browser flow (with token
// rotation), then a slash command whose handler posts with the Web API.
func TestWithSlackapp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	appURL := "http://" + ln.Addr().String()
	emu := slacktest.NewServer(t, slacktest.AppConfig{
		Name:          "Runtime App",
		BotScopes:     []string{"commands", "chat:write"},
		RedirectURLs:  []string{appURL + "/slack/oauth_redirect"},
		RequestURL:    appURL + "/slack/events",
		TokenRotation: true,
	})
	cfg := emu.App()
	app, err := slackapp.New(&slackapp.Config{
		SigningSecrets: []string{cfg.SigningSecret},
		ClientID:       cfg.ClientID,
		ClientSecret:   cfg.ClientSecret,
		StateSecret:    emu.StateSecret(),
		SlackURL:       emu.URL(),
		BotScopes:      cfg.BotScopes,
		RedirectURL:    appURL + "/slack/oauth_redirect",
		TokenRotation:  true,
	}, slackapp.WithInstallationStore(memstore.New()), slackapp.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		if _, _, err := c.Client().PostMessageContext(c, cmd.ChannelID, slack.MsgOptionText("posted for "+cmd.Text, false)); err != nil {
			return nil, err
		}
		return slackapp.Text("hello " + cmd.Text), nil
	})
	app.Options("pick", func(c *slackapp.Context, o *slackapp.OptionsRequest) (*slackapp.OptionsResponse, error) {
		opt := slack.NewOptionBlockObject("v-"+o.Value, slack.NewTextBlockObject("plain_text", "typed "+o.Value, false, false), nil)
		return &slackapp.OptionsResponse{Options: []*slack.OptionBlockObject{opt}}, nil
	})
	closed := make(chan string, 1)
	app.ViewClosed("form", func(c *slackapp.Context, v *slackapp.ViewClosed) error {
		closed <- v.View.CallbackID + " by " + v.User.ID + " in " + c.TeamID
		return nil
	})
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})

	// The browser: install page → consent page → Allow → the app's callback.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	page, _ := fetch(t, browser, http.MethodGet, appURL+"/slack/install", nil)
	m := addToSlackRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no authorize link on the install page:\n%s", page)
	}
	authorize := html.UnescapeString(m[1])
	page, at := fetch(t, browser, http.MethodGet, authorize, nil)
	form := url.Values{"decision": {"allow"}, "team": {"T0002"}}
	for _, h := range formRE.FindAllStringSubmatch(page, -1) {
		form.Set(h[1], html.UnescapeString(h[2]))
	}
	page, at = fetch(t, browser, http.MethodPost, at.String(), form)
	if !strings.HasPrefix(at.String(), appURL+"/slack/oauth_redirect") {
		t.Fatalf("ended at %s:\n%s", at, page)
	}
	if len(emu.CallsTo("oauth.v2.access")) != 1 || len(emu.CallsTo("auth.test")) == 0 {
		t.Fatalf("calls after install: %+v", emu.Calls())
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reply, err := emu.SendCommand(ctx, "T0002", "/hello", "world")
	if err != nil || !reply.OK() {
		t.Fatalf("command: %+v, %v", reply, err)
	}
	msg, err := emu.WaitForMessage(ctx, func(m slacktest.Message) bool { return m.Via == "chat.postMessage" })
	if err != nil {
		t.Fatal(err)
	}
	if msg.Text != "posted for world" || msg.Team != "T0002" {
		t.Errorf("posted message = %+v", msg)
	}
	reply2, err := emu.WaitForMessage(ctx, func(m slacktest.Message) bool {
		return m.From == "app" && (m.Via == "reply" || m.Via == "response_url")
	})
	if err != nil || reply2.Text != "hello world" {
		t.Errorf("the command's answer: %+v, %v", reply2, err)
	}

	// An external select's options load, and a modal closed by the user.
	if r, err := emu.SendBlockSuggestion(ctx, "T0002", "pick", "ab"); err != nil || !r.OK() || !strings.Contains(string(r.Body), `"value":"v-ab"`) {
		t.Errorf("options load: %+v, %v", r, err)
	}
	if _, err := emu.SendViewClosed(ctx, "T0002", "form"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-closed:
		if got != "form by U0002 in T0002" {
			t.Errorf("view_closed handler got %q", got)
		}
	case <-ctx.Done():
		t.Error("the view_closed handler did not run")
	}

	// Uninstalling revokes the tokens: the app's next Web API call fails.
	if _, err := emu.Uninstall(ctx, "T0002"); err != nil {
		t.Fatal(err)
	}
	if r, err := emu.SendCommand(ctx, "T0002", "/hello", "again"); err != nil {
		t.Fatal(err)
	} else if r.OK() && strings.Contains(string(r.Body), "hello again") {
		t.Errorf("the app still answered after being uninstalled: %s", r.Body)
	}
}

func fetch(t *testing.T, c *http.Client, method, target string, form url.Values) (string, *url.URL) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = c.PostForm(target, form)
	} else {
		resp, err = c.Get(target)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return string(b), resp.Request.URL
}

// TestWithSlackappSocketMode runs a single-workspace Socket Mode app of the
// runtime against the emulator: SLACK_BOT_TOKEN from Install,
// SLACK_APP_TOKEN from AppToken.
func TestWithSlackappSocketMode(t *testing.T) {
	emu := slacktest.NewServer(t, slacktest.AppConfig{
		BotScopes:  []string{"commands", "chat:write", "app_mentions:read"},
		BotEvents:  []string{"app_mention"},
		SocketMode: true,
	})
	inst, err := emu.Install("T0001")
	if err != nil {
		t.Fatal(err)
	}
	app, err := slackapp.New(&slackapp.Config{
		BotToken: inst.BotToken, AppToken: emu.AppToken(), SocketMode: true, SlackURL: emu.URL(),
	}, slackapp.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		return slackapp.Text("hi over the socket, " + cmd.Text), nil
	})
	app.Event("app_mention", func(c *slackapp.Context, ev *slackapp.Event) error {
		_, _, err := c.Client().PostMessageContext(c, "C1", slack.MsgOptionText("mentioned", false))
		return err
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- app.Run(runCtx) }()
	for emu.SocketConnections() == 0 {
		select {
		case err := <-done:
			t.Fatalf("Run: %v", err)
		case <-ctx.Done():
			t.Fatal("the app did not connect over Socket Mode")
		case <-time.After(20 * time.Millisecond):
		}
	}
	reply, err := emu.SendCommand(ctx, "T0001", "/hello", "there")
	if err != nil || !strings.Contains(string(reply.Body), "hi over the socket, there") {
		t.Fatalf("command over Socket Mode: %+v, %v", reply, err)
	}
	if _, err := emu.SendAppMention(ctx, "T0001", "ping"); err != nil {
		t.Fatal(err)
	}
	if _, err := emu.WaitForMessage(ctx, func(m slacktest.Message) bool { return m.Text == "mentioned" }); err != nil {
		t.Fatal(err)
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return")
	}
}
