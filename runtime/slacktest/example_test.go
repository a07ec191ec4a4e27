package slacktest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slackgen/slackgen/runtime/signature"
	"github.com/slackgen/slackgen/runtime/slacktest"
)

// An app under test answers a slash command and posts a message with the
// Web API; the emulator signs the command and captures the message.
func Example() {
	var srv *slacktest.Server
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := signature.New([]string{srv.App().SigningSecret})
		body, err := v.ReadAndVerify(r)
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		form, _ := url.ParseQuery(string(body))
		fmt.Fprintf(w, "Hello, %s!", form.Get("user_name"))
	}))
	defer app.Close()

	srv, err := slacktest.New(slacktest.AppConfig{
		Name:       "Greeter",
		BotScopes:  []string{"commands", "chat:write"},
		RequestURL: app.URL + "/slack/events",
	})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	reply, err := srv.SendCommand(context.Background(), "T0001", "/hello", "")
	if err != nil {
		panic(err)
	}
	fmt.Println(reply.Status, string(reply.Body))
	for _, m := range srv.Messages() {
		fmt.Printf("%s via %s: %s\n", m.From, m.Via, m.Text)
	}
	// Output:
	// 200 Hello, user-t0001!
	// user via command: /hello
	// app via reply: Hello, user-t0001!
}

// The OAuth v2 install as a browser and an app do it: the consent form is
// plain HTML, so an HTTP client can submit it.
func ExampleServer_oauth() {
	srv, err := slacktest.New(slacktest.AppConfig{
		BotScopes:    []string{"chat:write"},
		RedirectURLs: []string{"https://app.example.com/slack/oauth_redirect"},
	})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	cfg := srv.App()

	// The user clicks Allow on the consent page for workspace T0002.
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.PostForm(srv.URL()+"/oauth/v2/authorize", url.Values{
		"client_id": {cfg.ClientID}, "scope": {"chat:write"}, "state": {"xyz"},
		"team": {"T0002"}, "decision": {"allow"},
	})
	if err != nil {
		panic(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))

	// The app's callback exchanges the code.
	ctx := context.Background()
	access, err := slack.GetOAuthV2ResponseContext(ctx, http.DefaultClient, cfg.ClientID, cfg.ClientSecret,
		back.Query().Get("code"), "", slack.OAuthOptionAPIURL(srv.APIURL()))
	if err != nil {
		panic(err)
	}
	api := slack.New(access.AccessToken, slack.OptionAPIURL(srv.APIURL()))
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("installed!", false)); err != nil {
		panic(err)
	}
	fmt.Println(back.Query().Get("state"), access.Team.Name, strings.HasPrefix(access.AccessToken, "xoxb-"))
	fmt.Println(srv.Messages()[0].Text)
	// Output:
	// xyz Globex true
	// installed!
}
